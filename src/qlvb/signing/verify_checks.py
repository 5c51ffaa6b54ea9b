"""The checks of one PDF signature, written into its :class:`SignatureResult`: integrity, later
modifications, the certificate (chain, validity, revocation) and the timestamp."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from asn1crypto import x509
from django.utils.translation import gettext as _
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from .verify_result import (
    FAIL,
    MOD_LABELS,
    OK,
    REVOCATION_UNKNOWN,
    UNKNOWN,
    Check,
    SignatureResult,
    time_shown,
)


def is_demo_root(path: Any) -> bool:
    from .demo_pki import is_demo_certificate

    try:
        return any(is_demo_certificate(c) for c in path.iter_certs(include_root=True))
    except Exception:
        return False


def integrity_check(result: SignatureResult, status: PdfSignatureStatus) -> None:
    if not status.intact:
        result.checks["integrity"] = Check(FAIL, _("Nội dung đã ký bị thay đổi sau khi ký (mã băm không khớp)."))
    elif not status.valid:
        result.checks["integrity"] = Check(FAIL, _("Giá trị chữ ký số không đúng với chứng thư của người ký."))
    else:
        result.checks["integrity"] = Check(OK, _("Dữ liệu đã ký còn nguyên vẹn (SHA-256, RSA)."))


def modifications_check(result: SignatureResult, status: PdfSignatureStatus) -> None:
    coverage = status.coverage
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        result.checks["modifications"] = Check(OK, _("Chữ ký bao phủ toàn bộ tệp; không có thay đổi sau khi ký."))
        return
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        result.checks["modifications"] = Check(
            FAIL, _("Chữ ký không bao phủ hết phiên bản tài liệu đã ký (phần cuối tệp nằm ngoài vùng ký).")
        )
        return
    level = status.modification_level
    if level is None:
        result.checks["modifications"] = Check(UNKNOWN, _("Không phân tích được các thay đổi thêm vào sau khi ký."))
        return
    label = MOD_LABELS.get(level, str(level))
    if level == ModificationLevel.OTHER or status.docmdp_ok is False:
        detail = ""
        diff = status.diff_result
        if diff is not None and not hasattr(diff, "modification_level"):
            detail = f" ({diff})"
        result.checks["modifications"] = Check(
            FAIL,
            _("Tài liệu bị thay đổi sau khi ký theo cách không được phép: %(what)s%(detail)s.")
            % {"what": label, "detail": detail},
        )
        return
    result.checks["modifications"] = Check(
        OK, _("Các phiên bản sau chữ ký chỉ có thay đổi được phép: %(what)s.") % {"what": label}
    )


def certificate_check(
    result: SignatureResult,
    status: PdfSignatureStatus,
    cert: x509.Certificate | None,
    claimed: datetime | None,
    ts_time: datetime | None,
) -> None:
    indic = status.trust_problem_indic
    path = status.validation_path
    if path is not None:
        names = " → ".join(c.subject.native.get("common_name", "") for c in path.iter_certs(include_root=True))
        result.checks["chain"] = Check(OK, _("Chứng thư dẫn tới nơi cấp tin cậy: %(path)s.") % {"path": names})
        result.demo_ca = is_demo_root(path)
    elif indic == AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE or indic == AdESIndeterminate.SIG_CONSTRAINTS_FAILURE:
        result.checks["chain"] = Check(
            FAIL,
            _(
                "Chứng thư số không được phép dùng để ký văn bản (thiếu mục đích sử dụng khóa “chống chối bỏ” "
                "hoặc vi phạm ràng buộc của chuỗi chứng thư)."
            ),
        )
    elif indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND or indic is None:
        issuer = result.signer.get("noi_cap", "")
        result.checks["chain"] = Check(
            FAIL,
            _(
                "Chứng thư số do “%(issuer)s” cấp không dẫn tới chứng thư gốc nào đã cấu hình tin cậy "
                "(CA chuyên dùng Chính phủ, CA công cộng)."
            )
            % {"issuer": issuer},
        )
    else:
        # path None: whatever the indication, no chain to a trust anchor was established
        result.checks["chain"] = Check(
            UNKNOWN,
            _("Chưa dựng được chuỗi chứng thư đến nơi cấp tin cậy (%(why)s).")
            % {"why": getattr(indic, "name", str(indic))},
        )

    at = ts_time or claimed
    at_text = (
        _("theo dấu thời gian %(t)s") % {"t": time_shown(ts_time)}
        if ts_time
        else _("theo thời điểm ký do người ký khai %(t)s (không có dấu thời gian)") % {"t": time_shown(claimed)}
    )
    if cert is not None and at is not None and not (cert.not_valid_before <= at <= cert.not_valid_after):
        result.checks["validity"] = Check(
            FAIL,
            _("Chứng thư số hết hiệu lực tại thời điểm ký (%(at)s; hiệu lực %(a)s – %(b)s).")
            % {"at": at_text, "a": time_shown(cert.not_valid_before), "b": time_shown(cert.not_valid_after)},
        )
    elif indic in (
        AdESIndeterminate.EXPIRED,
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
        AdESFailure.NOT_YET_VALID,
        AdESIndeterminate.NOT_YET_VALID,
    ):
        result.checks["validity"] = Check(
            UNKNOWN if indic == AdESIndeterminate.OUT_OF_BOUNDS_NO_POE else FAIL,
            _(
                "Chứng thư số (hoặc chứng thư của nơi cấp) đã hết hạn và không có dấu thời gian tin cậy "
                "chứng minh chữ ký được tạo khi còn hiệu lực."
            ),
        )
    else:
        result.checks["validity"] = Check(
            OK, _("Chứng thư số còn hiệu lực tại thời điểm ký (%(at)s).") % {"at": at_text}
        )

    if status.revoked or indic == AdESFailure.REVOKED:
        details = status.revocation_details
        when = time_shown(details.revocation_date) if details is not None else None
        if details is not None and ts_time is not None and details.revocation_date > ts_time:
            result.checks["revocation"] = Check(
                OK,
                _("Chứng thư bị thu hồi ngày %(when)s, sau thời điểm ký đã được xác thực bằng dấu thời gian.")
                % {"when": when},
            )
        else:
            result.checks["revocation"] = Check(
                FAIL,
                _("Chứng thư số đã bị thu hồi%(when)s.") % {"when": f" từ {when}" if when else ""},
            )
    elif indic in REVOCATION_UNKNOWN:
        result.checks["revocation"] = Check(
            UNKNOWN,
            _(
                "Chưa xác định được tình trạng thu hồi: không truy cập được OCSP/CRL của nơi cấp và tệp "
                "không kèm dữ liệu thu hồi."
            ),
        )
    elif path is None:
        # the chain check above states why there is no chain; this line only says what follows from it
        result.checks["revocation"] = Check(
            UNKNOWN, _("Không kiểm tra tình trạng thu hồi (xem mục “Chuỗi chứng thư đến nơi cấp tin cậy”).")
        )
    elif indic is None:
        result.checks["revocation"] = Check(
            OK, _("Chứng thư chưa bị thu hồi (đã kiểm tra OCSP/CRL của nơi cấp hoặc dữ liệu kèm trong tệp).")
        )
    else:
        result.checks["revocation"] = Check(
            UNKNOWN, _("Chưa xác định được hiệu lực chứng thư: %(why)s.") % {"why": getattr(indic, "name", str(indic))}
        )


def timestamp_check(result: SignatureResult, status: PdfSignatureStatus) -> None:
    ts = status.timestamp_validity
    if ts is None:
        result.checks["timestamp"] = Check(OK, _("Không có dấu thời gian (PAdES B-B); thời điểm ký do người ký khai."))
    elif not (ts.intact and ts.valid):
        result.checks["timestamp"] = Check(FAIL, _("Dấu thời gian không hợp lệ (bị sửa hoặc chữ ký sai)."))
    elif not ts.trusted:
        result.checks["timestamp"] = Check(
            UNKNOWN, _("Dấu thời gian %(t)s do nơi cấp không được tin cậy.") % {"t": time_shown(ts.timestamp)}
        )
    else:
        result.checks["timestamp"] = Check(OK, _("Dấu thời gian hợp lệ: %(t)s.") % {"t": time_shown(ts.timestamp)})
