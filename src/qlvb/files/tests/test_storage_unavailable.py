"""The object store goes down while qlvb runs (issue 17, "Faults"): uploads are refused with a clear
Vietnamese message and HTTP 503, nothing is half-written (no row, no stored-file row without its object,
no temporary file), downloads answer a clear error; when the store is back, the same upload goes in."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qlvb.core.models import AuditEntry
from qlvb.documents.models import Document
from qlvb.files.intake import file_intake
from qlvb.files.models import Blob, Channel, StoredFile
from qlvb.files.services import file_open
from qlvb.files.storage import StorageUnavailable, blob_exists

from . import samples
from .conftest import stored_paths
from .s3server import MotoProcess, use_s3

MESSAGE = "Kho lưu trữ tệp tạm thời không truy cập được"


@pytest.fixture
def own_server():
    """A moto server of this test alone, so that stopping it leaves the other tests' server running."""
    server = MotoProcess().start()
    try:
        yield server
    finally:
        server.stop()


def test_store_down_refuses_uploads_and_downloads_clearly(
    own_server, settings, monkeypatch, person, api_as, page_as, files_dir
):
    use_s3(settings, monkeypatch, own_server.url)
    clerk = person("lethuha")
    kept = file_intake(actor=clerk, stream=io.BytesIO(samples.pdf_bytes()), original_name="a.pdf", channel=Channel.WEB)
    assert blob_exists(kept.blob.sha256)
    before = (Blob.objects.count(), StoredFile.objects.count())

    own_server.stop()  # the object store goes away

    started = time.monotonic()
    with pytest.raises(StorageUnavailable) as caught:
        file_intake(
            actor=clerk,
            stream=io.BytesIO(samples.docx_bytes()),
            original_name="Dự thảo.docx",
            channel=Channel.WEB,
        )
    assert time.monotonic() - started < 15  # refused quickly, not after minutes of retries
    assert caught.value.status_code == 503
    assert caught.value.message.startswith(f"{MESSAGE} nên chưa nhận được tệp “Dự thảo.docx”.")
    assert "Hệ thống chưa lưu gì" in caught.value.message

    response = api_as(clerk).post(
        "/api/v1/files", {"file": SimpleUploadedFile("Bảng số liệu.xlsx", samples.xlsx_bytes())}
    )
    assert response.status_code == 503
    assert response.json()["code"] == "storage_unavailable"
    assert MESSAGE in response.json()["detail"]

    page_form = page_as(clerk).post(reverse("incoming:receive"), _incoming_form(_pdf_upload()))
    assert page_form.status_code == 503  # the incoming form: the message on the page, nothing received
    assert MESSAGE in page_form.content.decode() and not Document.objects.exists()

    assert (Blob.objects.count(), StoredFile.objects.count()) == before  # no row, no orphan
    assert stored_paths(files_dir / "tmp") == []  # no temporary file either
    refusals = AuditEntry.objects.filter(action="file.refused", data__code="storage_unavailable")
    assert refusals.count() == 3 and {e.data["status"] for e in refusals} == {503}

    with pytest.raises(StorageUnavailable, match=re.escape(f"{MESSAGE} nên chưa đọc được tệp “a.pdf”")):
        file_open(actor=clerk, stored_file=kept)
    page = page_as(clerk).get(f"/tep/{kept.pk}/")
    assert page.status_code == 503 and MESSAGE in page.content.decode()
    api = api_as(clerk).get(f"/api/v1/files/{kept.pk}")
    assert api.status_code == 503 and api.json()["code"] == "storage_unavailable"
    assert not AuditEntry.objects.filter(action="file.downloaded").exists()

    own_server.start()  # back (moto keeps objects in memory: an empty store, as after a failover)
    use_s3(settings, monkeypatch, own_server.url)
    again = file_intake(
        actor=clerk, stream=io.BytesIO(samples.docx_bytes()), original_name="Dự thảo.docx", channel=Channel.WEB
    )
    assert blob_exists(again.blob.sha256)


def _pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("cong-van-45.pdf", samples.pdf_bytes() + b"% 45\n", content_type="application/pdf")


def _incoming_form(upload: SimpleUploadedFile) -> dict[str, object]:
    from qlvb.documents.models import DocumentType

    return {
        "channel": "paper",
        "doc_type": DocumentType.objects.get(name="Công văn").pk,
        "code_number": "45",
        "code_notation": "UBND-LĐTBXH",
        "issued_date": "05/03/2026",
        "organ_name": "UBND huyện Mê Linh",
        "subject": "Về việc rà soát hộ nghèo",
        "urgency": "0",
        "secrecy": "",
        "language": "Tiếng Việt",
        "main_file": upload,
    }


def test_healthz_reports_the_object_store(db, own_server, settings, monkeypatch, tmp_path):
    from django.test import Client

    from qlvb.api.tests.test_healthz import _filesystem_broker

    for name, value in _filesystem_broker(tmp_path).items():
        setattr(settings, name, value)
    use_s3(settings, monkeypatch, own_server.url)
    healthy = Client().get("/healthz")
    assert healthy.status_code == 200 and healthy.json()["files"] == {"status": "ok", "store": "s3"}
    own_server.stop()
    down = Client().get("/healthz")
    assert down.status_code == 503
    assert down.json()["files"]["status"] == "error" and down.json()["database"]["status"] == "ok"
