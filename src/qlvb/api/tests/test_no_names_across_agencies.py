"""No name of another agency's people leaks through an error message: every user or unit id a caller
sends (a signer, a leader to submit to, a unit or person to route to, people to consult) is resolved
within what the caller may see in the directory, and an id he may not see gets exactly the answer of an
id that does not exist — the same status, the same bytes. Enumerated over every id, as Trạm Y tế's
leader and clerk (UBND xã Liên Minh's people and units are another agency's)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Max
from django.test import Client

from qlvb.directory.models import Unit, User
from qlvb.directory.selectors import units_visible_to, users_visible_to
from qlvb.documents.models import DocumentType

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: dict[str, Any]) -> tuple[int, bytes]:
    response = client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")
    return response.status_code, response.content


def assert_invisible_ids_answer_as_unknown(
    client: Client, path: str, body: Callable[[int], dict[str, Any]], ids: list[int], visible: set[int], unknown: int
) -> None:
    baseline = _post(client, path, body(unknown))
    assert baseline[0] == 404, baseline
    outsiders = [pk for pk in ids if pk not in visible]
    assert outsiders
    for pk in outsiders:
        assert _post(client, path, body(pk)) == baseline, f"{path}: id {pk}"


@pytest.fixture
def tyt(demo) -> dict[str, Any]:
    leader = User.objects.get(username="tytlienminh_dangvantoan")
    clerk = User.objects.get(username="tytlienminh_buithiloan")
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    unit_ids = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    assert leader.unit is not None
    return {
        "leader": leader,
        "clerk": clerk,
        "user_ids": user_ids,
        "unit_ids": unit_ids,
        "visible_users": set(users_visible_to(leader).values_list("pk", flat=True)),
        "visible_units": set(units_visible_to(leader).values_list("pk", flat=True)),
        "unknown_user": User.objects.aggregate(m=Max("pk"))["m"] + 1000,
        "unknown_unit": Unit.objects.aggregate(m=Max("pk"))["m"] + 1000,
        "others": [u.full_name for u in User.objects.exclude(unit__agency=leader.unit.agency) if u.full_name],
    }


def test_the_signer_of_a_new_draft(tyt, api_as) -> None:
    leader = api_as(tyt["leader"])
    doc_type = DocumentType.objects.get(name="Công văn").pk

    def body(pk: int) -> dict[str, Any]:
        return {
            "doc_type_id": doc_type,
            "subject": "Báo cáo tiêm chủng",
            "signer_id": pk,
            "free_recipients": "Trung tâm Y tế huyện.",
        }

    assert_invisible_ids_answer_as_unknown(
        leader, "/outgoing", body, tyt["user_ids"], tyt["visible_users"], tyt["unknown_user"]
    )
    _, content = _post(leader, "/outgoing", body(1))
    assert not any(name in content.decode() for name in tyt["others"])
    # The Trạm's own leader is still a valid signer.
    assert _post(leader, "/outgoing", body(tyt["leader"].pk))[0] == 201


def test_people_to_consult_and_the_department_leader_of_a_draft(tyt, api_as) -> None:
    leader = api_as(tyt["leader"])
    doc_type = DocumentType.objects.get(name="Công văn").pk
    status, content = _post(
        leader,
        "/outgoing",
        {
            "doc_type_id": doc_type,
            "subject": "Báo cáo",
            "signer_id": tyt["leader"].pk,
            "free_recipients": "Trung tâm Y tế huyện.",
        },
    )
    assert status == 201, content
    draft = json.loads(content)["id"]
    assert_invisible_ids_answer_as_unknown(
        leader,
        f"/outgoing/{draft}/consultations",
        lambda pk: {"user_ids": [tyt["clerk"].pk, pk], "deadline": "2099-12-31"},
        tyt["user_ids"],
        tyt["visible_users"],
        tyt["unknown_user"],
    )
    assert_invisible_ids_answer_as_unknown(
        leader,
        f"/outgoing/{draft}/submit",
        lambda pk: {"dept_leader_id": pk},
        tyt["user_ids"],
        tyt["visible_users"],
        tyt["unknown_user"],
    )


@pytest.fixture
def tyt_document(tyt, api_as) -> int:
    status, content = _post(
        api_as(tyt["clerk"]),
        "/incoming/",
        {
            "channel": "paper",
            "doc_type": "Công văn",
            "subject": "Về việc tiêm chủng mở rộng",
            "organ_name": "Trung tâm Y tế huyện",
            "code_number": "12",
            "code_notation": "TTYT",
            "issued_date": "2026-03-05",
        },
    )
    assert status == 201, content
    return int(json.loads(content)["id"])


def test_the_leader_an_incoming_document_is_submitted_to(tyt, tyt_document, api_as) -> None:
    for who in ("clerk", "leader"):
        assert_invisible_ids_answer_as_unknown(
            api_as(tyt[who]),
            f"/incoming/{tyt_document}/submit",
            lambda pk: {"leader_id": pk},
            tyt["user_ids"],
            tyt["visible_users"],
            tyt["unknown_user"],
        )


@pytest.mark.parametrize("action", ["route", "direct"])
def test_units_and_people_an_incoming_document_is_routed_to(tyt, tyt_document, action: str, api_as) -> None:
    clerk = api_as(tyt["clerk"])
    path = f"/incoming/{tyt_document}/{action}"
    assert_invisible_ids_answer_as_unknown(
        clerk,
        path,
        lambda pk: {"targets": [{"role": "lead", "unit_id": pk}]},
        tyt["unit_ids"],
        tyt["visible_units"],
        tyt["unknown_unit"],
    )
    assert_invisible_ids_answer_as_unknown(
        clerk,
        path,
        lambda pk: {"targets": [{"role": "lead", "user_id": pk}]},
        tyt["user_ids"],
        tyt["visible_users"],
        tyt["unknown_user"],
    )


def test_unknown_and_invisible_people_get_the_directory_answer(tyt, api_as) -> None:
    """The same answer as ``GET /directory/users/{id}`` gives for someone the caller may not see."""
    leader = api_as(tyt["leader"])
    directory = leader.get("/api/v1/directory/users/1")
    signer = leader.post(
        "/api/v1/outgoing",
        json.dumps(
            {"doc_type_id": DocumentType.objects.values_list("pk", flat=True)[0], "subject": "x", "signer_id": 1}
        ),
        content_type="application/json",
    )
    assert (
        (signer.status_code, signer.json())
        == (directory.status_code, directory.json())
        == (404, {"detail": "Không tìm thấy người dùng hoặc bạn không có quyền xem.", "code": "not_found"})
    )


def test_the_incoming_document_a_draft_answers(tyt, api_as) -> None:
    """Another agency's incoming document answers as one that does not exist, whatever else is wrong."""
    status, content = _post(
        api_as("lethuha"),
        "/incoming/",
        {
            "channel": "paper",
            "doc_type": "Công văn",
            "subject": "Về việc rà soát hộ nghèo",
            "organ_name": "UBND huyện",
            "code_number": "7",
            "code_notation": "UBND",
            "issued_date": "2026-03-05",
        },
    )
    assert status == 201, content
    theirs = json.loads(content)["id"]
    leader = api_as(tyt["leader"])
    doc_type = DocumentType.objects.get(name="Công văn").pk
    for extra in ({}, {"free_recipients": "Trung tâm Y tế huyện."}):

        def body(pk: int, extra: dict = extra) -> dict[str, Any]:
            return {
                "doc_type_id": doc_type,
                "subject": "Trả lời",
                "signer_id": tyt["leader"].pk,
                "answers_id": pk,
                **extra,
            }

        assert _post(leader, "/outgoing", body(theirs)) == _post(leader, "/outgoing", body(theirs + 1000))
