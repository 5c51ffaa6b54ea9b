"""The electronic identifier of an agency (mã định danh điện tử, ``organ_id``), regulations.md §4.1.

QĐ 20/2020/QĐ-TTg: at most 35 characters, groups of 0–9 and A–Z (upper case) separated by dots, each group
a level (lower levels to the left). The axis's own 13-character form ``000.00.00.H42`` (QCVN 102:2016) is one
case of it. :func:`organ_id_validate` is the one check for codes typed by a person or imported from the
axis's directory."""

from __future__ import annotations

import re

from qlvb.core.errors import ValidationFailed
from qlvb.core.text import nfc
from qlvb.directory.errors import ErrorCode

ORGAN_ID_MAX = 35
# At least two groups: a single group ("H42") is no agency's code.
ORGAN_ID_QD20_RE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)+$")
# The axis's 13-character form (QCVN 102:2016): V1V2V3.Z1Z2.Y1Y2.MX1X2.
ORGAN_ID_AXIS_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z][0-9A-Z]{2}$")


def organ_id_normalize(value: str) -> str:
    """What a person types, as the code is written: NFC, upper case, no spaces."""
    return re.sub(r"\s+", "", nfc(value or "")).upper()


def organ_id_problem(value: str) -> str:
    """The Vietnamese reason ``value`` (already normalized) is not a QĐ 20/2020 code, or ``""``."""
    if not value:
        return "Thiếu mã định danh."
    if len(value) > ORGAN_ID_MAX:
        return f"Mã định danh “{value}” dài quá {ORGAN_ID_MAX} ký tự."
    if not ORGAN_ID_QD20_RE.match(value):
        return (
            f"Mã định danh “{value}” không đúng Quyết định 20/2020/QĐ-TTg: các nhóm chữ số 0–9 và chữ in hoa A–Z "
            "ngăn cách bằng dấu chấm, tối đa 35 ký tự (ví dụ 000.00.20.H26)."
        )
    return ""


def organ_id_validate(value: str) -> str:
    """The normalized code, or :class:`ValidationFailed` (code ``organ_id_format``) with the reason."""
    code = organ_id_normalize(value)
    problem = organ_id_problem(code)
    if problem:
        raise ValidationFailed(problem, code=ErrorCode.ORGAN_ID_FORMAT)
    return code
