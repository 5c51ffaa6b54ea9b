"""The checksum is checked on every read: content altered on disk is never served."""

from __future__ import annotations

import io
import os

import pytest

from qlvb.core.models import AuditEntry
from qlvb.files.intake import file_intake
from qlvb.files.models import Channel
from qlvb.files.services import file_open
from qlvb.files.storage import BlobCorruptedError, blob_path

from . import samples


def _tamper(sha256: str) -> None:
    path = blob_path(sha256)
    os.chmod(path, 0o640)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit, same size
    path.write_bytes(bytes(data))


@pytest.fixture
def stored(person):
    return file_intake(
        actor=person("lethuha"),
        stream=io.BytesIO(samples.pdf_bytes()),
        original_name="Quyết định.pdf",
        channel=Channel.WEB,
    )


def test_intact_content_is_served(person, stored):
    opened = file_open(actor=person("lethuha"), stored_file=stored)
    with opened.handle:
        assert opened.handle.read() == samples.pdf_bytes()


def test_tampered_content_raises_a_clear_error(person, stored):
    _tamper(stored.blob.sha256)
    with pytest.raises(BlobCorruptedError) as caught:
        file_open(actor=person("lethuha"), stored_file=stored)
    assert "đã bị thay đổi hoặc hỏng" in caught.value.message
    assert AuditEntry.objects.filter(action="file.corrupted", object_id=str(stored.pk)).exists()
    assert not AuditEntry.objects.filter(action="file.downloaded").exists()


def test_tampered_content_is_not_served_over_http(stored, api_as, page_as):
    _tamper(stored.blob.sha256)
    response = api_as("lethuha").get(f"/api/v1/files/{stored.pk}")
    assert response.status_code == 500
    assert "SHA-256 không khớp" in response.json()["detail"]
    page = page_as("lethuha").get(f"/tep/{stored.pk}/")
    assert page.status_code == 500
    assert "đã bị thay đổi hoặc hỏng" in page.content.decode()


def test_a_new_identical_upload_repairs_a_damaged_content(person, stored):
    _tamper(stored.blob.sha256)
    file_intake(
        actor=person("lethuha"), stream=io.BytesIO(samples.pdf_bytes()), original_name="lai.pdf", channel=Channel.WEB
    )
    opened = file_open(actor=person("lethuha"), stored_file=stored)  # no BlobCorruptedError any more
    with opened.handle:
        assert opened.handle.read() == samples.pdf_bytes()
