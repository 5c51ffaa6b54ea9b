"""At most 50 MB per file (seed Điều 8.4), enforced while streaming: a 60 MB upload is refused
without ever being held in memory, and leaves nothing behind."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from django.test import override_settings

from qlvb.core.errors import PayloadTooLarge
from qlvb.core.models import AuditEntry
from qlvb.files.intake import file_intake
from qlvb.files.models import Blob, Channel, StoredFile

from .conftest import stored_paths

MB = 1024 * 1024


class Generated(io.RawIOBase):
    """A readable stream of ``size`` bytes produced on demand (never held whole), counting reads."""

    def __init__(self, size: int, head: bytes = b"%PDF-1.7\n"):
        self.size = size
        self.head = head
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.served)
        if n <= 0:
            return 0
        piece = (self.head if self.served == 0 else b"") + b"0" * n
        buffer[:n] = piece[:n]
        self.served += n
        return n


def test_60_mb_is_refused_while_streaming_with_low_memory(person, files_dir):
    clerk = person("lethuha")
    stream = Generated(60 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(PayloadTooLarge) as caught:
            file_intake(actor=clerk, stream=stream, original_name="Hồ sơ quét.pdf", channel=Channel.SCAN)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * MB, f"peak {peak / MB:.1f} MB"
    assert stream.served <= 50 * MB + 1 * MB, "reading stops as soon as the limit is passed"
    assert caught.value.status_code == 413
    assert "vượt quá dung lượng cho phép 50 MB" in caught.value.message
    assert not StoredFile.objects.exists() and not Blob.objects.exists()
    assert stored_paths(files_dir) == []  # no temporary file left
    refusal = AuditEntry.objects.get(action="file.refused")
    assert refusal.data["status"] == 413


def test_declared_size_over_the_limit_is_refused_before_reading(person, files_dir):
    stream = Generated(60 * MB)
    with pytest.raises(PayloadTooLarge):
        file_intake(
            actor=person("lethuha"), stream=stream, original_name="a.pdf", channel=Channel.API, declared_size=60 * MB
        )
    assert stream.served == 0
    assert stored_paths(files_dir) == []


@override_settings(FILE_MAX_BYTES=2000)
def test_exactly_the_limit_is_accepted_one_byte_more_is_not(person):
    clerk = person("lethuha")
    text = ("Dòng văn bản\n" * 400).encode()
    exact, over = text[:1999] + b"\n", text[:2000] + b"\n"
    assert len(exact) == 2000
    stored = file_intake(actor=clerk, stream=io.BytesIO(exact), original_name="a.txt", channel=Channel.WEB)
    assert stored.blob.size == 2000
    with pytest.raises(PayloadTooLarge):
        file_intake(actor=clerk, stream=io.BytesIO(over), original_name="b.txt", channel=Channel.WEB)
