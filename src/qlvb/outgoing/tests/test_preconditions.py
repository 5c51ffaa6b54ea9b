"""The button shown is the act the service allows: for every action, every stage of the flow and every role,
``action in can_act(person, document)`` equals "the service, called with valid input, does not refuse"
(issue 10: one precondition per action). Each call runs in a savepoint rolled back afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from qlvb.core.errors import DomainError
from qlvb.directory.models import User
from qlvb.files.models import StoredFile
from qlvb.outgoing import followup, recipients, services
from qlvb.outgoing.actions import CHECKS, can_act
from qlvb.outgoing.models import Outgoing, State
from qlvb.outgoing.tests.conftest import ALL_OK, PIN, upload

ROLES = ("dothanhhuong", "hoangvannam", "lethuha", "nguyenvanhung", "phamthimai", "ngothuytrang")


def _draft_data(o: Outgoing) -> services.DraftData:
    d = o.document
    return services.DraftData(
        doc_type=d.doc_type,
        subject=d.subject,
        signer=o.signer,
        competence=o.competence,
        signer_position=d.signer_position,
        urgency=d.urgency,
        due_date=d.due_date,
        drafter_initials=o.drafter_initials,
        copy_count=o.copy_count,
        recipients=[r.unit for r in o.recipients.select_related("unit")],
        free_recipients=o.free_recipients,
        paper_recipients=o.paper_recipients,
        description=d.description,
    )


def _run(action: str, actor: User, o: Outgoing, docx: bytes) -> Any:
    """The service of ``action`` with input it accepts."""
    calls: dict[str, Callable[[], Any]] = {
        "edit": lambda: services.outgoing_update(actor=actor, outgoing=o, data=_draft_data(o)),
        "upload": lambda: services.version_upload(actor=actor, outgoing=o, stored_file=upload(actor, docx)),
        "comment": lambda: services.comment_add(actor=actor, outgoing=o, text="Đề nghị sửa điều 2"),
        "submit": lambda: services.outgoing_submit(actor=actor, outgoing=o),
        "approve": lambda: services.outgoing_approve(actor=actor, outgoing=o),
        "return": lambda: services.outgoing_return(actor=actor, outgoing=o, comment="Sửa lại"),
        "format_check": lambda: services.outgoing_format_check(actor=actor, outgoing=o, checks=ALL_OK),
        "sign": lambda: services.outgoing_sign(actor=actor, outgoing=o, pin=PIN),
        "number": lambda: services.outgoing_number(actor=actor, outgoing=o),
        "sign_agency": lambda: services.outgoing_sign_agency(actor=actor, outgoing=o, pin=PIN),
        "issue": lambda: services.outgoing_issue(actor=actor, outgoing=o, accept_unreachable=True),
        "recipient": lambda: recipients.recipient_fix(actor=actor, outgoing=o, name="Như trên", action="paper"),
        "followup_close": lambda: followup.reply_followup_close(actor=actor, outgoing=o),
        "revoke": lambda: services.outgoing_revoke(actor=actor, outgoing=o, reason="Sai số liệu"),
        "replace": lambda: services.outgoing_replacement_start(actor=actor, outgoing=o),
        "deliveries_retry": lambda: services.outgoing_deliveries_retry(actor=actor, outgoing=o),
        "take_back": lambda: services.outgoing_take_back(
            actor=actor, outgoing=o, delivery_id=_electronic_delivery(o), reason="Gửi nhầm"
        ),
    }
    return calls[action]()


def _electronic_delivery(o: Outgoing) -> int:
    """The first recipient reached electronically (0: none)."""
    found = o.document.deliveries.filter(transport__in=("internal", "axis")).order_by("pk").first()
    return found.pk if found is not None else 0


class _UndoError(Exception):
    pass


def _service_allows(action: str, actor: User, o: Outgoing, docx: bytes) -> bool:
    try:
        with transaction.atomic():
            _run(action, actor, o, docx)
            raise _UndoError
    except _UndoError:
        return True
    except DomainError:
        return False


class _CrashError(Exception):
    pass


def _crash_on_pdf(sender: object, instance: StoredFile, created: bool, **kwargs: object) -> None:
    if created and instance.name.startswith("01-"):
        raise _CrashError


def _number_interrupted(clerk: User, o: Outgoing) -> None:
    """The number given, the PDF write interrupted (state ``numbering``)."""
    post_save.connect(_crash_on_pdf, sender=StoredFile)
    try:
        with pytest.raises(_CrashError):
            services.outgoing_number(actor=clerk, outgoing=o)
    finally:
        post_save.disconnect(_crash_on_pdf, sender=StoredFile)


STAGES = (
    "in_review",
    "format_check",
    "to_sign",
    "signed",
    "numbering",
    "numbered",
    "agency_signed",
    "issued",
    "revoked",
)


@pytest.mark.parametrize("stage", STAGES)
def test_button_shown_iff_service_allows(
    stage: str,
    person: Callable[[str], User],
    draft: Callable[..., Outgoing],
    with_version: Callable[..., Outgoing],
    to_sign: Callable[..., Outgoing],
    signed: Callable[..., Outgoing],
    cong_van_docx: bytes,
) -> None:
    clerk = person("lethuha")
    due = timezone.localdate() + dt.timedelta(days=10)
    if stage in ("in_review", "format_check"):
        o = with_version(draft(due_date=due))
        services.outgoing_submit(actor=o.drafter, outgoing=o)
        if stage == "format_check":
            services.outgoing_approve(actor=person("hoangvannam"), outgoing=o)
    elif stage == "to_sign":
        o = to_sign(due_date=due)
    else:
        o = signed(due_date=due)
        if stage == "numbering":
            _number_interrupted(clerk, o)
        elif stage != "signed":
            services.outgoing_number(actor=clerk, outgoing=o)
        if stage not in ("signed", "numbering", "numbered"):
            services.outgoing_sign_agency(actor=clerk, outgoing=o, pin=PIN)
        if stage in ("issued", "revoked"):
            services.outgoing_issue(actor=clerk, outgoing=o, accept_unreachable=True)
        if stage == "revoked":
            services.outgoing_revoke(actor=clerk, outgoing=o, reason="Sai")
    o = Outgoing.objects.select_related("document").get(pk=o.pk)
    assert o.state == State(stage)
    shown_somewhere = set()
    for username in ROLES:
        actor = person(username)
        shown = can_act(actor, o)
        for action in CHECKS:
            fresh = Outgoing.objects.select_related("document").get(pk=o.pk)
            allows = _service_allows(action, actor, fresh, cong_van_docx)
            assert (action in shown) == allows, f"{stage}: {username} {action}: shown {action in shown}"
        shown_somewhere |= shown
    assert bool(shown_somewhere) == (stage != "revoked")  # someone may act at every stage but the last
