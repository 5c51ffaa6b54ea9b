"""File names per seed Điều 8.4: ASCII letters, digits, ``-``, ``_``, ``.``, at most 50 characters."""

from __future__ import annotations

import io

from hypothesis import assume, given
from hypothesis import strategies as st

from qlvb.files.intake import file_intake
from qlvb.files.models import Channel
from qlvb.files.names import WINDOWS_RESERVED, is_safe_name, safe_name

from . import samples


def test_vietnamese_name_is_offered_its_ascii_form():
    assert safe_name("Quyết định số 15 về việc kiện toàn.pdf") == "Quyet-dinh-so-15-ve-viec-kien-toan.pdf"


def test_long_name_is_shortened_keeping_the_extension():
    name = safe_name("Quyết định số 15 về việc kiện toàn Ban chỉ đạo phòng chống thiên tai xã Liên Minh.docx")
    assert len(name) <= 50
    assert name.endswith(".docx")
    assert name == "Quyet-dinh-so-15-ve-viec-kien-toan-Ban-chi-da.docx"


def test_special_characters_are_dropped():
    assert safe_name("Báo cáo (bản 2) — 100% / final!.xlsx") == "final.xlsx"  # a path keeps its last part
    assert safe_name("Báo cáo (bản 2) — 100% final!.xlsx") == "Bao-cao-ban-2-100-final.xlsx"
    assert safe_name("..\\..\\etc\\passwd") == "passwd"


def test_empty_result_gets_a_default():
    assert safe_name("😀😀😀.pdf") == "tep-tin.pdf"
    assert safe_name("") == "tep-tin"
    assert safe_name(".pdf") == "tep-tin.pdf"
    assert safe_name("CON.txt") == "CON-tep.txt"


def test_200_character_name_with_emoji_is_accepted_with_a_safe_name(person):
    original = ("Báo cáo tổng kết 😀🎉 năm 2025 " * 8)[:196] + ".pdf"
    assert len(original) == 200
    stored = file_intake(
        actor=person("lethuha"), stream=io.BytesIO(samples.pdf_bytes()), original_name=original, channel=Channel.WEB
    )
    assert is_safe_name(stored.name)
    assert stored.name.endswith(".pdf")
    assert stored.name.startswith("Bao-cao-tong-ket-nam-2025-Bao-cao")
    assert stored.original_name == original


names = st.text(alphabet=st.one_of(st.characters(), st.sampled_from("ăâđêôơưĂÂĐÊÔƠƯáàảãạ .-_/\\😀")), max_size=300)
exts = st.one_of(st.none(), st.sampled_from(["pdf", "docx", "txt", "jpeg", "tif"]))


@given(names, exts)
def test_output_is_always_a_valid_name(original, ext):
    name = safe_name(original, ext=ext)
    assert is_safe_name(name), name
    if ext is not None:
        assert name.endswith("." + ext)


@given(names, exts)
def test_safe_name_is_idempotent(original, ext):
    once = safe_name(original, ext=ext)
    assert safe_name(once, ext=ext) == once
    assert safe_name(once) == once


@given(st.from_regex(r"[A-Za-z0-9]{1,8}([-_][A-Za-z0-9]{1,8}){0,4}\.(pdf|docx|txt)", fullmatch=True))
def test_a_tidy_safe_name_is_kept(name):
    """A name already safe (words joined by single ``-`` or ``_``) comes back unchanged; runs such as
    ``--`` or ``-.`` are tidied to one separator (and Windows device names such as ``CON`` get a suffix)."""
    assume(name.split(".")[0].upper() not in WINDOWS_RESERVED)
    assert safe_name(name) == name
