"""The second slice's API: a package requested, built, read and downloaded; imported by another agency's
archivist (refused to an officer); bulk filing all or nothing; "tài liệu khác"; the list as XLSX/PDF and its
import with a dry run."""

from __future__ import annotations

import io
import zipfile

import pytest

from qlvb.directory.services import role_grant
from qlvb.dossiers import services
from qlvb.dossiers.models import DossierItem
from qlvb.files.tests import samples

from .test_package_pages import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(settings, tmp_path):
    from qlvb.celery_app import app

    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_PACKAGES_DIR = str(tmp_path / "packages")
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield tmp_path
    app.conf.task_always_eager = before


def test_package_export_download_and_import_over_the_api(
    api_as, handled, free_dossier, person, tyt, eager, django_capture_on_commit_callbacks
):
    officer = api_as("dothanhhuong")
    docs = [handled(code_number=str(n)) for n in (41, 42)]
    dossier = free_dossier()
    unseen = handled(to="ngothuytrang", code_number="43")
    refused = officer.post(
        f"/api/v1/dossiers/{dossier.pk}/bulk-file",
        {"document_ids": [docs[0].pk, unseen.pk]},
        content_type="application/json",
    )
    assert refused.status_code == 404 and refused.json()["code"] == "bulk_refused"
    assert not DossierItem.objects.filter(dossier=dossier).exists()
    added = officer.post(
        f"/api/v1/dossiers/{dossier.pk}/bulk-file",
        {"document_ids": [d.pk for d in docs]},
        content_type="application/json",
    )
    assert added.json() == {"added": 2}
    photo = io.BytesIO(samples.image_bytes("JPEG"))
    photo.name = "anh.jpg"
    other = officer.post(f"/api/v1/dossiers/{dossier.pk}/files", {"file": photo, "title": "Ảnh hội nghị"})
    assert other.status_code == 201 and other.json()["ordinal"] == 3
    assert officer.post(f"/api/v1/dossiers/{dossier.pk}/packages").json()["code"] == "package_not_closed"
    services.dossier_close(actor=person("dothanhhuong"), dossier=dossier)
    with django_capture_on_commit_callbacks(execute=True):
        created = officer.post(f"/api/v1/dossiers/{dossier.pk}/packages")
    assert created.status_code == 201
    state = officer.get(f"/api/v1/dossiers/packages/{created.json()['id']}").json()
    assert state["state"] == "done" and state["dossiers"] == [dossier.file_code] and state["file_count"] == 1
    assert api_as("ngothuytrang").get(f"/api/v1/dossiers/packages/{state['id']}").status_code == 404
    zipped = officer.get(state["download"])
    body = b"".join(zipped.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).read("manifest-sha256.txt")

    upload = io.BytesIO(body)
    upload.name = "goi.zip"
    assert officer.post("/api/v1/dossiers/packages/import", {"package": upload}).status_code == 403
    keeper = person("tytlienminh_buithiloan")
    role_grant(actor=None, user=keeper, role="archivist", unit=tyt)
    upload.seek(0)
    imported = api_as(keeper).post("/api/v1/dossiers/packages/import", {"package": upload})
    assert imported.status_code == 200, imported.content
    assert imported.json()["created"] == [dossier.file_code] and imported.json()["documents_created"] == 2


def test_the_list_over_the_api(api_as, person, ubnd):
    clerk = person("lethuha")
    plan = services.plan_create(actor=clerk, agency=ubnd, year=2026)
    client = api_as("lethuha")
    assert client.get("/api/v1/dossiers/plans/template/xlsx").status_code == 200
    sheet = io.BytesIO(
        workbook([("I", "Tổ chức", None, None, None, None, "TC"), ("01.TC", "Hồ sơ A", "5", None, None, None, None)])
    )
    sheet.name = "dm.xlsx"
    checked = client.post(f"/api/v1/dossiers/plans/{plan.pk}/import", {"file": sheet}).json()
    assert checked["imported"] is False and checked["refused"] == 0 and len(checked["rows"]) == 2
    sheet.seek(0)
    done = client.post(f"/api/v1/dossiers/plans/{plan.pk}/import?dry_run=false", {"file": sheet}).json()
    assert done["imported"] is True
    exported = client.get(f"/api/v1/dossiers/plans/{plan.pk}/export?format=xlsx")
    assert exported.status_code == 200 and exported.content.startswith(b"PK")
