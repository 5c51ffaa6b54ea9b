"""The same storage tests on the folder store and on an S3 object store (issue 17): content-addressed keys,
one content per SHA-256, nothing left after a failed upload, the checksum checked on every read, the
downloads over HTTP after the permission check, the text read from either store, a 50 MB file that is
never held in memory; and, for S3, presigned downloads from a bucket that is not public."""

from __future__ import annotations

import hashlib
import io
import re
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings

from qlvb.core.models import AuditEntry
from qlvb.files import s3store
from qlvb.files.intake import file_intake
from qlvb.files.models import Blob, Channel, StoredFile, TextState
from qlvb.files.services import file_open
from qlvb.files.storage import BlobCorruptedError, BlobMissingError, blob_exists, blob_path, blob_remove
from qlvb.files.texts import file_text_extract

from . import samples
from .conftest import stored_paths
from .s3server import s3_client

MB = 1024 * 1024


def contents(files_dir: Path) -> list[str]:
    """The stored contents' keys (relative paths in the folder), temporary files excluded."""
    if settings.QLVB_STORAGE == "s3":
        return sorted(key for key, _size in s3store.objects())
    found = (p.relative_to(files_dir) for p in stored_paths(files_dir))
    return sorted(p.as_posix() for p in found if p.parts[0] != "tmp")


def temporary_files(files_dir: Path) -> list[Path]:
    return stored_paths(files_dir / "tmp")


def replace_content(sha256: str, data: bytes) -> None:
    """Change a stored content behind qlvb's back (a damaged disk, an operator's mistake)."""
    if settings.QLVB_STORAGE == "s3":
        s3_client(settings.S3_ENDPOINT_URL).put_object(Bucket=settings.S3_BUCKET, Key=s3store.key(sha256), Body=data)
        return
    path = blob_path(sha256)
    path.chmod(0o640)
    path.write_bytes(data)


def upload(person, data: bytes, name: str = "Quyết định.pdf", who: str = "lethuha") -> StoredFile:
    return file_intake(actor=person(who), stream=io.BytesIO(data), original_name=name, channel=Channel.WEB)


def test_identical_content_is_one_object_under_its_sha256(store, person, files_dir):
    data = samples.pdf_bytes()
    first = upload(person, data)
    second = upload(person, data, "ban-sao.pdf", who="dothanhhuong")
    sha = hashlib.sha256(data).hexdigest()
    assert first.blob_id == second.blob_id and Blob.objects.count() == 1 and StoredFile.objects.count() == 2
    assert contents(files_dir) == [f"{sha[:2]}/{sha[2:4]}/{sha}"]
    assert temporary_files(files_dir) == []
    assert blob_exists(sha)
    uploads = AuditEntry.objects.filter(action="file.uploaded").order_by("seq")
    assert [e.data["deduplicated"] for e in uploads] == [False, True]
    opened = file_open(actor=person("lethuha"), stored_file=first)
    with opened.handle:
        assert opened.handle.read() == data


def test_a_failed_upload_leaves_no_row_and_no_content(store, person, files_dir):
    from qlvb.directory.models import User

    ghost = User(username="ghost", is_superuser=True, is_active=True)  # never saved: the row insert fails
    with pytest.raises(ValueError, match="unsaved"):
        file_intake(actor=ghost, stream=io.BytesIO(samples.pdf_bytes()), original_name="a.pdf", channel=Channel.WEB)
    assert not Blob.objects.exists() and not StoredFile.objects.exists()
    assert contents(files_dir) == [] and temporary_files(files_dir) == []


def test_changed_content_is_never_served(store, person, api_as, page_as):
    data = samples.pdf_bytes()
    stored = upload(person, data)
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x01
    replace_content(stored.blob.sha256, bytes(damaged))
    with pytest.raises(BlobCorruptedError, match="đã bị thay đổi hoặc hỏng"):
        file_open(actor=person("lethuha"), stored_file=stored)
    response = api_as("lethuha").get(f"/api/v1/files/{stored.pk}")
    assert response.status_code == 500 and "SHA-256 không khớp" in response.json()["detail"]
    assert page_as("lethuha").get(f"/tep/{stored.pk}/").status_code == 500
    assert not AuditEntry.objects.filter(action="file.downloaded").exists()
    upload(person, data, "lai.pdf")  # an identical upload repairs it
    opened = file_open(actor=person("lethuha"), stored_file=stored)
    with opened.handle:
        assert opened.handle.read() == data


def test_missing_content_answers_a_clear_error(store, person, page_as):
    stored = upload(person, samples.pdf_bytes())
    blob_remove(stored.blob.sha256)
    assert not blob_exists(stored.blob.sha256)
    with pytest.raises(BlobMissingError, match=re.escape("Không tìm thấy nội dung của tệp “Quyet-dinh.pdf”")):
        file_open(actor=person("lethuha"), stored_file=stored)
    page = page_as("lethuha").get(f"/tep/{stored.pk}/")
    assert page.status_code == 500 and "Không tìm thấy nội dung" in page.content.decode()


