"""An empty file is refused (422); so is a transfer shorter than announced."""

from __future__ import annotations

import io

import pytest

from qlvb.core.errors import ValidationFailed
from qlvb.files.intake import file_intake
from qlvb.files.models import Blob, Channel, StoredFile

from . import samples
from .conftest import stored_paths


def test_empty_file_is_refused(person, files_dir):
    with pytest.raises(ValidationFailed) as caught:
        file_intake(actor=person("lethuha"), stream=io.BytesIO(b""), original_name="trống.pdf", channel=Channel.WEB)
    assert caught.value.status_code == 422
    assert caught.value.message == "Tệp “trống.pdf” rỗng (0 byte)."
    assert not StoredFile.objects.exists() and not Blob.objects.exists()
    assert stored_paths(files_dir) == []


def test_truncated_transfer_is_refused(person, files_dir):
    data = samples.pdf_bytes()
    with pytest.raises(ValidationFailed) as caught:
        file_intake(
            actor=person("lethuha"),
            stream=io.BytesIO(data[:100]),
            original_name="a.pdf",
            channel=Channel.API,
            declared_size=len(data),
        )
    assert "không đầy đủ" in caught.value.message
    assert stored_paths(files_dir) == []
