"""Điều 31 (NĐ 30/2020): a person leaving hands over all his dossiers — the open ones and the closed ones not
yet submitted to the archive; a dossier submitted (or archived) is the archive's and is not listed."""

from __future__ import annotations

import io

import pytest

from qlvb.dossiers.archive import transfer_create, transfer_submit
from qlvb.dossiers.bulk import dossier_file_add
from qlvb.dossiers.models import Dossier, DossierState
from qlvb.dossiers.services import dossier_close
from qlvb.files.intake import file_intake
from qlvb.files.tests import samples
from qlvb.operations.handover import HandoverInput, handover_items, handover_make
from qlvb.operations.handover_models import HandoverMode

from .handover_fixtures import dossier_of, who

pytestmark = pytest.mark.django_db


def closed_dossier_of(person, notation: str) -> Dossier:
    dossier = dossier_of(person, notation=notation)
    stored = file_intake(
        actor=person, stream=io.BytesIO(samples.pdf_bytes()), original_name="bien-ban.pdf", channel="scan"
    )
    dossier_file_add(actor=person, dossier=dossier, stored_file=stored, title="Biên bản họp")
    return dossier_close(actor=person, dossier=dossier)


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"


def test_closed_dossiers_not_yet_submitted_are_handed_over(demo, django_capture_on_commit_callbacks, celery_eager):
    huong, lan, nam = who("dothanhhuong"), who("tranthilan"), who("hoangvannam")
    still_open = dossier_of(huong, notation="01.VHXH")
    closed = closed_dossier_of(huong, "02.VHXH")
    submitted = closed_dossier_of(huong, "03.VHXH")
    batch = transfer_create(actor=huong, dossier_ids=[submitted.pk], title="Nộp lưu năm 2026")
    transfer_submit(actor=huong, batch=batch)
    submitted.refresh_from_db()
    assert submitted.state == DossierState.SUBMITTED

    _person, items = handover_items(actor=nam, person_id=huong.pk)
    listed = {i.pk: i for i in items if i.kind == "dossier"}
    assert set(listed) == {still_open.pk, closed.pk}
    assert listed[closed.pk].state == "Đã đóng" and "02.VHXH" in listed[closed.pk].label

    data = HandoverInput(mode=HandoverMode.LEAVE, successor_id=lan.pk, overrides={}, reason="Nghỉ hưu")
    with django_capture_on_commit_callbacks(execute=True):
        handover_make(actor=nam, person_id=huong.pk, data=data)
    closed.refresh_from_db()
    assert closed.creator == lan and closed.creator_name == lan.full_name
    assert closed.state == DossierState.CLOSED  # handed over as it is: still closed, still frozen
    assert Dossier.objects.get(pk=submitted.pk).creator == huong  # the archive's, not handed over
