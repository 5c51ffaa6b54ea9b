"""Issue 9: LibreOffice never outlives the conversion. It runs in a process group of its own with
memory/CPU limits; on timeout the whole group is killed and reaped, and the caller gets a Vietnamese
ConversionFailed — no orphan soffice.bin at 90 % CPU."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from qlvb.files import convert
from qlvb.files.zipguard import ZipRefused

from . import bombs

pytestmark = pytest.mark.skipif(not convert.shutil.which("soffice"), reason="needs LibreOffice")


def _processes_mentioning(folder: Path) -> list[str]:
    """Every live process whose command line names ``folder`` (LibreOffice's profile and source)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\x00", b" ").decode("utf-8", "replace")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(folder) in cmdline and state != "Z":
            found.append(f"{proc.name}: {cmdline[:200]}")
    return found


@pytest.fixture(autouse=True)
def _fresh_memo():
    """Each test here runs LibreOffice itself: nothing kept from another test's conversion."""
    convert.memo_clear()


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    """Conversions of this test make their folders here, so other conversions on the machine don't count."""
    folder = tmp_path / "conversions"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_timeout_kills_the_whole_group_and_says_why(settings, own_tmp):
    settings.QLVB_CONVERT_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(convert.ConversionFailed) as caught:
        convert.to_pdf(bombs.plain_docx(paragraphs=30000), ext="docx", name="dai.docx")
    assert time.monotonic() - started < 15
    assert caught.value.code == "convert_timeout"
    assert "Chuyển tệp “dai.docx” sang PDF quá 1 giây nên đã dừng" in caught.value.message
    assert caught.value.status_code == 422
    assert _processes_mentioning(own_tmp) == []
    assert list(own_tmp.iterdir()) == []  # the conversion folder (profile, source) is gone too


def test_memory_limit_applies_to_libreoffice(settings, own_tmp):
    settings.QLVB_CONVERT_MEMORY_MB = 128  # not even enough to load LibreOffice's libraries
    with pytest.raises(convert.ConversionFailed) as caught:
        convert.to_pdf(bombs.plain_docx(), ext="docx", name="a.docx")
    assert caught.value.code == "convert_limit"
    assert "vượt giới hạn bộ nhớ" in caught.value.message
    assert _processes_mentioning(own_tmp) == []


def test_a_normal_conversion_leaves_nothing_running(own_tmp):
    pdf = convert.to_pdf(bombs.plain_docx(), ext="docx", name="a.docx")
    assert pdf.startswith(b"%PDF-")
    assert _processes_mentioning(own_tmp) == []


def test_a_zip_bomb_never_reaches_libreoffice(own_tmp):
    bomb = bombs.bomb_docx(own_tmp / "bomb.docx", unpacked=50 * bombs.MIB).read_bytes()
    (own_tmp / "bomb.docx").unlink()
    with pytest.raises(ZipRefused):
        convert.to_pdf(bomb, ext="docx", name="bom.docx")
    assert list(own_tmp.iterdir()) == []


def test_the_same_bytes_are_converted_once_and_other_bytes_again(settings, own_tmp):
    """The second conversion of the same file is the PDF kept from the first (the very same object: LibreOffice
    did not run); another file, or the same file once the kept PDFs are all replaced, is converted anew."""
    settings.QLVB_CONVERT_MEMO_ENTRIES = 1
    data, other_data = bombs.plain_docx(paragraphs=3), bombs.plain_docx(paragraphs=4)
    first = convert.to_pdf(data, ext="docx", name="a.docx")
    again = convert.to_pdf(data, ext="docx", name="b.docx")
    assert again is first and first.startswith(b"%PDF-")
    other = convert.to_pdf(other_data, ext="docx", name="c.docx")
    assert other is not first and other.startswith(b"%PDF-")
    assert convert.to_pdf(data, ext="docx", name="a.docx") is not first  # only one kept: the other file's
    assert list(own_tmp.iterdir()) == []


def test_a_changed_limit_applies_to_a_file_converted_before(settings, own_tmp):
    """A conversion setting changed: the kept PDFs are forgotten, so the new limit is what decides."""
    data = bombs.plain_docx(paragraphs=5)
    assert convert.to_pdf(data, ext="docx", name="a.docx").startswith(b"%PDF-")
    settings.QLVB_CONVERT_MEMORY_MB = 128
    with pytest.raises(convert.ConversionFailed) as caught:
        convert.to_pdf(data, ext="docx", name="a.docx")
    assert caught.value.code == "convert_limit"


def test_nothing_is_kept_with_no_room(settings, own_tmp):
    settings.QLVB_CONVERT_MEMO_ENTRIES = 0
    data = bombs.plain_docx(paragraphs=2)
    first = convert.to_pdf(data, ext="docx", name="a.docx")
    assert convert.to_pdf(data, ext="docx", name="a.docx") is not first
