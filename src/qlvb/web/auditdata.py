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
    "signer_cert_sha256": _("Dấu vân tay chứng thư người ký (SHA-256)"),
    "signer_trust": _("Độ tin cậy của chứng thư người ký"),
    "signer_trust_note": _("Kết quả kiểm tra chứng thư người ký"),
    "signed_at": _("Thời điểm ký theo dấu thời gian"),
    "before": _("Trước"),
    "after": _("Sau"),
    "because": _("Căn cứ"),
    "failures": _("Số lần lỗi liên tiếp"),
    "subscription": _("Đăng ký nhận sự kiện"),
    "url": _("Địa chỉ nhận"),
    "old_code": _("Mã ở hệ thống cũ"),
    "run": _("Lần chuyển đổi"),
    "sheet": _("Trang tính"),
    "dest": _("Nơi lưu bản sao"),
    "action": _("Thao tác"),
    "days": _("Số ngày"),
    "agency": _("Cơ quan"),
    "how": _("Cách ghi nhận"),
    "occurrences": _("Số buổi"),
    "repeat": _("Lặp lại"),
    "answer": _("Trả lời"),
    "from_version": _("Từ phiên bản"),
    "to_version": _("Lên phiên bản"),
    "result": _("Kết quả"),
    "arrival_number": _("Số đến"),
    "bytes": _("Dung lượng"),
    "cause": _("Nguyên nhân"),
    "count": _("Số lượng"),
    "channel": _("Kênh"),
    "auth": _("Cách xác thực của hệ thống kết nối"),
    "code": _("Mã lỗi"),
    "copied_from": _("Chép từ danh mục (mã)"),
    "deduplicated": _("Trùng nội dung tệp đã lưu"),
    "deliveries": _("Số nơi nhận điện tử"),
    "device": _("Thiết bị"),
    "email": _("Địa chỉ thư"),
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
    "page": _("Trang đang dùng"),
    "page_total": _("Tổng số trang"),
    "passkey": _("Mã khóa đăng nhập"),
    "purpose": _("Mục đích"),
    "push_service": _("Dịch vụ đẩy thông báo"),
    "kinds_off": _("Loại thông báo đã tắt"),
    "quiet_hours": _("Giờ yên lặng"),
    "show_subject": _("Hiện trích yếu trên màn hình khóa"),
    "read_only": _("Chỉ cho xem"),
    "reason": _("Lý do"),
    "received_bytes": _("Đã nhận"),
    "role": _("Vai trò"),
    "scope": _("Phạm vi khóa"),
    "starts_at": _("Bắt đầu"),
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
    "with": _("Xác thực bằng"),
    "year": _("Năm"),
    # issues 11-15, second session: archive, packages, handover, exports, calendar, sessions
    "agreed": _("Hội đồng đồng ý"),
    "audience": _("Đối tượng nhận"),
    "batch": _("Đợt nộp lưu"),
    "capital_construction": _("Hồ sơ xây dựng cơ bản"),
    "changed": _("Nội dung thay đổi"),
    "contents_deleted": _("Số tệp đã xóa"),
    "counts": _("Số lượng theo loại"),
    "created": _("Đã tạo"),
    "delivery": _("Nơi nhận (mã)"),
    "documents": _("Số văn bản"),
    "dossiers": _("Hồ sơ"),
    "due": _("Hạn nộp lưu"),
    "events": _("Sự kiện"),
    "files": _("Số tệp"),
    "from": _("Từ"),
    "headings": _("Đề mục"),
    "items": _("Số mục"),
    "manifest_sha256": _("Mã băm danh mục (SHA-256)"),
    "mode": _("Hình thức"),
    "must_read": _("Phải đọc"),
    "note": _("Ghi chú"),
    "number": _("Số"),
    "people": _("Người nhận"),
    "person": _("Người"),
    "problems": _("Vấn đề"),
    "rights": _("Chế độ sử dụng"),
    "roles_ended": _("Vai trò đã kết thúc"),
    "rows": _("Số dòng"),
    "sessions_ended": _("Số phiên đã đăng xuất"),
    "skipped": _("Bỏ qua"),
    "text": _("Nội dung"),
    "title": _("Tiêu đề"),
    "to": _("Sang"),
    "to_unit": _("Sang đơn vị"),
    "units": _("Đơn vị nhận"),
    "until": _("Đến ngày"),
    "week": _("Tuần"),
    # issues 15, 18: register import (operations.register_import)
    "direction": _("Loại sổ"),
    "errors": _("Số dòng lỗi"),
    "first_row": _("Từ dòng"),
    "last_row": _("Đến dòng"),
    # Ủy quyền (directory.delegation) and what is done under one (outgoing.signed).
    "grantor": _("Người ủy quyền"),
    "delegate": _("Người được ủy quyền"),
    "scopes": _("Phạm vi ủy quyền"),
    "starts_on": _("Từ ngày"),
    "ends_on": _("Đến ngày"),
    "on_behalf_of": _("Làm thay cho"),
    "delegation": _("Ủy quyền (mã)"),
    "competence": _("Thẩm quyền ký"),
    # issue 18: connected systems
    "client_id": _("Mã ứng dụng"),
    "external_id": _("Mã văn bản của hệ thống kết nối"),
    "http_method": _("Phương thức HTTP"),
    "path": _("Đường dẫn API"),
    "system": _("Hệ thống kết nối"),
    "system_code": _("Mã của hệ thống kết nối"),
    "table": _("Bảng mã"),
    "target": _("Tương ứng trong hệ thống"),
    "user_code": _("Mã người dùng của hệ thống kết nối"),
    # issue 15: the administrator's two-factor reset (directory.twofactor_reset)
    "authenticator_apps": _("Số ứng dụng xác thực đã xóa"),
    "recovery_codes": _("Số mã khôi phục đã xóa"),
}
ACTION_KEY_LABELS: dict[tuple[str, str], Any] = {
    ("auth.sign_in", "method"): _("Cách đăng nhập"),
    ("auth.sign_in_failed", "method"): _("Cách đăng nhập"),
    ("auth.sign_in_failed", "reason"): _("Lý do từ chối"),
    ("auth.token_refused", "reason"): _("Lý do từ chối"),
    ("integrations.token_refused", "reason"): _("Lý do từ chối"),
    ("integrations.system_registered", "scopes"): _("Quyền của hệ thống"),
    ("integrations.call_refused", "reason"): _("Lý do từ chối"),
    ("integrations.call", "auth"): _("Cách xác thực (token hoặc chữ ký HMAC)"),
    ("auth.twofactor_failed", "reason"): _("Bước nhập mã"),
    ("auth.passkey_refused", "reason"): _("Lý do từ chối"),
    ("operations.notice_started", "kind"): _("Loại thông báo"),
    ("dossiers.plan_approved", "version"): _("Phiên bản danh mục"),
    ("dossiers.plan_copied", "version"): _("Phiên bản danh mục"),
    ("dossiers.plan_created", "version"): _("Phiên bản danh mục"),
    ("operations.whats_new_seen", "version"): _("Phiên bản hệ thống"),
    ("dossiers.reopened", "reason"): _("Lý do mở lại"),
    ("delegation.granted", "kind"): _("Hình thức ủy quyền"),
    ("outgoing.revoked", "reason"): _("Lý do thu hồi"),
    ("user.locked", "reason"): _("Lý do khóa"),
}

