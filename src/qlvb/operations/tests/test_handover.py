"""Issue 15, Điều 22.1.c, 22.2.b and 31 of the seed: when a person leaves, the head hands everything he
still holds — incoming work, drafts, approval steps, signatures, tasks he gave, open dossiers — to
successors in one transaction, each item recording it; the Biên bản bàn giao lists what went to whom;
the account is locked, never deleted. Moving inside the agency keeps the account and moves it. A bad
successor (locked, of another agency) is refused by name and nothing is half-done."""

from __future__ import annotations

import pytest

from qlvb.assignments.models import Assignment, Notification
from qlvb.core.errors import NotFound, PermissionDenied, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.direction.task_models import Task, TaskEvent
from qlvb.directory.models import RoleAssignment, User
from qlvb.directory.services import user_lock
from qlvb.documents.models import DocumentEvent
from qlvb.dossiers.models import Dossier
from qlvb.operations.handover import HandoverInput, handover_items, handover_make
from qlvb.operations.handover_models import Handover, HandoverMode
from qlvb.outgoing.models import ApprovalStep, Outgoing

from .handover_fixtures import dept, dossier_of, draft_by, incoming_to, submitted_with_step_for, task_given_by, who

pytestmark = pytest.mark.django_db


@pytest.fixture
def huong_holds(demo: None) -> dict[str, int]:
    """Đỗ Thanh Hương (VHXH) holds an incoming document, a draft, an approval step and a dossier."""
    huong = who("dothanhhuong")
    step_draft = submitted_with_step_for(huong, who("ngothuytrang"))
    step = ApprovalStep.objects.get(outgoing=step_draft, user=huong)
    return {
        "assignment": incoming_to(huong).pk,
        "draft": draft_by(huong).pk,
        "step": step.pk,
        "dossier": dossier_of(huong).pk,
    }


def test_the_head_lists_everything_the_person_still_holds(huong_holds: dict[str, int]) -> None:
    person, items = handover_items(actor=who("hoangvannam"), person_id=who("dothanhhuong").pk)
    assert person == who("dothanhhuong")
    held = {(i.kind, i.pk) for i in items}
    assert held == set(huong_holds.items())
    assert any("Kế hoạch tiêm chủng mở rộng năm 2026" in i.label for i in items)


