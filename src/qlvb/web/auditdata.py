"""The audit entry's ``data`` as a person reads it: Vietnamese labels, formatted values.

``core.audit.record(..., data={...})`` stores machine keys and raw values (``tokens_revoked: 0``,
``deduplicated: False``, a unit's id, a size in bytes). The audit page shows them through
:func:`audit_details`: each key has a label (``KEY_LABELS``, or ``ACTION_KEY_LABELS`` where an action
means something particular by it), each value a formatter (``Có``/``Không``, dd/mm/yyyy HH:MM in
Asia/Ho_Chi_Minh, sizes in KB/MB, a unit's name, a role's label, a channel's label). A new key used
in ``audit.record`` needs a label here: ``web/tests/test_audit_details.py`` reads every
``audit.record(...)`` call in the code and fails on a key without one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qlvb.directory.models import Unit
from qlvb.documents.models import Channel as DocumentChannel
from qlvb.files.models import Channel as FileChannel

from .labels import role_label

KEY_LABELS: dict[str, Any] = {
    "arrival_number": _("Số đến"),
    "bytes": _("Dung lượng"),
    "channel": _("Kênh"),
    "code": _("Mã lỗi"),
    "copied_from": _("Chép từ danh mục (mã)"),
    "deduplicated": _("Trùng nội dung tệp đã lưu"),
    "deliveries": _("Số nơi nhận điện tử"),
    "doc_total": _("Tổng số văn bản"),
    "edxml_status": _("Trạng thái liên thông"),
    "external": _("Cơ quan ngoài hệ thống"),
    "file": _("Tệp"),
    "file_code": _("Mã hồ sơ"),
    "file_id": _("Mã tệp"),
    "fingerprint": _("Dấu vân tay chứng thư (SHA-256)"),
    "identifier": _("Mã định danh văn bản"),
    "issuer": _("Tổ chức cấp chứng thư"),
    "kind": _("Loại ảnh"),
    "level": _("Mức chữ ký"),
    "method": _("Phương thức ký số"),
    "name": _("Tên tệp"),
    "number_notation": _("Số, ký hiệu"),
    "organ_id": _("Mã định danh cơ quan"),
    "original_name": _("Tên tệp gốc"),
    "page_total": _("Tổng số trang"),
    "purpose": _("Mục đích"),
    "reason": _("Lý do"),
    "received_bytes": _("Đã nhận"),
    "role": _("Vai trò"),
    "scope": _("Phạm vi khóa"),
    "serial": _("Số hiệu chứng thư"),
    "sha256": _("Mã băm SHA-256"),
    "signer": _("Người ký"),
    "size": _("Dung lượng"),
    "status": _("Mã trạng thái HTTP"),
    "subject": _("Chủ thể chứng thư"),
    "tokens_revoked": _("Số mã truy cập API bị thu hồi"),
    "type": _("Loại tệp"),
    "unit": _("Đơn vị"),
    "username": _("Tên tài khoản đã nhập"),
    "verdict": _("Kết luận"),
    "version": _("Phiên bản dự thảo"),
    "warning": _("Cảnh báo"),
    # the national axis (exchange.axis_services)
    "added": _("Số cơ quan thêm mới"),
    "endpoint": _("Địa chỉ trục liên thông"),
    "gone": _("Số cơ quan ngừng"),
    "invalid": _("Mã không hợp lệ, bỏ qua"),
    "last_error": _("Lỗi lần gửi trước"),
    "listed": _("Số cơ quan trục liên thông trả về"),
    "message": _("Kết quả"),
    "ok": _("Kết nối được"),
    "recipient": _("Nơi nhận"),
    "secret_changed": _("Đổi mật khẩu kết nối"),
    "system_id": _("Mã hệ thống"),
    "updated": _("Số cơ quan cập nhật"),
    "year": _("Năm"),
}
ACTION_KEY_LABELS: dict[tuple[str, str], Any] = {
    ("auth.token_refused", "reason"): _("Lý do từ chối"),
    ("dossiers.plan_approved", "version"): _("Phiên bản danh mục"),
    ("dossiers.plan_copied", "version"): _("Phiên bản danh mục"),
    ("dossiers.plan_created", "version"): _("Phiên bản danh mục"),
    ("dossiers.reopened", "reason"): _("Lý do mở lại"),
    ("outgoing.revoked", "reason"): _("Lý do thu hồi"),
    ("user.locked", "reason"): _("Lý do khóa"),
}

VALUE_LABELS: dict[str, dict[str, Any]] = {
    "method": {
        "pkcs12": _("Tệp khóa PKCS#12"),
        "pkcs11": _("USB token / HSM (PKCS#11)"),
        "csc": _("Ký số từ xa (CSC)"),
    },
    "kind": {"signature": _("Ảnh chữ ký"), "seal": _("Ảnh con dấu")},
    "verdict": {"valid": _("hợp lệ"), "invalid": _("không hợp lệ"), "unknown": _("chưa xác định")},
    "purpose": {"download": _("Tải xuống"), "view": _("Xem trên trình duyệt")},
    "reason_code": {"locked": _("tài khoản bị khóa")},
    "scope": {"ip": _("tài khoản, từ một địa chỉ"), "account": _("cả tài khoản, mọi địa chỉ")},
    "type": {
        "pdf": "PDF",
        "docx": "DOCX",
        "doc": "DOC",
        "odt": "ODT",
        "xlsx": "XLSX",
        "png": "PNG",
        "jpeg": "JPEG",
        "zip": "ZIP",
        "xml": "XML",
    },
}


@dataclass(frozen=True)
class Detail:
    key: str
    label: str
    value: str


def yes_no(value: bool) -> str:
    return gettext("Có") if value else gettext("Không")


def file_size(value: int) -> str:
    if value < 1024:
        return gettext("%(n)s byte") % {"n": number_format(value)}
    if value < 1024 * 1024:
        return f"{number_format(value / 1024, 1)} KB"
    return f"{number_format(value / 1024 / 1024, 1)} MB"


def local_datetime(value: str) -> str | None:
    """An ISO date-time (as json stores it) → dd/mm/yyyy HH:MM in the agency's time zone."""
    parsed = parse_datetime(value) if len(value) >= 16 and value[4:5] == "-" else None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return timezone.localtime(parsed).strftime("%d/%m/%Y %H:%M")


