"""Status codes of status packages (regulations.md §3.6) and helpers to make one."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .model import DATETIME_FORMAT, Organization, ResponseFor, StaffInfo, Status

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # edXML timestamps carry no zone: Vietnam local time (§3.3)
ARRIVED, REJECTED, ACCEPTED, ASSIGNED, PROCESSING, COMPLETED = "01", "02", "03", "04", "05", "06"
TAKE_BACK_REQUESTED, CHANGE_ACCEPTED, CHANGE_REJECTED = "13", "15", "16"

STATUS_LABELS = {
    ARRIVED: "Đã đến",
    REJECTED: "Từ chối tiếp nhận",
    ACCEPTED: "Đã tiếp nhận, vào sổ",
    ASSIGNED: "Lãnh đạo phân công xử lý",
    PROCESSING: "Đang xử lý",
    COMPLETED: "Hoàn thành xử lý",
    TAKE_BACK_REQUESTED: "Yêu cầu lấy lại văn bản",
    CHANGE_ACCEPTED: "Đồng ý cập nhật/lấy lại",
    CHANGE_REJECTED: "Từ chối cập nhật/lấy lại",
}
#: who sends each code: the receiver of the document, except 13 (the sender asks to take it back)
SENT_BY_SENDER = frozenset({TAKE_BACK_REQUESTED})


def normalize_code(code: str) -> str:
    """``"1"`` → ``"01"``; anything not a number is returned unchanged."""
    code = code.strip()
    return code.zfill(2) if code.isdigit() and len(code) < 2 else code


def is_known(code: str) -> bool:
    return normalize_code(code) in STATUS_LABELS


def status_label(code: str) -> str:
    return STATUS_LABELS.get(normalize_code(code), f"Mã trạng thái không biết ({code})")


def make_status(
    *,
    code: str,
    sender: Organization,
    about: ResponseFor,
    description: str = "",
    staff: StaffInfo | None = None,
    at: datetime | None = None,
) -> Status:
    """A status package about the document ``about`` (``at`` in Vietnam local time)."""
    code = normalize_code(code)
    if code not in STATUS_LABELS:
        raise ValueError(f"Mã trạng thái không hợp lệ: {code}")
    return Status(
        from_=sender,
        response_for=about,
        staff_info=staff or StaffInfo(),
        status_code=code,
        description=description or STATUS_LABELS[code],
        timestamp=(at or datetime.now(VN_TZ)).strftime(DATETIME_FORMAT),
    )
