"""``POST /api/v1/files``: multipart upload; over 50 MB refused with 413 at the HTTP level, before the
body is written to disk, with nothing left behind."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from qlvb.core.models import AuditEntry
from qlvb.files.models import Blob, StoredFile

from . import samples
from .conftest import stored_paths

MB = 1024 * 1024


def _nothing_left(files_dir: Path) -> None:
    assert not StoredFile.objects.exists() and not Blob.objects.exists()
    assert stored_paths(files_dir) == []
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []


def test_upload_returns_the_stored_file(api_as, files_dir):
    data = samples.docx_bytes()
    response = api_as("lethuha").post("/api/v1/files", {"file": SimpleUploadedFile("Quyết định số 15.docx", data)})
    assert response.status_code == 201, response.content
    body = response.json()
    stored = StoredFile.objects.get()
    assert body == {
        "id": stored.pk,
        "name": "Quyet-dinh-so-15.docx",
        "original_name": "Quyết định số 15.docx",
        "sha256": stored.blob.sha256,
        "size": len(data),
        "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    assert stored.channel == "api"
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []


def test_disguised_executable_is_415(api_as, files_dir):
    response = api_as("lethuha").post("/api/v1/files", {"file": SimpleUploadedFile("Quyết định.pdf", samples.EXE)})
    assert response.status_code == 415
    assert "tệp chương trình chạy được của Windows" in response.json()["detail"]
    _nothing_left(files_dir)


def test_empty_file_is_422(api_as, files_dir):
    response = api_as("lethuha").post("/api/v1/files", {"file": SimpleUploadedFile("a.pdf", b"")})
    assert response.status_code == 422
    assert "rỗng" in response.json()["detail"]
    _nothing_left(files_dir)


def test_missing_file_is_422(api_as):
    response = api_as("lethuha").post("/api/v1/files", {"other": "x"})
    assert response.status_code == 422
    assert "Chưa có tệp" in response.json()["detail"]


def test_60_mb_post_is_413_before_the_body_is_read(api_as, files_dir):
    big = SimpleUploadedFile("Hồ sơ.pdf", b"%PDF-1.7\n" + b"0" * (60 * MB))
    response = api_as("lethuha").post("/api/v1/files", {"file": big})
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Tệp tải lên vượt quá dung lượng cho phép 50 MB")
    _nothing_left(files_dir)


@override_settings(FILE_MAX_BYTES=100_000)
def test_upload_handler_stops_a_file_over_the_limit_while_receiving(api_as, files_dir):
    # 300 kB: under the Content-Length guard (limit + 1 MB of multipart margin), so the body is parsed
    # and the size-limited upload handler must stop it.
    big = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n" + b"0" * 300_000)
    response = api_as("lethuha").post("/api/v1/files", {"file": big})
    assert response.status_code == 413
    assert "vượt quá dung lượng cho phép" in response.json()["detail"]
    _nothing_left(files_dir)
    assert AuditEntry.objects.filter(action="file.refused", data__status=413).exists()


def test_anonymous_upload_is_401(db, client, files_dir):
    response = client.post("/api/v1/files", {"file": SimpleUploadedFile("a.txt", b"xin chao")})
    assert response.status_code == 401
    _nothing_left(files_dir)


def test_session_upload_needs_csrf(person, files_dir, page_as):
    browser = page_as("lethuha", csrf=True)
    response = browser.post("/api/v1/files", {"file": SimpleUploadedFile("a.txt", b"xin chao")})
    assert response.status_code in (401, 403)
    assert not StoredFile.objects.exists()