def _channel(value: Any) -> str:
    for choices in (FileChannel, DocumentChannel):
        try:
            return str(choices(value).label)
        except ValueError:
            continue
    return str(value)


def _format(key: str, value: Any, units: dict[int, str]) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    if value is None or value == "":
        return "—"
    by_key = _format_by_key(key, value, units)
    if by_key is not None:
        return by_key
    if isinstance(value, int | float):
        return number_format(value)
    if isinstance(value, str):
        return local_datetime(value) or value
    if isinstance(value, list):
        return ", ".join(_format(key, item, units) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{label_for('', k)}: {_format(k, v, units)}" for k, v in value.items())
    return str(value)


def _format_by_key(key: str, value: Any, units: dict[int, str]) -> str | None:
    """The values shown in their key's own form (a size, a unit's name, a role, a channel, a digest, a
    labelled code); ``None`` when the key has none."""
    if key in {"bytes", "size", "received_bytes"} and isinstance(value, int):
        return file_size(value)
    if key == "unit" and isinstance(value, int):
        return units.get(value, gettext("đơn vị số %(id)s") % {"id": value})
    if key == "role":
        return role_label(str(value))
    if key == "channel":
        return _channel(value)
    if key == "sha256" and isinstance(value, str):
        return f"{value[:16]}…"
    if key in VALUE_LABELS and str(value) in VALUE_LABELS[key]:
        return str(VALUE_LABELS[key][str(value)])
    if key == "reason" and str(value) in VALUE_LABELS["reason_code"]:
        return str(VALUE_LABELS["reason_code"][str(value)])
    return None


def label_for(action: str, key: str) -> str:
    label = ACTION_KEY_LABELS.get((action, key)) or KEY_LABELS.get(key)
    if label is not None:
        return str(label)
    return key.replace("_", " ").capitalize()  # a key added without a label: readable, and a test fails


def audit_details(entries: Iterable[Any]) -> Callable[[Any], list[Detail]]:
    """Prepare the details of a page of entries (one query for the units they name) and return a
    function entry → list of :class:`Detail`, in the order the entry recorded them."""
    entries = list(entries)
    unit_ids = {e.data.get("unit") for e in entries if isinstance(e.data, dict)} - {None}
    units = dict(Unit.objects.filter(pk__in=[u for u in unit_ids if isinstance(u, int)]).values_list("pk", "name"))

    def details(entry: Any) -> list[Detail]:
        data = entry.data if isinstance(entry.data, dict) else {}
        return [
            Detail(key, label_for(entry.action, key), _format(key, value, units))
            for key, value in data.items()
            if value is not None and value != "" and value != []  # nothing to say; False and 0 are kept
        ]

    return details
