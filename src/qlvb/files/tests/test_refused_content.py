"""A disguised executable, a binary, a web page or a ZIP of other things is refused (415), whatever
its name; the refusal is audited and nothing is stored."""

from __future__ import annotations

import io

import pytest

from qlvb.core.errors import UnsupportedMediaType
from qlvb.core.models import AuditEntry
from qlvb.files.intake import file_intake
from qlvb.files.models import Blob, Channel, StoredFile

from . import samples
from .conftest import stored_paths

REFUSED = [
    ("Quyết định.pdf", samples.EXE, "Windows"),
    ("bao-cao.docx", samples.ELF, "ELF"),
    ("trang.txt", samples.HTML, "HTML"),
    ("chay.txt", b"#!/bin/sh\nrm -rf /\n", "script"),
    ("hinh.svg.txt", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>', "HTML"),
    ("tai-lieu.zip", samples.zip_of_other_bytes(), "ZIP"),
    ("cai-dat.doc", samples.msi_like_bytes(), "OLE2"),
    ("macro.docx", samples.docx_bytes("application/vnd.ms-word.document.macroEnabled.main+xml"), "macro"),
    ("random.bin", bytes(range(256)) * 8, "không phải loại tệp được phép"),
]


@pytest.mark.parametrize(("name", "data", "what"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused(person, files_dir, name, data, what):
    clerk = person("lethuha")
    with pytest.raises(UnsupportedMediaType) as caught:
        file_intake(actor=clerk, stream=io.BytesIO(data), original_name=name, channel=Channel.WEB)
    assert caught.value.status_code == 415
    assert "không được tiếp nhận" in caught.value.message
    assert what in caught.value.message
    assert not StoredFile.objects.exists()
    assert not Blob.objects.exists()
    assert stored_paths(files_dir) == []
    entry = AuditEntry.objects.filter(action="file.refused").get()
    assert entry.actor_id == clerk.pk
    assert entry.data["original_name"] == name
    assert entry.data["status"] == 415


def test_pdf_that_is_an_exe_says_so_in_vietnamese(person):
    with pytest.raises(UnsupportedMediaType) as caught:
        file_intake(
            actor=person("lethuha"), stream=io.BytesIO(samples.EXE), original_name="Quyết định.pdf", channel=Channel.API
        )
    assert caught.value.message.startswith("Tệp “Quyết định.pdf” không được tiếp nhận: nội dung là tệp chương trình")


def test_truncated_pdf_is_refused(person):
    data = samples.pdf_bytes()
    cut = data[: data.rindex(b"%%EOF")]
    with pytest.raises(UnsupportedMediaType):
        file_intake(actor=person("lethuha"), stream=io.BytesIO(cut), original_name="a.pdf", channel=Channel.WEB)
