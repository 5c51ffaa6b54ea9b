"""organ_id format (QĐ 20/2020, regulations.md §4.1): one check for typed and imported codes."""

from __future__ import annotations

import pytest

from qlvb.core.errors import ValidationFailed
from qlvb.directory.agency_codes import organ_id_normalize, organ_id_problem, organ_id_validate

GOOD = ["000.00.31.H42", "000.00.00.G22", "000.01.31.H42", "28.22.H17", "G22.01", "ABC.123.X9", "1.2"]
BAD = [
    ("", "Thiếu mã định danh"),
    ("H42", "không đúng Quyết định 20/2020"),  # one group is no agency's code
    ("000-00-31-H42", "không đúng Quyết định 20/2020"),
    ("000..31.H42", "không đúng Quyết định 20/2020"),
    (".000.31.H42", "không đúng Quyết định 20/2020"),
    ("000.00.31.H42.", "không đúng Quyết định 20/2020"),
    ("000.00.31.Đ42", "không đúng Quyết định 20/2020"),
    ("000.00.31.H42;DROP", "không đúng Quyết định 20/2020"),
    ("1." * 17 + "12", "dài quá 35 ký tự"),  # 36 characters
]


@pytest.mark.parametrize("code", GOOD)
def test_good_codes_pass_unchanged(code: str) -> None:
    assert organ_id_problem(code) == ""
    assert organ_id_validate(code) == code


def test_a_typed_code_is_normalized_before_the_check() -> None:
    assert organ_id_normalize(" 000.00.31.h42 ") == "000.00.31.H42"
    assert organ_id_validate("000. 00.31.h42") == "000.00.31.H42"


@pytest.mark.parametrize(("code", "reason"), BAD)
def test_bad_codes_are_refused_with_a_vietnamese_reason(code: str, reason: str) -> None:
    assert reason in organ_id_problem(organ_id_normalize(code))
    with pytest.raises(ValidationFailed, match=reason) as caught:
        organ_id_validate(code)
    assert caught.value.code == "organ_id_format" and caught.value.status_code == 422


def test_thirty_five_characters_is_the_limit() -> None:
    code = "1." * 16 + "123"  # 35 characters
    assert len(code) == 35 and organ_id_validate(code) == code
