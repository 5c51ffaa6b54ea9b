"""Verification report of the signatures in a PDF (TT 41/2017: integrity, certificate valid and not
revoked at signing time, chain to a trusted CA; results kept with the document).

:func:`verify_pdf` never raises on bad input: an unsigned, damaged, encrypted or non-PDF file gets a
report with its verdict and the reason in Vietnamese. Verdicts:

* ``valid`` — hợp lệ: every signature is intact, covers its revision, later changes are permitted,
  the certificate chains to a configured trust anchor, was valid and not revoked when signing;
* ``invalid`` — không hợp lệ: one signature fails one of those checks, or the file has none;
* ``unknown`` — chưa xác định: nothing failed but something could not be established (typically:
  revocation status neither fetchable nor embedded; an encrypted file).
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from qlvb.core.coroutines import run_sync

from . import conf
from .certs import VN_TZ, describe, validation_context
from .demo_pki import DEMO_CA_NAME

log = logging.getLogger(__name__)

OK, FAIL, UNKNOWN = "ok", "fail", "unknown"
VALID, INVALID = "valid", "invalid"
VERDICT_LABELS = {VALID: "hợp lệ", INVALID: "không hợp lệ", UNKNOWN: "chưa xác định"}
CHECK_LABELS = {
    "integrity": "Toàn vẹn dữ liệu đã ký",
    "modifications": "Thay đổi sau khi ký",
    "chain": "Chuỗi chứng thư đến nơi cấp tin cậy",
    "validity": "Hiệu lực chứng thư tại thời điểm ký",
    "revocation": "Tình trạng thu hồi chứng thư",
    "timestamp": "Dấu thời gian",
    "tsa": "Nơi cấp dấu thời gian",
}
DOC_TIMESTAMP = "doc_timestamp"
KIND_LABELS = {"signature": "Chữ ký số", DOC_TIMESTAMP: "Dấu thời gian tài liệu"}
_MOD_LABELS = {
    ModificationLevel.NONE: "không có thay đổi",
    ModificationLevel.LTA_UPDATES: "chỉ bổ sung dữ liệu kiểm tra chứng thư / dấu thời gian",
    ModificationLevel.FORM_FILLING: "điền biểu mẫu và thêm chữ ký (số, ngày văn bản; chữ ký tiếp theo)",
    ModificationLevel.ANNOTATIONS: "thêm chú thích",
    ModificationLevel.OTHER: "thay đổi nội dung khác (trang, nội dung, đối tượng)",
}
_DEFINITE = {
    AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
    AdESFailure.REVOKED,
    AdESIndeterminate.EXPIRED,
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESFailure.NOT_YET_VALID,
    AdESIndeterminate.NOT_YET_VALID,
}
_REVOCATION_UNKNOWN = {
    AdESIndeterminate.TRY_LATER,
    AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE,
    AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
}


@dataclass
class Check:
    status: str
    message: str

    def as_dict(self, key: str) -> dict[str, str]:
        return {"check": key, "label": CHECK_LABELS[key], "status": self.status, "message": self.message}


@dataclass
class SignatureResult:
    field_name: str
    signer: dict[str, str]
    claimed_time: str | None
    timestamp_time: str | None
    checks: dict[str, Check] = field(default_factory=dict)
    signed_revision: int | None = None
    kind: str = "signature"
    demo_ca: bool = False

    @property
    def verdict(self) -> str:
        statuses = {c.status for c in self.checks.values()}
        if FAIL in statuses:
            return INVALID
        if UNKNOWN in statuses:
            return UNKNOWN
        return VALID

    def reasons(self) -> list[str]:
        wanted = FAIL if self.verdict == INVALID else UNKNOWN
        return [c.message for c in self.checks.values() if c.status == wanted]

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field_name,
            "signer": self.signer,
            "claimed_time": self.claimed_time,
            "timestamp_time": self.timestamp_time,
            "verdict": self.verdict,
            "verdict_label": VERDICT_LABELS[self.verdict],
            "reasons": self.reasons(),
            "checks": [c.as_dict(k) for k, c in self.checks.items()],
            "signed_revision": self.signed_revision,
            "kind": self.kind,
            "kind_label": KIND_LABELS[self.kind],
            "demo_ca": self.demo_ca,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(VN_TZ).isoformat() if moment else None


def _shown(moment: datetime | None) -> str:
    """A time inside a message a person reads: dd/mm/yyyy HH:MM:SS, Vietnam time (the report's
    fields keep ISO 8601 for programs)."""
    return f"{moment.astimezone(VN_TZ):%d/%m/%Y %H:%M:%S} (+07:00)" if moment else ""


def _report(
    sha256: str,
    verdict: str,
    reasons: list[str],
    signatures: list[SignatureResult],
    *,
    fetch: bool,
    revisions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "file_sha256": sha256,
        "verified_at": datetime.now(UTC).astimezone(VN_TZ).isoformat(),
        "network": fetch,
        "trust_anchors": str(conf.trust_anchors_dir()),
        "verdict": verdict,
        "verdict_label": VERDICT_LABELS[verdict],
        "reasons": reasons,
        "signatures": [s.as_dict() for s in signatures],
        "revisions": revisions or [],
    }


def verify_pdf(data: bytes, *, fetch: bool | None = None) -> dict[str, Any]:
    """The verification report (a JSON-ready dict) of ``data``."""
    fetch = conf.verify_fetch() if fetch is None else fetch
    sha256 = hashlib.sha256(data).hexdigest()
    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        return _report(sha256, INVALID, [_("Tệp không phải là PDF.")], [], fetch=fetch)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            try:
                opened = reader.decrypt(b"").status != AuthStatus.FAILED
            except Exception:
                opened = False
            if not opened:
                return _report(
                    sha256,
                    UNKNOWN,
                    [_("Tệp PDF được mã hóa bằng mật khẩu; không kiểm tra được chữ ký số.")],
                    [],
                    fetch=fetch,
                )
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # a damaged file of any kind: a verdict, never a crash (nor a traceback)
        log.info("unreadable PDF %s: %s", sha256, type(exc).__name__)
        log.debug("unreadable PDF %s", sha256, exc_info=True)
        return _report(sha256, INVALID, [_("Tệp PDF bị hỏng hoặc không đầy đủ; không đọc được.")], [], fetch=fetch)
    if not signatures:
        return _report(sha256, INVALID, [_("Tệp không có chữ ký số.")], [], fetch=fetch)
    revinfo = _embedded_revinfo(reader)
    revisions = _revisions(reader, signatures)
    results = [_verify_guarded(sig, revinfo, fetch=fetch) for sig in signatures]
    verdicts = {r.verdict for r in results}
    verdict = INVALID if INVALID in verdicts else UNKNOWN if UNKNOWN in verdicts else VALID
    reasons: list[str] = []
    for result in results:
        who = result.signer.get("ten") or result.field_name
        if result.kind == DOC_TIMESTAMP:
            who = _("Dấu thời gian tài liệu (%(tsa)s)") % {"tsa": who}
        reasons.extend(f"{who}: {reason}" for reason in result.reasons())
    if verdict == VALID:
        reasons = [_valid_sentence(results)]
    demo = sorted({r.signer.get("ten") or r.field_name for r in results if r.demo_ca})
    if demo:
        reasons.append(
            _(
                "Chứng thư gốc của %(who)s là CA THỬ NGHIỆM của bản trình diễn (%(ca)s): chữ ký không có giá trị "
                "pháp lý."
            )
            % {"who": ", ".join(demo), "ca": DEMO_CA_NAME}
        )
    return _report(sha256, verdict, reasons, results, fetch=fetch, revisions=revisions)


def _valid_sentence(results: list[SignatureResult]) -> str:
    signatures = sum(1 for r in results if r.kind != DOC_TIMESTAMP)
    stamps = len(results) - signatures
    if stamps == 0:
        return _("Chữ ký số hợp lệ.") if signatures == 1 else _("Tất cả %(n)s chữ ký số hợp lệ.") % {"n": signatures}
    return _("Tất cả %(n)s chữ ký số và %(m)s dấu thời gian tài liệu hợp lệ.") % {"n": signatures, "m": stamps}


def _verify_guarded(sig: EmbeddedPdfSignature, revinfo: _Revinfo, *, fetch: bool) -> SignatureResult:
    """A hostile file must produce a verdict, not an exception: anything unexpected while checking
    one signature makes that signature "không hợp lệ" with the error named."""
    try:
        if _object_type(sig) == "/DocTimeStamp":
            return run_sync(_verify_doc_timestamp(sig, revinfo, fetch=fetch))
        return run_sync(_verify_one(sig, revinfo, fetch=fetch))
    except Exception as exc:
        log.info("signature %s could not be checked: %s", getattr(sig, "field_name", "?"), type(exc).__name__)
        log.debug("signature %s could not be checked", getattr(sig, "field_name", "?"), exc_info=True)
        result = SignatureResult(
            field_name=str(getattr(sig, "field_name", "") or ""), signer={}, claimed_time=None, timestamp_time=None
        )
        result.checks["integrity"] = Check(
            FAIL,
            _("Không kiểm tra được chữ ký (dữ liệu chữ ký hỏng): %(e)s") % {"e": type(exc).__name__},
        )
        return result


def _object_type(sig: EmbeddedPdfSignature) -> str:
    try:
        return str(sig.sig_object_type)
    except Exception:
        return "/Sig"


async def _verify_doc_timestamp(sig: EmbeddedPdfSignature, revinfo: _Revinfo, *, fetch: bool) -> SignatureResult:
    """A ``/DocTimeStamp`` (PAdES-LTA: a timestamp over the whole file as it was): the TSA's token
    is intact, its certificate chains to a trust anchor, what was added after it is permitted."""
    try:
        tsa = describe(sig.signer_cert)
    except Exception:
        tsa = {}
    result = SignatureResult(
        field_name=str(sig.field_name), signer=tsa, claimed_time=None, timestamp_time=None, kind=DOC_TIMESTAMP
    )
    try:
        result.signed_revision = int(sig.signed_revision)
    except Exception:
        result.signed_revision = None
    other = list(revinfo.certs) + list(sig.other_embedded_certs)
    context = validation_context(
        fetch=fetch, other_certs=other, crls=revinfo.crls, ocsps=revinfo.ocsps, revocation_mode="soft-fail"
    )
    try:
        status = await async_validate_pdf_timestamp(sig, validation_context=context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        result.checks["integrity"] = Check(
            FAIL, _("Không kiểm tra được dấu thời gian tài liệu (cấu trúc hỏng): %(e)s") % {"e": exc}
        )
        return result
    result.timestamp_time = _iso(status.timestamp)
    if not status.intact:
        result.checks["integrity"] = Check(
            FAIL, _("Tệp đã bị thay đổi sau khi đóng dấu thời gian (mã băm không khớp).")
        )
    elif not status.valid:
        result.checks["integrity"] = Check(FAIL, _("Chữ ký của nơi cấp dấu thời gian không đúng."))
    else:
        result.checks["integrity"] = Check(
            OK,
            _("Dấu thời gian tài liệu nguyên vẹn: tệp đã tồn tại như vậy lúc %(t)s.") % {"t": _shown(status.timestamp)},
        )
    _modifications(result, status)  # type: ignore[arg-type]
    path = status.validation_path
    if status.trusted and path is not None:
        names = " → ".join(c.subject.native.get("common_name", "") for c in path.iter_certs(include_root=True))
        result.checks["tsa"] = Check(OK, _("Nơi cấp dấu thời gian được tin cậy: %(path)s.") % {"path": names})
        result.demo_ca = _is_demo_root(path)
    else:
        result.checks["tsa"] = Check(
            UNKNOWN,
            _(
                "Nơi cấp dấu thời gian “%(tsa)s” không dẫn tới chứng thư gốc nào đã cấu hình tin cậy; thời điểm "
                "%(t)s chưa được xác thực."
            )
            % {"tsa": tsa.get("ten", "?"), "t": _shown(status.timestamp)},
        )
    return result


def _is_demo_root(path: Any) -> bool:
    from .demo_pki import is_demo_certificate

    try:
        return any(is_demo_certificate(c) for c in path.iter_certs(include_root=True))
    except Exception:
        return False


@dataclass
class _Revinfo:
    certs: list[x509.Certificate]
    ocsps: list[asn1_ocsp.OCSPResponse]
    crls: list[asn1_crl.CertificateList]


def _revisions(reader: PdfFileReader, signatures: list[EmbeddedPdfSignature]) -> list[dict[str, Any]]:
    """What each revision of the file (each incremental update) brought: a signature, revocation
    data (DSS), text fields filled — so a reader sees which later revisions changed what."""
    by_revision: dict[int, list[str]] = {}
    for sig in signatures:
        try:
            by_revision.setdefault(int(sig.signed_revision), []).append(str(sig.field_name))
        except Exception:  # a broken signature dictionary: its own check reports it
            log.debug("no revision for signature %s", getattr(sig, "field_name", "?"), exc_info=True)
    out: list[dict[str, Any]] = []
    previous_values: dict[str, str] = {}
    previous_dss: Any = None
    try:
        total = reader.total_revisions
    except Exception:
        return out
    for revision in range(total):
        entry: dict[str, Any] = {"revision": revision, "signatures": by_revision.get(revision, [])}
        try:
            root = reader.get_historical_resolver(revision).root
            dss = _dss_size(root)
            values = _text_field_values(root)
        except Exception:
            out.append(entry)
            continue
        entry["revocation_data_added"] = dss is not None and dss != previous_dss
        entry["fields_filled"] = sorted(k for k, v in values.items() if previous_values.get(k) != v and v)
        if revision == 0:
            entry["fields_filled"] = []
        previous_values, previous_dss = values, dss
        out.append(entry)
    return out


def _dss_size(root: Any) -> tuple[int, int, int] | None:
    """(OCSP responses, CRLs, certificates) in the document security store, None without one."""
    if "/DSS" not in root:
        return None
    dss = root["/DSS"]
    return tuple(len(dss.get(key, [])) for key in ("/OCSPs", "/CRLs", "/Certs"))  # type: ignore[return-value]


def _text_field_values(root: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    if "/AcroForm" not in root:
        return values
    for ref in root["/AcroForm"].get("/Fields", []):
        form_field = ref.get_object()
        if form_field.get("/FT") == "/Tx" and "/T" in form_field:
            values[str(form_field["/T"])] = str(form_field.get("/V", ""))
    return values


def _embedded_revinfo(reader: PdfFileReader) -> _Revinfo:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return _Revinfo([], [], [])
    except Exception:
        return _Revinfo([], [], [])
    ocsps = [asn1_ocsp.OCSPResponse.load(ref.get_object().data) for ref in dss.ocsps]
    crls = [asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.crls]
    return _Revinfo(list(dss.load_certs()), ocsps, crls)


async def _validate(
    sig: EmbeddedPdfSignature, revinfo: _Revinfo, *, fetch: bool, moment: datetime | None, mode: str
) -> PdfSignatureStatus:
    other = list(revinfo.certs) + list(sig.other_embedded_certs)
    context = validation_context(
        fetch=fetch,
        other_certs=other,
        crls=revinfo.crls,
        ocsps=revinfo.ocsps,
        moment=moment,
        revocation_mode=mode,
    )
    ts_context = validation_context(
        fetch=fetch, other_certs=other, crls=revinfo.crls, ocsps=revinfo.ocsps, revocation_mode="soft-fail"
    )
    return await async_validate_pdf_signature(sig, signer_validation_context=context, ts_validation_context=ts_context)


async def _verify_one(sig: EmbeddedPdfSignature, revinfo: _Revinfo, *, fetch: bool) -> SignatureResult:
    try:
        cert = sig.signer_cert
        signer = describe(cert)
    except Exception:
        cert = None
        signer = {}
    try:
        claimed = sig.self_reported_timestamp
    except Exception:
        claimed = None
    result = SignatureResult(
        field_name=str(sig.field_name), signer=signer, claimed_time=_iso(claimed), timestamp_time=None
    )
    try:
        status = await _validate(sig, revinfo, fetch=fetch, moment=None, mode="hard-fail")
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        result.checks["integrity"] = Check(
            FAIL, _("Không kiểm tra được chữ ký (cấu trúc chữ ký hỏng): %(e)s") % {"e": exc}
        )
        return result

    revocation_unavailable = False
    if status.trust_problem_indic is not None and status.trust_problem_indic not in _DEFINITE:
        # hard-fail could not conclude; if soft-fail can, what was missing is the revocation data
        soft = await _validate(sig, revinfo, fetch=fetch, moment=None, mode="soft-fail")
        if soft.trust_problem_indic is None and soft.validation_path is not None:
            status, revocation_unavailable = soft, True
    ts = status.timestamp_validity
    ts_time = ts.timestamp if ts is not None and ts.trusted else None  # only a trusted TSA proves a time
    if ts is not None:
        result.timestamp_time = _iso(ts.timestamp)
    # A certificate expired now but valid at a trusted timestamp: judge it at the timestamp.
    if ts_time is not None and status.trust_problem_indic in (
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
        AdESIndeterminate.EXPIRED,
    ):
        status = await _validate(sig, revinfo, fetch=fetch, moment=ts_time, mode="hard-fail")

    try:
        result.signed_revision = int(sig.signed_revision)
    except Exception:
        result.signed_revision = None
    _integrity(result, status)
    _modifications(result, status)
    _certificate(result, status, cert, claimed, ts_time)
    if revocation_unavailable:
        result.checks["revocation"] = Check(
            UNKNOWN,
            _(
                "Chưa xác định được tình trạng thu hồi: không truy cập được OCSP/CRL của nơi cấp và tệp "
                "không kèm dữ liệu thu hồi."
            ),
        )
    _timestamp(result, status)
    return result


def _integrity(result: SignatureResult, status: PdfSignatureStatus) -> None:
    if not status.intact:
        result.checks["integrity"] = Check(FAIL, _("Nội dung đã ký bị thay đổi sau khi ký (mã băm không khớp)."))
    elif not status.valid:
        result.checks["integrity"] = Check(FAIL, _("Giá trị chữ ký số không đúng với chứng thư của người ký."))
    else:
        result.checks["integrity"] = Check(OK, _("Dữ liệu đã ký còn nguyên vẹn (SHA-256, RSA)."))


def _modifications(result: SignatureResult, status: PdfSignatureStatus) -> None:
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
    label = _MOD_LABELS.get(level, str(level))
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


def _certificate(
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
        result.demo_ca = _is_demo_root(path)
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
        _("theo dấu thời gian %(t)s") % {"t": _shown(ts_time)}
        if ts_time
        else _("theo thời điểm ký do người ký khai %(t)s (không có dấu thời gian)") % {"t": _shown(claimed)}
    )
    if cert is not None and at is not None and not (cert.not_valid_before <= at <= cert.not_valid_after):
        result.checks["validity"] = Check(
            FAIL,
            _("Chứng thư số hết hiệu lực tại thời điểm ký (%(at)s; hiệu lực %(a)s – %(b)s).")
            % {"at": at_text, "a": _shown(cert.not_valid_before), "b": _shown(cert.not_valid_after)},
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
        when = _shown(details.revocation_date) if details is not None else None
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
    elif indic in _REVOCATION_UNKNOWN:
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


def _timestamp(result: SignatureResult, status: PdfSignatureStatus) -> None:
    ts = status.timestamp_validity
    if ts is None:
        result.checks["timestamp"] = Check(OK, _("Không có dấu thời gian (PAdES B-B); thời điểm ký do người ký khai."))
    elif not (ts.intact and ts.valid):
        result.checks["timestamp"] = Check(FAIL, _("Dấu thời gian không hợp lệ (bị sửa hoặc chữ ký sai)."))
    elif not ts.trusted:
        result.checks["timestamp"] = Check(
            UNKNOWN, _("Dấu thời gian %(t)s do nơi cấp không được tin cậy.") % {"t": _shown(ts.timestamp)}
        )
    else:
        result.checks["timestamp"] = Check(OK, _("Dấu thời gian hợp lệ: %(t)s.") % {"t": _shown(ts.timestamp)})
