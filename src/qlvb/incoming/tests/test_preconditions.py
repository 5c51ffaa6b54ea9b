"""One precondition per action (issue 10): for every action of the document page and of an assignment row,
in each state and for each role, the button is shown exactly when the service accepts the action."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qlvb.assignments.models import Assignment, ReminderKind
from qlvb.core.errors import Conflict, PermissionDenied
from qlvb.documents.models import Document
from qlvb.files.intake import file_intake
from qlvb.incoming import preconditions, services
from qlvb.incoming.people import dept_leaders_of, members_of
from qlvb.incoming.services import Target

from .conftest import make_data

pytestmark = pytest.mark.django_db

PEOPLE = ("lethuha", "nguyenvanhung", "hoangvannam", "dothanhhuong", "phamthimai", "tytlienminh_buithiloan")
DUE = 20


def _refused(run: Callable[[], Any]) -> bool:
    """Run a service in a savepoint rolled back afterwards; whether its precondition refused it."""
    try:
        with transaction.atomic():
            run()
            raise _RolledBackError
    except _RolledBackError:
        return False
    except (PermissionDenied, Conflict):
        return True


class _RolledBackError(Exception):
    pass


def _text_file(actor: Any) -> Any:
    return file_intake(actor=actor, stream=io.BytesIO(b"Phu luc\n"), original_name="phu-luc.txt", channel="web")


def _page(client: Any, user: Any, doc: Document) -> str:
    """The document page as ``user`` sees it ("" when he may not see the document)."""
    client.force_login(user)
    response = client.get(reverse("incoming:detail", args=[doc.pk]))
    if response.status_code == 404:
        return ""
    assert response.status_code == 200
    return response.content.decode()


# --- Document actions --------------------------------------------------------------------------------------------

DOCUMENT_URLS = {
    "register": "register",
    "reject": "reject",
    "correct": "correct",
    "files": "files_add",
    "submit": "submit",
    "route": "route",
    "direct": "direct",
    "handle_self": "handle_self",
    "return": "return",
}


def _document_call(name: str, actor: Any, doc: Document, dept: Callable[[str], Any]) -> Callable[[], Any]:
    targets = [Target(role="lead", unit=dept("VHXH"))]
    calls: dict[str, Callable[[], Any]] = {
        "register": lambda: services.incoming_register(actor=actor, document=doc, confirm_duplicate=True),
        "reject": lambda: services.incoming_reject(actor=actor, document=doc, reason="Gửi nhầm cơ quan"),
        "correct": lambda: services.incoming_correct(actor=actor, document=doc, changes={"signer_name": "Trần Văn B"}),
        "files": lambda: services.incoming_files_add(
            actor=actor,
            document=doc,
            files=[services.IncomingFile(_text_file(actor), kind="appendix")],
        ),
        "submit": lambda: services.incoming_submit(actor=actor, document=doc),
        "route": lambda: services.incoming_route(actor=actor, document=doc, targets=targets),
        "direct": lambda: services.incoming_direct(actor=actor, document=doc, directive="", targets=targets),
        "handle_self": lambda: services.incoming_handle_self(actor=actor, document=doc),
        "return": lambda: services.incoming_return_to_clerk(actor=actor, document=doc, reason="Bổ sung"),
    }
    return calls[name]


@pytest.fixture
def in_state(person, dept, settings, tmp_path) -> Callable[[str], Document]:
    settings.FILES_DIR = tmp_path / "files"
    clerk, leader = person("lethuha"), person("nguyenvanhung")

    def make(state: str) -> Document:
        doc = services.incoming_receive(
            actor=clerk,
            agency=clerk.unit.agency,
            channel="email",
            data=make_data(subject=f"Văn bản {state}", due_date=timezone.localdate() + dt.timedelta(days=DUE)),
            register=state != "received",
            confirm_duplicate=True,
        ).document
        if state in ("submitted", "returned", "in_progress"):
            services.incoming_submit(actor=clerk, document=doc)
        if state == "returned":
            services.incoming_return_to_clerk(actor=leader, document=doc, reason="Xem lại")
        if state == "in_progress":
            services.incoming_direct(
                actor=leader, document=doc, directive="", targets=[Target(role="lead", unit=dept("VHXH"))]
            )
        if state == "rejected":
            services.incoming_reject(actor=clerk, document=doc, reason="Sai nơi nhận")
        doc.refresh_from_db()
        assert doc.status == state
        return doc

    return make


@pytest.mark.parametrize("state", ["received", "registered", "submitted", "returned", "in_progress", "rejected"])
def test_document_buttons_match_the_services(state, in_state, person, dept, client):
    doc = in_state(state)
    seen = set()
    for name in PEOPLE:
        user = person(name)
        page = _page(client, user, doc)
        for action, url_name in DOCUMENT_URLS.items():
            shown = f'href="{reverse(f"incoming:{url_name}", args=[doc.pk])}"' in page
            allowed = not _refused(_document_call(action, user, Document.objects.get(pk=doc.pk), dept))
            assert shown == allowed, f"{action} by {name} on a {state} document: shown={shown}, allowed={allowed}"
            assert preconditions.allowed(preconditions.DOCUMENT_ACTIONS[action], user, doc) == allowed
            seen.add((action, allowed))
    assert any(allowed for _action, allowed in seen) or state == "rejected"


def test_every_document_action_has_a_page_and_a_precondition():
    assert set(DOCUMENT_URLS) == set(preconditions.DOCUMENT_ACTIONS)


# --- Assignment actions ------------------------------------------------------------------------------------------

ASSIGNMENT_URLS = {
    "assign": "assign",
    "report": "report",
    "complete": "complete",
    "extend": "extend",
    "return": "assignment_return",
    "remind": "remind",
    "accept": "accept",
    "return_result": "return_result",
}


def _assignment_call(name: str, actor: Any, a: Assignment, person: Callable[[str], Any]) -> Callable[[], Any]:
    due = (a.due_date or timezone.localdate()) + dt.timedelta(days=5)
    calls: dict[str, Callable[[], Any]] = {
        "assign": lambda: services.assignment_assign(
            actor=actor,
            assignment=a,
            targets=[Target(role=a.role, user=members_of(a.unit).exclude(pk=actor.pk).first())],
        ),
        "report": lambda: services.assignment_report(actor=actor, assignment=a, text="Đang làm"),
        "complete": lambda: services.assignment_complete(actor=actor, assignment=a, result="Xong"),
        "extend": lambda: services.extension_request(actor=actor, assignment=a, new_due_date=due, reason="Cần thêm"),
        "return": lambda: services.assignment_return(actor=actor, assignment=a, reason="Không thuộc phòng"),
        "remind": lambda: services.reminder_send(actor=actor, assignment=a, kind=ReminderKind.values[0], text="Nhanh"),
        "accept": lambda: services.assignment_accept(actor=actor, assignment=a),
        "return_result": lambda: services.assignment_return_result(actor=actor, assignment=a, reason="Chưa đạt"),
    }
    return calls[name]


@pytest.fixture
def assignments(receive, person, dept) -> dict[str, Assignment]:
    """The rows of one directed document in each state an assignment button depends on."""
    leader, nam = person("nguyenvanhung"), person("hoangvannam")
    doc = receive(due_date=timezone.localdate() + dt.timedelta(days=DUE))
    lead, support, info = services.incoming_direct(
        actor=leader,
        document=doc,
        directive="",
        targets=[
            Target(role="lead", unit=dept("VHXH")),
            Target(role="support", unit=dept("KT")),
            Target(role="info", user=person("phamthimai")),
        ],
    )
    (officer,) = services.assignment_assign(
        actor=nam, assignment=lead, targets=[Target(role="lead", user=person("dothanhhuong"))]
    )
    return {"dept_pending": support, "dept_split": lead, "officer_pending": officer, "info": info}


@pytest.mark.parametrize("stage", ["started", "awaiting"])
def test_assignment_buttons_match_the_services(stage, assignments, person, client):
    if stage == "awaiting":
        services.assignment_complete(
            actor=person("dothanhhuong"), assignment=assignments["officer_pending"], result="x"
        )
    else:
        services.assignment_report(actor=person("dothanhhuong"), assignment=assignments["officer_pending"], text="x")
    seen = set()
    for name in PEOPLE:
        user = person(name)
        page = _page(client, user, assignments["info"].document)
        for row, assignment in assignments.items():
            a = Assignment.objects.select_related("document", "unit", "user").get(pk=assignment.pk)
            for action, url_name in ASSIGNMENT_URLS.items():
                shown = f'href="{reverse(f"incoming:{url_name}", args=[a.pk])}"' in page
                allowed = not _refused(_assignment_call(action, user, a, person))
                assert shown == allowed, f"{action} by {name} on {row} ({a.status}): shown={shown}, allowed={allowed}"
                seen.add((action, allowed))
    # the cases cover both answers of most actions
    assert {action for action, allowed in seen if allowed} >= {"assign", "report", "complete", "extend", "remind"}
    assert stage == "started" or ("accept", True) in seen


def test_the_assigner_follows_up_but_does_not_handle(assignments, person):
    """The leader who gave a department its part reminds, accepts and decides; the department handles it
    (the page hid these buttons from him while the service let him through)."""
    leader = person("nguyenvanhung")
    support = assignments["dept_pending"]
    with pytest.raises(PermissionDenied):
        services.assignment_report(actor=leader, assignment=support, text="Tôi báo cáo thay")
    assert preconditions.allowed(preconditions.check_remind, leader, support)
    kt_leader = dept_leaders_of(support.unit).first()
    assert kt_leader is not None
    services.assignment_report(actor=kt_leader, assignment=support, text="Đang phối hợp")