def test_downloads_go_through_the_permission_check(store, person, api_as, page_as, files_dir):
    data = samples.pdf_bytes()
    stored = upload(person, data, "Quyết định số 15.pdf")
    response = api_as("lethuha").get(f"/api/v1/files/{stored.pk}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Disposition"].startswith('attachment; filename="Quyet-dinh-so-15.pdf"')
    page = page_as("lethuha").get(f"/tep/{stored.pk}/")
    assert page.status_code == 200 and page["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(page.streaming_content) == data
    assert api_as("dothanhhuong").get(f"/api/v1/files/{stored.pk}").status_code == 404
    assert page_as("dothanhhuong").get(f"/tep/{stored.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="file.downloaded").count() == 2
    assert temporary_files(files_dir) == []  # the verified copies of the S3 reads are gone


def test_the_text_is_read_from_either_store(store, person, files_dir):
    stored = file_intake(
        actor=person("lethuha"),
        stream=io.BytesIO("Quyết định về việc giao chỉ tiêu năm 2026".encode()),
        original_name="ghi-chu.txt",
        channel=Channel.WEB,
    )
    text = file_text_extract(stored)
    assert text.state == TextState.DONE, text.reason
    assert "giao chỉ tiêu" in text.text
    assert temporary_files(files_dir) == []


class TextLines(io.RawIOBase):
    """``size`` bytes of Vietnamese text lines made on demand (never held whole)."""

    LINE = "Công văn số 0000 về kho lưu trữ tệp — dòng thử nghiệm.\n".encode()

    def __init__(self, size: int) -> None:
        self.size = size
        self.served = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.served)
        if n <= 0:
            return 0
        start = self.served % len(self.LINE)
        piece = (self.LINE * (n // len(self.LINE) + 2))[start : start + n]
        buffer[:n] = piece
        self.digest.update(piece)
        self.served += n
        return n


def _drain(chunks: Iterator[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    total = 0
    for chunk in chunks:
        digest.update(chunk)
        total += len(chunk)
    return digest.hexdigest(), total


def test_a_50_mb_file_is_never_held_in_memory(store, person, api_as, files_dir):
    size = 50 * MB
    source = TextLines(size)
    tracemalloc.start()
    try:
        stored = file_intake(
            actor=person("lethuha"),
            stream=io.BufferedReader(source, MB),
            original_name="so-lieu.txt",
            channel=Channel.API,
            extract_text=False,
        )
        _now, upload_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        response = api_as("lethuha").get(f"/api/v1/files/{stored.pk}")
        assert response.status_code == 200
        digest, total = _drain(response.streaming_content)
        response.close()
        _now, download_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (digest, total) == (source.digest.hexdigest(), size) == (stored.blob.sha256, stored.blob.size)
    # the S3 upload holds at most two 8 MiB parts; everything else moves 1 MiB at a time
    assert upload_peak < (24 * MB if store == "s3" else 10 * MB), f"upload peak {upload_peak / MB:.1f} MiB"
    assert download_peak < 10 * MB, f"download peak {download_peak / MB:.1f} MiB"
    assert temporary_files(files_dir) == []
    if store == "s3":
        head = s3_client(settings.S3_ENDPOINT_URL).head_object(
            Bucket=settings.S3_BUCKET, Key=s3store.key(stored.blob.sha256)
        )
        assert head["ContentLength"] == size
        assert head["ETag"].strip('"').endswith("-7")  # a multipart upload of 8 MiB parts


def test_presigned_download_after_the_permission_check(s3_store, settings, person, page_as, api_as):
    settings.S3_DOWNLOAD = "presigned"
    data = samples.pdf_bytes()
    stored = upload(person, data, "Quyết định số 15.pdf")
    page = page_as("lethuha").get(f"/tep/{stored.pk}/")
    assert page.status_code == 302
    url = page["Location"]
    assert url.startswith(f"{settings.S3_ENDPOINT_URL}/{s3_store}/") and "X-Amz-Expires=60" in url
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200 and fetched.content == data
    assert fetched.headers["Content-Disposition"].startswith('attachment; filename="Quyet-dinh-so-15.pdf"')
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert api_as("lethuha").get(f"/api/v1/files/{stored.pk}").status_code == 302
    assert page_as("dothanhhuong").get(f"/tep/{stored.pk}/").status_code == 404  # no URL for an outsider
    assert AuditEntry.objects.filter(action="file.downloaded").count() == 2
    # the bucket is not public: the same object without a signature is refused
    unsigned = requests.get(url.split("?", 1)[0], timeout=10)
    assert unsigned.status_code == 403