def test_an_officer_leaves_every_item_goes_to_its_successor_and_the_account_is_locked(
    huong_holds: dict[str, int], django_capture_on_commit_callbacks: object, celery_eager: None
) -> None:
    huong, lan, nam = who("dothanhhuong"), who("tranthilan"), who("hoangvannam")
    data = HandoverInput(
        mode=HandoverMode.LEAVE,
        successor_id=lan.pk,
        overrides={f"dossier-{huong_holds['dossier']}": nam.pk},
        reason="Quyết định số 12/QĐ-UBND",
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        record = handover_make(actor=nam, person_id=huong.pk, data=data)

    assignment = Assignment.objects.get(pk=huong_holds["assignment"])
    assert assignment.user == lan and assignment.unit == lan.unit
    assert Outgoing.objects.get(pk=huong_holds["draft"]).drafter == lan
    assert ApprovalStep.objects.get(pk=huong_holds["step"]).user == lan
    dossier = Dossier.objects.get(pk=huong_holds["dossier"])
    assert dossier.creator == nam and dossier.creator_name == nam.full_name
    # History on the item itself, naming both people and the reason.
    event = DocumentEvent.objects.get(document=assignment.document, action="handed_over")
    assert event.text == "Chuyển giao từ Đỗ Thanh Hương sang Trần Thị Lan do nghỉ việc"
    assert AuditEntry.objects.filter(action="operations.item_handed_over").count() == 4
    # The record lists what went to whom.
    lines = list(record.lines.values_list("kind", "successor__username"))
    assert sorted(lines) == sorted(
        [
            ("assignment", lan.username),
            ("draft", lan.username),
            ("step", lan.username),
            ("dossier", nam.username),
        ]
    )
    # Locked, never deleted: the name stays in the history.
    huong.refresh_from_db()
    assert not huong.is_active and huong.locked_at is not None and "biên bản số" in huong.locked_reason
    assert AuditEntry.objects.filter(action="user.locked", object_id=str(huong.pk)).exists()
    assert DocumentEvent.objects.filter(actor_name="Đỗ Thanh Hương").exists()
    assert Notification.objects.filter(user=lan, text__contains="nhận bàn giao 3 việc của Đỗ Thanh Hương").exists()


def test_a_department_head_moves_inside_the_agency_and_the_successor_follows_his_task(demo: None) -> None:
    huy, trang, mai, hung = who("vuquanghuy"), who("ngothuytrang"), who("phamthimai"), who("nguyenvanhung")
    task = task_given_by(huy, trang)
    data = HandoverInput(mode=HandoverMode.MOVE, successor_id=mai.pk, to_unit_id=dept("VHXH").pk)
    record = handover_make(actor=hung, person_id=huy.pk, data=data)

    task.refresh_from_db()
    assert task.created_by == mai
    assert Assignment.objects.get(task_part__task=task).assigned_by == mai  # he follows the part now
    assert TaskEvent.objects.filter(task=task, action="handed_over", text__contains="do chuyển công tác").exists()
    huy.refresh_from_db()
    assert huy.is_active and huy.unit == dept("VHXH")
    assert not RoleAssignment.objects.filter(user=huy, unit=dept("KT")).exists()  # the old head's role ends
    assert record.to_unit == dept("VHXH") and record.lines.count() == 1


def test_a_document_waiting_for_a_leaving_signer_goes_to_a_leader_who_may_sign(demo: None) -> None:
    mai, hung = who("phamthimai"), who("nguyenvanhung")
    to_sign = draft_by(who("dothanhhuong"), subject="Tờ trình kinh phí", signer="phamthimai")
    key = f"signature-{to_sign.pk}"
    officer = HandoverInput(mode=HandoverMode.LEAVE, successor_id=hung.pk, overrides={key: who("lethuha").pk})
    with pytest.raises(ValidationFailed, match="Lê Thu Hà không có thẩm quyền ký"):
        handover_make(actor=hung, person_id=mai.pk, data=officer)
    assert Outgoing.objects.get(pk=to_sign.pk).signer == mai
    handover_make(actor=hung, person_id=mai.pk, data=HandoverInput(mode=HandoverMode.LEAVE, successor_id=hung.pk))
    assert Outgoing.objects.get(pk=to_sign.pk).signer == hung
    event = DocumentEvent.objects.get(document_id=to_sign.pk, action="handed_over")
    assert event.text == "Chuyển giao từ Phạm Thị Mai sang Nguyễn Văn Hùng do nghỉ việc (người ký)"


def test_one_locked_successor_is_refused_by_name_and_nothing_changes(huong_holds: dict[str, int]) -> None:
    huong, lan, trang = who("dothanhhuong"), who("tranthilan"), who("ngothuytrang")
    user_lock(actor=lan, user=trang, reason="Nghỉ hưu")
    data = HandoverInput(
        mode=HandoverMode.LEAVE, successor_id=lan.pk, overrides={f"draft-{huong_holds['draft']}": trang.pk}
    )
    with pytest.raises(ValidationFailed, match="Ngô Thùy Trang đã bị khóa"):
        handover_make(actor=who("hoangvannam"), person_id=huong.pk, data=data)
    assert Assignment.objects.get(pk=huong_holds["assignment"]).user == huong
    assert Outgoing.objects.get(pk=huong_holds["draft"]).drafter == huong
    assert ApprovalStep.objects.get(pk=huong_holds["step"]).user == huong
    assert Dossier.objects.get(pk=huong_holds["dossier"]).creator == huong
    assert User.objects.get(pk=huong.pk).is_active
    assert not Handover.objects.exists()
    assert not AuditEntry.objects.filter(action="operations.item_handed_over").exists()


def test_a_successor_of_another_agency_is_refused_by_name(huong_holds: dict[str, int]) -> None:
    data = HandoverInput(mode=HandoverMode.LEAVE, successor_id=who("tytlienminh_buithiloan").pk)
    with pytest.raises(ValidationFailed, match="Bùi Thị Loan không thuộc cơ quan"):
        handover_make(actor=who("hoangvannam"), person_id=who("dothanhhuong").pk, data=data)
    assert Assignment.objects.get(pk=huong_holds["assignment"]).user == who("dothanhhuong")


def test_every_item_needs_a_successor(huong_holds: dict[str, int]) -> None:
    with pytest.raises(ValidationFailed, match="Cần chọn người nhận"):
        handover_make(
            actor=who("hoangvannam"),
            person_id=who("dothanhhuong").pk,
            data=HandoverInput(mode=HandoverMode.LEAVE, successor_id=None),
        )
    assert who("dothanhhuong").is_active


def test_a_person_of_another_agency_is_not_found_and_another_department_is_forbidden(demo: None) -> None:
    with pytest.raises(NotFound):
        handover_items(actor=who("hoangvannam"), person_id=who("tytlienminh_buithiloan").pk)
    with pytest.raises(PermissionDenied):
        handover_items(actor=who("vuquanghuy"), person_id=who("dothanhhuong").pk)  # head of KT, not VHXH
    with pytest.raises(PermissionDenied):
        handover_items(actor=who("ngothuytrang"), person_id=who("dothanhhuong").pk)  # an officer


def test_a_move_needs_a_unit_of_the_same_agency(demo: None) -> None:
    from qlvb.directory.models import Unit

    tyt = Unit.objects.get(short_name="TYT", kind="agency")
    for unit_id in (None, tyt.pk, who("dothanhhuong").unit_id):
        with pytest.raises(ValidationFailed):
            handover_make(
                actor=who("hoangvannam"),
                person_id=who("dothanhhuong").pk,
                data=HandoverInput(mode=HandoverMode.MOVE, successor_id=who("tranthilan").pk, to_unit_id=unit_id),
            )
    assert User.objects.get(username="ublienminh_dothanhhuong").unit == dept("VHXH")


def test_a_locked_person_has_nothing_more_to_hand_over(huong_holds: dict[str, int]) -> None:
    nam, huong = who("hoangvannam"), who("dothanhhuong")
    handover_make(actor=nam, person_id=huong.pk, data=HandoverInput(mode="leave", successor_id=who("tranthilan").pk))
    from qlvb.core.errors import Conflict

    with pytest.raises(Conflict, match="đã bị khóa"):
        handover_items(actor=nam, person_id=huong.pk)
    assert Task.objects.count() == 0
