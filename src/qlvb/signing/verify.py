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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus

from qlvb.core.coroutines import run_sync

from . import conf
from .certs import VN_TZ, describe, validation_context
from .demo_pki import DEMO_CA_NAME
from .verify_checks import certificate_check, integrity_check, is_demo_root, modifications_check, timestamp_check
from .verify_result import (
    DEFINITE_PROBLEMS,
    DOC_TIMESTAMP,
    FAIL,
    INVALID,
    OK,
    UNKNOWN,
    VALID,
    VERDICT_LABELS,
    Check,
    SignatureResult,
    time_iso,
    time_shown,
)

log = logging.getLogger(__name__)


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
    result.timestamp_time = time_iso(status.timestamp)
    if not status.intact:
        result.checks["integrity"] = Check(
            FAIL, _("Tệp đã bị thay đổi sau khi đóng dấu thời gian (mã băm không khớp).")
        )
    elif not status.valid:
        result.checks["integrity"] = Check(FAIL, _("Chữ ký của nơi cấp dấu thời gian không đúng."))
    else:
        result.checks["integrity"] = Check(
            OK,
            _("Dấu thời gian tài liệu nguyên vẹn: tệp đã tồn tại như vậy lúc %(t)s.")
            % {"t": time_shown(status.timestamp)},
        )
    modifications_check(result, status)  # type: ignore[arg-type]
    path = status.validation_path
    if status.trusted and path is not None:
        names = " → ".join(c.subject.native.get("common_name", "") for c in path.iter_certs(include_root=True))
        result.checks["tsa"] = Check(OK, _("Nơi cấp dấu thời gian được tin cậy: %(path)s.") % {"path": names})
        result.demo_ca = is_demo_root(path)
    else:
        result.checks["tsa"] = Check(
            UNKNOWN,
            _(
                "Nơi cấp dấu thời gian “%(tsa)s” không dẫn tới chứng thư gốc nào đã cấu hình tin cậy; thời điểm "
                "%(t)s chưa được xác thực."
            )
            % {"tsa": tsa.get("ten", "?"), "t": time_shown(status.timestamp)},
        )
    return result


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
        field_name=str(sig.field_name), signer=signer, claimed_time=time_iso(claimed), timestamp_time=None
    )
    try:
        status = await _validate(sig, revinfo, fetch=fetch, moment=None, mode="hard-fail")
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        result.checks["integrity"] = Check(
            FAIL, _("Không kiểm tra được chữ ký (cấu trúc chữ ký hỏng): %(e)s") % {"e": exc}
        )
        return result

    revocation_unavailable = False
    if status.trust_problem_indic is not None and status.trust_problem_indic not in DEFINITE_PROBLEMS:
        # hard-fail could not conclude; if soft-fail can, what was missing is the revocation data
        soft = await _validate(sig, revinfo, fetch=fetch, moment=None, mode="soft-fail")
        if soft.trust_problem_indic is None and soft.validation_path is not None:
            status, revocation_unavailable = soft, True
    ts = status.timestamp_validity
    ts_time = ts.timestamp if ts is not None and ts.trusted else None  # only a trusted TSA proves a time
    if ts is not None:
        result.timestamp_time = time_iso(ts.timestamp)
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
    integrity_check(result, status)
    modifications_check(result, status)
    certificate_check(result, status, cert, claimed, ts_time)
    if revocation_unavailable:
        result.checks["revocation"] = Check(
            UNKNOWN,
            _(
                "Chưa xác định được tình trạng thu hồi: không truy cập được OCSP/CRL của nơi cấp và tệp "
                "không kèm dữ liệu thu hồi."
            ),
        )
    timestamp_check(result, status)
    return result