VALUE_LABELS: dict[str, dict[str, Any]] = {
    "method": {
        "pkcs12": _("Tệp khóa PKCS#12"),
        "pkcs11": _("USB token / HSM (PKCS#11)"),
        "csc": _("Ký số từ xa (CSC)"),
        "password": _("Mật khẩu"),
        "sso": _("Tài khoản thư công vụ (SSO)"),
        "passkey": _("Khóa đăng nhập (vân tay / khuôn mặt)"),
    },
    "kind": {"signature": _("Ảnh chữ ký"), "seal": _("Ảnh con dấu")},
    "auth": {"token": _("Mã truy cập (token)"), "hmac": _("Chữ ký HMAC-SHA256 của yêu cầu")},
    "signer_trust": {
        "trusted": _("tin cậy, chưa bị thu hồi"),
        "untrusted": _("không được tin cậy"),
        "revoked": _("đã bị thu hồi"),
        "revocation_unknown": _("chưa xác định được tình trạng thu hồi"),
    },
    "verdict": {"valid": _("hợp lệ"), "invalid": _("không hợp lệ"), "unknown": _("chưa xác định")},
    "purpose": {"download": _("Tải xuống"), "view": _("Xem trên trình duyệt")},
    "reason_code": {
        "locked": _("tài khoản bị khóa"),
        # SSO refusals (directory/sso.py, directory.errors.ErrorCode.SSO_*)
        "sso_provider": _("máy chủ thư công vụ không trả lời hoặc từ chối"),
        "sso_issuer": _("sai bên phát hành"),
        "sso_token_expired": _("thông tin đăng nhập đã hết hạn"),
        "sso_token_invalid": _("thông tin đăng nhập không hợp lệ"),
        "sso_state": _("mã trạng thái không khớp"),
        "sso_no_email": _("không có địa chỉ thư đã xác minh"),
        "sso_unknown_email": _("địa chỉ thư chưa gắn với người dùng nào"),
        "sso_ambiguous_email": _("địa chỉ thư gắn với nhiều tài khoản"),
        "sso_account_locked": _("tài khoản bị khóa"),
        # passkey refusals (directory/passkeys.py)
        "malformed": _("dữ liệu khóa không hợp lệ"),
        "challenge": _("yêu cầu đã hết hạn hoặc đã dùng"),
        "unknown_credential": _("khóa chưa đăng ký"),
        "user_handle_mismatch": _("khóa của tài khoản khác"),
        "account_locked": _("tài khoản bị khóa"),
        "locked_out": _("tài khoản tạm khóa do đăng nhập sai"),
        "assertion_invalid": _("chữ ký, trang web hoặc xác minh người dùng không hợp lệ"),
        "clone_suspected": _("bộ đếm không tăng: nghi khóa bị sao chép"),
        "registration_invalid": _("thiết bị trả lời không hợp lệ khi thêm khóa"),
    },
    "scope": {"ip": _("tài khoản, từ một địa chỉ"), "account": _("cả tài khoản, mọi địa chỉ")},
    "repeat": {"weekly": _("hằng tuần"), "monthly": _("hằng tháng")},
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
