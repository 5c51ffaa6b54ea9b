"""Issue 9, "A zip-bomb draft takes the machine": an office file that unpacks to hundreds of MiB is
refused at intake from its central directory, within seconds and without the process growing; an
archive that lies about its sizes is caught by counting what it really unpacks to; unsafe names,
encryption, nesting and entry floods are refused; normal Office files still pass."""

from __future__ import annotations

import io
import os
import resource
import tracemalloc
import zipfile

import pytest
from django.test import override_settings

from qlvb.core.models import AuditEntry
from qlvb.files.intake import file_intake
from qlvb.files.models import Blob, Channel, StoredFile
from qlvb.files.zipguard import ZipRefused, member_stream, zip_check, zip_inspect

from . import bombs, samples
from .conftest import stored_paths

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def bomb_path(tmp_path_factory):
    return bombs.bomb_docx(tmp_path_factory.mktemp("bomb") / "du-thao.docx", unpacked=200 * MIB)


def test_the_bomb_is_small_and_unpacks_to_200_mib(bomb_path):
    assert bomb_path.stat().st_size < 400 * 1024
    info = zipfile.ZipFile(bomb_path).getinfo("word/document.xml")
    assert info.file_size > 200 * MIB


def test_intake_refuses_the_bomb_in_bounded_memory(person, files_dir, bomb_path):
    clerk = person("lethuha")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    try:
        with open(bomb_path, "rb") as fh, pytest.raises(ZipRefused) as caught:
            file_intake(actor=clerk, stream=fh, original_name="Dự thảo.docx", channel=Channel.WEB)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    refused = caught.value
    assert refused.status_code == 422
    assert refused.code == "zip_bomb"
    assert "Tệp “Dự thảo.docx” có dấu hiệu nén bất thường (zip bomb)" in refused.message
    assert peak < 20 * MIB, peak
    assert rss_growth < 100 * MIB, rss_growth
    assert not StoredFile.objects.exists()
    assert not Blob.objects.exists()
    assert stored_paths(files_dir) == []
    entry = AuditEntry.objects.get(action="file.refused")
    assert entry.data["code"] == "zip_bomb"
    assert entry.data["status"] == 422


def test_directory_check_alone_refuses_the_bomb_without_inflating(bomb_path):
    tracemalloc.start()
    try:
        with pytest.raises(ZipRefused) as caught:
            zip_inspect(bomb_path, name="a.docx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MIB, peak  # the central directory only: nothing inflated (the time is the machine's)
    assert "quá tỷ lệ cho phép 150 lần" in caught.value.reason


def test_a_lying_archive_is_caught_by_what_it_really_unpacks(person):
    data = bombs.lying_docx(real=20 * MIB, declared=1000)
    zip_inspect(data)  # the directory alone looks harmless
    with pytest.raises(ZipRefused) as caught:
        zip_check(data, name="gia.docx")
    assert "nhiều hơn kích thước khai báo" in caught.value.message
    assert "gia.docx" in caught.value.message
    # and the one reader (the secrecy check's) stops at the same place
    with pytest.raises(ZipRefused):
        for _ in member_stream(data, "word/document.xml"):
            pass


def test_a_lying_archive_is_refused_at_intake(person):
    with pytest.raises(ZipRefused):
        file_intake(
            actor=person("lethuha"),
            stream=io.BytesIO(bombs.lying_docx()),
            original_name="gia.docx",
            channel=Channel.WEB,
        )
    assert not StoredFile.objects.exists()


@override_settings(ZIP_MAX_ENTRY_BYTES=8 * MIB, ZIP_MAX_TOTAL_BYTES=12 * MIB)
def test_caps_on_declared_size_of_one_entry_and_of_the_whole():
    one = bombs.plain_docx(extra={"word/media/a.bin": os.urandom(9 * MIB)})
    with pytest.raises(ZipRefused, match="quá giới hạn 8 MiB"):
        zip_inspect(one)
    whole = bombs.plain_docx(extra={f"word/media/{i}.bin": os.urandom(4 * MIB) for i in range(4)})
    with pytest.raises(ZipRefused, match="toàn bộ nội dung"):
        zip_inspect(whole)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (bombs.traversal_docx(), "ra ngoài thư mục"),
        (bombs.plain_docx(extra={"/etc/passwd": b"x"}), "đường dẫn tuyệt đối"),
        (bombs.plain_docx(extra={"C:/Windows/x": b"x"}), "đường dẫn tuyệt đối"),
        (bombs.nested_docx(2), "tệp nén lồng"),
    ],
    ids=["dotdot", "absolute", "drive", "nested-2"],
)
def test_unsafe_archives_are_refused(person, data, words):
    with pytest.raises(ZipRefused) as caught:
        file_intake(actor=person("lethuha"), stream=io.BytesIO(data), original_name="x.docx", channel=Channel.WEB)
    assert words in caught.value.message
    assert caught.value.status_code == 422


@override_settings(ZIP_MAX_ENTRIES=50)
def test_an_entry_flood_is_refused_from_the_end_record():
    with pytest.raises(ZipRefused, match="quá giới hạn 50 mục"):
        zip_inspect(bombs.many_entries_docx(60))


@override_settings(ZIP_MAX_ENTRIES=50)
def test_an_entry_flood_that_hides_its_count_is_refused_by_the_directory_size():
    data = bytearray(bombs.many_entries_docx(600))
    at = data.rfind(b"PK\x05\x06")
    data[at + 8 : at + 12] = (3).to_bytes(2, "little") * 2  # the end record claims 3 entries
    with pytest.raises(ZipRefused, match="mục lục dài"):
        zip_inspect(bytes(data))


def test_encrypted_entries_are_refused():
    data = bytearray(bombs.plain_docx())
    at = data.rfind(b"PK\x01\x02")
    data[at + 8] |= 0x1  # the "encrypted" flag of the last entry in the directory
    with pytest.raises(ZipRefused, match="mã hóa"):
        zip_inspect(bytes(data))


def test_normal_office_files_pass(person):
    clerk = person("lethuha")
    for name, data in (
        ("a.docx", samples.docx_bytes()),
        ("b.xlsx", samples.xlsx_bytes()),
        ("c.odt", samples.odf_bytes("text")),
        ("d.ods", samples.odf_bytes("spreadsheet")),
        ("e.docx", bombs.nested_docx(1)),
        ("f.docx", bombs.sized_docx(3 * MIB)),
    ):
        stored = file_intake(actor=clerk, stream=io.BytesIO(data), original_name=name, channel=Channel.WEB)
        assert stored.blob.kind == name.rsplit(".", 1)[1]
        report = zip_check(data)
        assert report.produced_bytes == report.declared_bytes
