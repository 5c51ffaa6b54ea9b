"""Issue 9: the HTML upload forms wrote the whole body to /tmp (300 MB seen) before refusing it. Every
form upload now goes through the size-limited handler: a 60 MB file is stopped at 50 MB, the page
answers 413 in Vietnamese, and no temporary file stays behind — not even after a killed worker."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from qlvb.documents.models import Document
from qlvb.files.models import StoredFile
from qlvb.files.uploads import upload_temp_sweep

MB = 1024 * 1024


@pytest.fixture
def clerk_client(page_as):
    return page_as("lethuha")


def _temp_files() -> list[Path]:
    return sorted(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir())


def test_a_60_mb_file_on_a_page_form_is_413_and_leaves_nothing(clerk_client, files_dir):
    big = SimpleUploadedFile("Hồ sơ quét.pdf", b"%PDF-1.7\n" + b"0" * (60 * MB))
    started = time.monotonic()
    response = clerk_client.post(
        reverse("incoming:receive"),
        {"subject": "Công văn", "main_file": big},
        HTTP_REFERER="http://testserver/incoming/tiep-nhan/",
    )
    assert time.monotonic() - started < 20
    assert response.status_code == 413
    page = response.content.decode()
    assert "Tệp tải lên vượt quá dung lượng cho phép 50 MB mỗi tệp" in page
    assert "Hệ thống đã dừng nhận tệp và không lưu gì." in page
    assert 'href="http://testserver/incoming/tiep-nhan/"' in page  # back to the form
    assert not response.has_header("Connection")  # hop-by-hop: not allowed from a WSGI application
    assert _temp_files() == []
    assert not StoredFile.objects.exists()
    assert not Document.objects.exists()


@override_settings(FILE_UPLOAD_REQUEST_MAX_BYTES=3 * MB, FILE_MAX_BYTES=2 * MB)
def test_files_of_one_request_together_over_the_request_limit_are_413(clerk_client, files_dir):
    # each file is under the per-file limit; together they pass the request limit
    files = {f"f{i}": SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.7\n" + b"0" * (int(1.5 * MB))) for i in range(3)}
    response = clerk_client.post(reverse("incoming:receive"), {"subject": "x", **files})
    assert response.status_code == 413
    assert "mỗi lần gửi" in response.content.decode()
    assert _temp_files() == []


@override_settings(FILE_UPLOAD_REQUEST_MAX_BYTES=1 * MB)
def test_content_length_over_the_request_limit_is_refused_without_reading(clerk_client):
    big = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n" + b"0" * (3 * MB))
    response = clerk_client.post(reverse("incoming:receive"), {"main_file": big})
    assert response.status_code == 413
    assert _temp_files() == []


def test_under_the_limit_a_form_upload_still_works(clerk_client, files_dir):
    from . import samples

    response = clerk_client.post(reverse("signing:verify"), {"file": SimpleUploadedFile("a.pdf", samples.pdf_bytes())})
    assert response.status_code == 302  # to the verification report
    assert _temp_files() == []


def test_stale_temporary_files_of_a_killed_worker_are_swept(files_dir):
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    stale, fresh = folder / "tmpab12.upload.pdf", folder / "tmpcd34.upload.pdf"
    stale.write_bytes(b"0" * 1024)
    fresh.write_bytes(b"0" * 1024)
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    apps.get_app_config("files").ready()  # what start-up does
    assert _temp_files() == [fresh]
    assert upload_temp_sweep(older_than_minutes=0) == 1
    assert _temp_files() == []


def test_the_sweep_runs_on_a_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["files-upload-temp-sweep"]
    assert entry["task"] == "qlvb.files.upload_temp_sweep"
    from qlvb.celery_app import app

    app.loader.import_default_modules()
    assert "qlvb.files.upload_temp_sweep" in app.tasks
