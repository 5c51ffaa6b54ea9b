"""``core.text.text_clean``: the one cleaning of a text a person typed, before any service stores it."""

from __future__ import annotations

import pytest

from qlvb.core.errors import ValidationFailed
from qlvb.core.text import text_clean


def test_text_is_stored_nfc_without_surrounding_space() -> None:
    decomposed = "Quye\u0302\u0301t đi\u0323nh"  # combining marks, as some keyboards send them
    assert text_clean(f"  {decomposed}\n", label="trích yếu", limit=50) == "Quyết định"


def test_nothing_is_an_empty_text_unless_required() -> None:
    assert text_clean(None, label="ghi chú", limit=10) == ""
    assert text_clean("   ", label="ghi chú", limit=10) == ""
    with pytest.raises(ValidationFailed) as caught:
        text_clean(" \t ", label="lý do trả lại", limit=10, required=True)
    assert caught.value.message == "Cần nhập lý do trả lại."


def test_the_limit_counts_characters_after_cleaning_and_names_the_field() -> None:
    assert text_clean("ầ" * 5 + "   ", label="ghi chú", limit=5) == "ầ" * 5
    with pytest.raises(ValidationFailed) as caught:
        text_clean("ầ" * 6, label="ghi chú", limit=5)
    assert caught.value.message == "Ghi chú dài quá 5 ký tự." and caught.value.status_code == 422


def test_line_breaks_and_tabs_are_kept() -> None:
    assert text_clean("dòng 1\r\ndòng 2\tcột", label="ý kiến", limit=100) == "dòng 1\r\ndòng 2\tcột"


@pytest.mark.parametrize("odd", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800"])
def test_nul_other_control_characters_and_lone_surrogates_are_refused(odd: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        text_clean(f"đồng{odd} ý", label="ý kiến", limit=100)
    assert caught.value.message == f"Ý kiến có ký tự điều khiển không hợp lệ (U+{ord(odd):04X})."
