"""Whether the certificate that signed an export package's manifest is trusted here and not revoked.

``package_signature.signature_verify`` proves the manifest was signed by the holder of the certificate the
package carries. This module asks the question the PDF signatures' verification asks (``signing.verify``, TT
41/2017): does the certificate chain to one of the deployment's trust anchors (``signing.anchors``: the CA
chuyên dùng Chính phủ, the public CAs), is it within its validity, and is it not revoked — OCSP or CRL from the
addresses in the certificate, through pyHanko's ``ValidationContext`` built by ``signing.certs.validation_context``
(the same anchors, the same fetcher, ``QLVB_VERIFY_FETCH`` and ``QLVB_SIGNING_FETCH_TIMEOUT``).

When the CMS carries a timestamp from a TSA trusted here (``package_signature``: the signature's RFC 3161 token),
the manifest is proven signed no later than the TSA's time, and a certificate that expired or was revoked
*after* that time is judged at that time, as a timestamped PDF is (TT 41/2017; ``signing.verify``). Without one
(or with one from an untrusted TSA, or whose imprint is not this signature's) the certificate is judged at the
time of the import: revoked now is revoked (nothing proves the manifest was signed before), expired now is not
trusted.

The outcome (``Trust``) and what the import does with it (``package_import``):

* ``trusted`` — chain to an anchor, valid, not revoked (OCSP/CRL answered): imported;
* ``revoked`` — refused always (422 ``package_signer_revoked``), nothing written;
* ``untrusted`` — no chain to an anchor, expired, or not usable for signing: the signature proves nothing more
  than no signature, so the rule for unsigned packages applies — refused where a signature is required
  (``QLVB_PACKAGE_REQUIRE_SIGNATURE``, 422 ``package_signer_untrusted``), else imported and flagged;
* ``revocation_unknown`` — chain and validity good, but no OCSP/CRL answer could be had: imported and flagged
  ("chưa xác định"), as the PDF verification reports it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms as asn1_cms
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


class Trust(models.TextChoices):
    TRUSTED = "trusted", _("tin cậy, chưa bị thu hồi")
    UNTRUSTED = "untrusted", _("không được tin cậy")
    REVOKED = "revoked", _("đã bị thu hồi")
    REVOCATION_UNKNOWN = "revocation_unknown", _("chưa xác định được tình trạng thu hồi")


@dataclass(frozen=True)
class TrustResult:
    trust: str  # a Trust value
    note: str  # the sentence shown and recorded, in Vietnamese
    path: str = ""  # the chain, "signer → intermediate → root", when one was built
    timestamp: datetime | None = None  # the time a trusted TSA's token proves; None: no trusted timestamp


def _names(path: object) -> str:
    try:
        return " → ".join(c.subject.native.get("common_name", "") for c in path.iter_certs(include_root=True))  # type: ignore[attr-defined]
    except Exception:
        return ""


async def _status(
    manifest: bytes, signed: asn1_cms.SignedData, *, fetch: bool, mode: str, moment: datetime | None = None
) -> object:
    """pyHanko's status of the signature, the signer judged at ``moment`` (now when None); the timestamp's TSA is
    judged now with soft-fail revocation, as for the PDF signatures."""
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    from qlvb.signing.certs import validation_context

    others = [c.chosen for c in signed["certificates"] or [] if c.name == "certificate"]
    context = validation_context(fetch=fetch, other_certs=others, revocation_mode=mode, moment=moment)
    return await async_validate_detached_cms(
        manifest,
        signed,
        signer_validation_context=context,
        ts_validation_context=validation_context(fetch=fetch, other_certs=others, revocation_mode="soft-fail"),
        key_usage_settings=KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}),
    )


def _trusted_time(status: object) -> datetime | None:
    """The time of the signature's timestamp when its TSA is trusted here and its imprint is this signature's."""
    ts = getattr(status, "timestamp_validity", None)
    if ts is None or not ts.intact or not ts.valid or not ts.trusted:
        return None
    when: datetime = ts.timestamp
    return when


def _after(status: object, ts_time: datetime) -> bool:
    """Whether what is wrong with the signer now happened after ``ts_time``: expired, or revoked later."""
    from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate

    indic = status.trust_problem_indic  # type: ignore[attr-defined]
    if indic in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE):
        return True
    if status.revoked or indic == AdESFailure.REVOKED:  # type: ignore[attr-defined]
        details = status.revocation_details  # type: ignore[attr-defined]
        return details is not None and details.revocation_date > ts_time
    return False


def signer_trust(manifest: bytes, signature: bytes, *, fetch: bool | None = None) -> TrustResult:
    """The trust of the signer of ``signature`` (a detached CMS over ``manifest`` whose integrity
    ``signature_verify`` has checked). Never raises: what cannot be established is said."""
    from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate

    from qlvb.core.coroutines import run_sync
    from qlvb.signing import conf
    from qlvb.signing.certs import vn_date
    from qlvb.signing.verify_result import DEFINITE_PROBLEMS, time_shown

    fetch = conf.verify_fetch() if fetch is None else fetch
    ts_time: datetime | None = None
    judged_then = False
    try:
        signed = asn1_cms.ContentInfo.load(signature)["content"]
        status = run_sync(_status(manifest, signed, fetch=fetch, mode="hard-fail"))
        indic = status.trust_problem_indic  # type: ignore[attr-defined]
        unknown_revocation = False
        if indic is not None and indic not in DEFINITE_PROBLEMS:
            # hard-fail could not conclude; if soft-fail can, what was missing is the revocation data (verify.py)
            soft = run_sync(_status(manifest, signed, fetch=fetch, mode="soft-fail"))
            if soft.trust_problem_indic is None and soft.validation_path is not None:  # type: ignore[attr-defined]
                status, indic, unknown_revocation = soft, None, True
        ts_time = _trusted_time(status)
        if ts_time is not None and _after(status, ts_time):
            # expired or revoked after the trusted timestamp: the certificate is judged when the manifest was signed
            status = run_sync(_status(manifest, signed, fetch=fetch, mode="hard-fail", moment=ts_time))
            indic = status.trust_problem_indic  # type: ignore[attr-defined]
            unknown_revocation, judged_then = False, True
    except Exception as exc:  # a certificate pyHanko cannot read: not trusted, said so
        log.info("package signer's trust not established: %r", exc)
        return TrustResult(
            Trust.UNTRUSTED, gettext("Không kiểm tra được chứng thư số của người ký (chứng thư không đọc được).")
        )
    path = status.validation_path  # type: ignore[attr-defined]
    chain = _names(path) if path is not None else ""
    cert = status.signing_cert  # type: ignore[attr-defined]
    when = _when(status, ts_time)
    if status.revoked or indic == AdESFailure.REVOKED:  # type: ignore[attr-defined]
        details = status.revocation_details  # type: ignore[attr-defined]
        since = f" từ ngày {vn_date(details.revocation_date)}" if details is not None else ""
        return TrustResult(
            Trust.REVOKED,
            gettext("Chứng thư số của người ký bảng kê đã bị thu hồi%(since)s (kiểm tra OCSP/CRL của nơi cấp).")
            % {"since": since}
            + when,
            chain,
            ts_time,
        )
    if indic is None and path is not None:
        if unknown_revocation:
            return TrustResult(
                Trust.REVOCATION_UNKNOWN,
                gettext(
                    "Chứng thư số dẫn tới nơi cấp tin cậy (%(chain)s) nhưng chưa xác định được tình trạng thu "
                    "hồi: không truy cập được OCSP/CRL của nơi cấp."
                )
                % {"chain": chain}
                + when,
                chain,
                ts_time,
            )
        if judged_then:
            note = gettext(
                "Chứng thư số dẫn tới nơi cấp tin cậy (%(chain)s) và còn hiệu lực, chưa bị thu hồi vào thời điểm ký "
                "theo dấu thời gian %(t)s (hết hạn hoặc bị thu hồi sau thời điểm ký không ảnh hưởng)."
            ) % {"chain": chain, "t": time_shown(ts_time)}
        else:
            note = (
                gettext("Chứng thư số dẫn tới nơi cấp tin cậy (%(chain)s), còn hiệu lực và chưa bị thu hồi (OCSP/CRL).")
                % {"chain": chain}
                + when
            )
        return TrustResult(Trust.TRUSTED, note, chain, ts_time)
    if indic in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE):
        until = vn_date(cert.not_valid_after) if cert is not None else "?"
        note = gettext(
            "Chứng thư số của người ký bảng kê (hoặc của nơi cấp) đã hết hạn (%(until)s); gói không có dấu thời gian "
            "chứng minh bảng kê được ký khi chứng thư còn hiệu lực."
        ) % {"until": until}
    elif indic in (AdESFailure.NOT_YET_VALID, AdESIndeterminate.NOT_YET_VALID):
        note = gettext("Chứng thư số của người ký bảng kê chưa có hiệu lực.")
    elif indic in (AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE, AdESIndeterminate.SIG_CONSTRAINTS_FAILURE):
        note = gettext("Chứng thư số của người ký bảng kê không được phép dùng để ký (mục đích sử dụng khóa).")
    else:
        issuer = cert.issuer.native.get("common_name", "") if cert is not None else ""
        note = gettext(
            "Chứng thư số do “%(issuer)s” cấp không dẫn tới chứng thư gốc nào đã cấu hình tin cậy (CA chuyên dùng "
            "Chính phủ, CA công cộng)."
        ) % {"issuer": issuer}
    return TrustResult(Trust.UNTRUSTED, note + when, chain, ts_time)


def _when(status: object, ts_time: datetime | None) -> str:
    """The sentence on the signature's timestamp, appended to the note: the proven time, or why none counts."""

    from qlvb.signing.verify_result import time_shown

    ts = getattr(status, "timestamp_validity", None)
    if ts_time is not None:
        return " " + gettext("Bảng kê được ký trước %(t)s (dấu thời gian của nơi cấp dấu thời gian tin cậy).") % {
            "t": time_shown(ts_time)
        }
    if ts is None:
        return ""
    if not ts.intact or not ts.valid:
        return " " + gettext("Dấu thời gian kèm chữ ký không hợp lệ (không khớp chữ ký); không được tính.")
    return " " + gettext("Dấu thời gian kèm chữ ký do nơi cấp không được tin cậy cấp; không được tính.")
