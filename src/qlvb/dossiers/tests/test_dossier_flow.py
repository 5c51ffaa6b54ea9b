"""A dossier from the list or outside it: its code, filing documents the person may see, closing (refused
when empty, frozen after), reopening by the archivist only, and who sees which dossier."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from qlvb.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from qlvb.core.models import AuditEntry
from qlvb.documents.models import DocumentEvent
from qlvb.dossiers import services
from qlvb.dossiers.errors import ErrorCode
from qlvb.dossiers.models import DossierItem, DossierState
from qlvb.dossiers.preconditions import dossier_actions
from qlvb.dossiers.selectors import documents_unfiled, dossier_get, dossiers_visible_to

pytestmark = pytest.mark.django_db


def test_a_dossier_opened_from_the_approved_list_takes_its_row(person, ubnd):
    clerk = person("lethuha")
    plan = services.plan_create(actor=clerk, agency=ubnd, year=2026)
    vx = services.plan_heading_add(actor=clerk, plan=plan, title="Văn hóa - Xã hội", abbreviation="VX")
    row = services.plan_row_add(
        actor=clerk, plan=plan, heading=vx, title="Hồ sơ tiêm chủng", retention_years=10, retention_ref="Mục 12"
    )
    officer = person("dothanhhuong")
    with pytest.raises(Conflict, match="đã được duyệt"):
        services.dossier_open(actor=officer, plan_row=row)
    services.plan_approve(actor=person("nguyenvanhung"), plan=plan)
    dossier = services.dossier_open(actor=officer, plan_row=row)
    assert (dossier.year, dossier.notation, dossier.title) == (2026, "01.VX", "Hồ sơ tiêm chủng")
    assert (dossier.maintenance, dossier.retention_ref) == ("10 năm", "Mục 12")
    assert dossier.file_code == f"{ubnd.organ_id}.2026.01.VX"
    with override_settings(QLVB_DOSSIER_CODE_SEPARATOR="-"):
        assert dossier.file_code == f"{ubnd.organ_id}-2026-01.VX"
    assert AuditEntry.objects.filter(action="dossiers.opened").count() == 1


def test_a_notation_that_clashes_within_the_year_is_refused(free_dossier, tyt, person):
    first = free_dossier(notation="05.VX")
    with pytest.raises(Conflict, match=r"05\.VX") as refused:
        free_dossier(notation="05.VX", by="ngothuytrang")
    assert refused.value.code == ErrorCode.NOTATION_TAKEN
    # another year, or another agency, may use it
    assert free_dossier(notation="05.VX", start_date=dt.date(2027, 1, 4)).year == 2027
    other = free_dossier(notation="05.VX", by="tytlienminh_buithiloan")
    assert other.agency == tyt and first.agency != tyt


def test_documents_the_person_may_see_are_filed_and_recorded(free_dossier, handled, person):
    doc = handled()
    dossier = free_dossier()
    second = free_dossier(notation="06.VX", title="Hồ sơ báo cáo y tế")
    officer = person("dothanhhuong")
    (item,) = services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[doc.pk])
    assert item.ordinal == 1 and item.document == doc
    assert services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[doc.pk]) == []  # already in
    services.dossier_documents_add(actor=officer, dossier=second, document_ids=[doc.pk])  # in several dossiers
    assert DossierItem.objects.filter(document=doc).count() == 2
    assert DocumentEvent.objects.filter(document=doc, action="filed").count() == 2


def test_a_document_the_person_may_not_see_is_refused(free_dossier, handled, person):
    not_hers = handled(to="ngothuytrang", code_number="16")
    mine = handled(code_number="17")
    dossier = free_dossier()
    with pytest.raises(NotFound, match="không có quyền xem"):
        services.dossier_documents_add(
            actor=person("dothanhhuong"), dossier=dossier, document_ids=[mine.pk, not_hers.pk]
        )
    assert not dossier.items.exists()  # nothing half-done


def test_close_is_refused_when_empty_then_freezes_the_dossier(free_dossier, handled, person, archivist):
    officer = person("dothanhhuong")
    dossier = free_dossier()
    assert "close" not in dossier_actions(officer, dossier) and "edit" in dossier_actions(officer, dossier)
    with pytest.raises(ValidationFailed, match="chưa có văn bản") as empty:
        services.dossier_close(actor=officer, dossier=dossier)
    assert empty.value.code == ErrorCode.DOSSIER_EMPTY
    a = handled(code_number="20", page_amount=3)
    b = handled(code_number="21", page_amount=2)
    services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[a.pk, b.pk])
    closed = services.dossier_close(actor=officer, dossier=dossier, end_date=dt.date(2026, 6, 30), title="Tiêm chủng")
    assert closed.state == DossierState.CLOSED and (closed.doc_total, closed.page_total) == (2, 5)
    assert closed.title == "Tiêm chủng" and closed.end_date == dt.date(2026, 6, 30)
    assert dossier_actions(officer, closed) == set()
    with pytest.raises(Conflict) as frozen:
        services.dossier_item_remove(actor=officer, dossier=closed, item_id=closed.items.all()[0].pk)
    assert frozen.value.code == ErrorCode.DOSSIER_FROZEN
    with pytest.raises(PermissionDenied):
        services.dossier_reopen(actor=officer, dossier=closed, reason="Bổ sung")
    assert dossier_actions(archivist, closed) == {"reopen"}
    reopened = services.dossier_reopen(actor=archivist, dossier=closed, reason="Bổ sung văn bản còn thiếu")
    assert reopened.state == DossierState.OPEN and reopened.doc_total is None
    entry = AuditEntry.objects.get(action="dossiers.reopened")
    assert entry.data["reason"] == "Bổ sung văn bản còn thiếu"


def test_an_end_date_before_the_start_is_refused(free_dossier, handled, person):
    officer = person("dothanhhuong")
    dossier = free_dossier()
    services.dossier_documents_add(actor=officer, dossier=dossier, document_ids=[handled().pk])
    with pytest.raises(ValidationFailed, match="Thời gian kết thúc"):
        services.dossier_close(actor=officer, dossier=dossier, end_date=dt.date(2025, 12, 31))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.OPEN


def test_who_sees_which_dossier(free_dossier, person, archivist):
    dossier = free_dossier()
    assert dossier_get(person("nguyenvanhung"), pk=dossier.pk) == dossier  # the head
    assert dossier_get(archivist, pk=dossier.pk) == dossier
    for outsider in ("ngothuytrang", "lethuha", "tytlienminh_dangvantoan"):
        with pytest.raises(NotFound):
            dossier_get(person(outsider), pk=dossier.pk)
        assert not dossiers_visible_to(person(outsider)).exists()
    with pytest.raises(PermissionDenied):
        services.dossier_documents_add(actor=person("nguyenvanhung"), dossier=dossier, document_ids=[1])


def test_unfiled_lists_what_the_person_handled_and_no_dossier_holds(free_dossier, handled, person):
    officer = person("dothanhhuong")
    a = handled(code_number="30")
    b = handled(code_number="31")
    handled(to="ngothuytrang", code_number="32")
    assert set(documents_unfiled(officer)) == {a, b}
    services.dossier_documents_add(actor=officer, dossier=free_dossier(), document_ids=[a.pk])
    assert list(documents_unfiled(officer)) == [b]
    assert not documents_unfiled(person("nguyenvanhung")).exists()  # sees them, handled none
