"""Certificates: trust anchors from the configured folder, validation contexts, the check a signer's
certificate must pass before signing, and names read from a certificate (Vietnamese, UTF-8)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from asn1crypto import pem, x509
from django.utils.translation import gettext as _
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

from . import conf
from .errors import ErrorCode
from .keys import SigningRefused

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_ANCHOR_SUFFIXES = {".cer", ".crt", ".pem", ".der"}


def load_certificates(data: bytes) -> list[x509.Certificate]:
    if pem.detect(data):
        return [x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


def trust_anchors(directory: Path | None = None) -> list[x509.Certificate]:
    """Every certificate in the trust-anchor folder (unreadable files are skipped)."""
    directory = directory or conf.trust_anchors_dir()
    if not directory.is_dir():
        return []
    anchors: list[x509.Certificate] = []
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in _ANCHOR_SUFFIXES:
            continue
        try:
            anchors.extend(load_certificates(path.read_bytes()))
        except (ValueError, OSError):
            continue
    return anchors


def validation_context(
    *,
    fetch: bool,
    other_certs: Iterable[x509.Certificate] = (),
    crls: Iterable[Any] = (),
    ocsps: Iterable[Any] = (),
    moment: datetime | None = None,
    revocation_mode: str = "soft-fail",
) -> ValidationContext:
    kwargs: dict[str, Any] = {}
    if fetch:
        kwargs["fetcher_backend"] = RequestsFetcherBackend(per_request_timeout=conf.fetch_timeout())
    return ValidationContext(
        trust_roots=trust_anchors(),
        other_certs=list(other_certs),
        crls=list(crls),
        ocsps=list(ocsps),
        allow_fetching=fetch,
        revocation_mode=revocation_mode,
        moment=moment,
        retroactive_revinfo=moment is not None,
        **kwargs,
    )


def name_attr(name: x509.Name, attr: str) -> str:
    native = name.native
    value = native.get(attr, "")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value or "")


def describe(cert: x509.Certificate) -> dict[str, str]:
    """Who a certificate names, for a report: common name, organisation, issuer, serial, validity."""
    return {
        "ten": name_attr(cert.subject, "common_name"),
        "to_chuc": name_attr(cert.subject, "organization_name"),
        "don_vi": name_attr(cert.subject, "organizational_unit_name"),
        "noi_cap": name_attr(cert.issuer, "common_name"),
        "so_hieu": format(cert.serial_number, "x"),
        "hieu_luc_tu": cert.not_valid_before.astimezone(VN_TZ).isoformat(),
        "hieu_luc_den": cert.not_valid_after.astimezone(VN_TZ).isoformat(),
    }


def vn_date(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y")


async def check_signer_certificate(
    cert: x509.Certificate,
    chain: Iterable[x509.Certificate] = (),
    *,
    now: datetime | None = None,
    fetch: bool = True,
) -> ValidationContext:
    """Refuse to sign with a certificate that is expired, not yet valid, revoked or from an
    untrusted CA. Revocation is checked online (OCSP/CRL) when reachable; when not, signing goes
    ahead (the verifier will state what it could establish). Returns the validation context, which
    holds the revocation data fetched, for embedding (PAdES B-LT)."""
    chain = list(chain)
    now = now or datetime.now(UTC)
    who = name_attr(cert.subject, "common_name")
    if cert.not_valid_after < now:
        raise SigningRefused(
            _("Chứng thư số của %(who)s đã hết hạn ngày %(date)s; không thể ký.")
            % {"who": who, "date": vn_date(cert.not_valid_after)},
            code=ErrorCode.CERT_EXPIRED,
        )
    if cert.not_valid_before > now:
        raise SigningRefused(
            _("Chứng thư số của %(who)s chưa có hiệu lực (từ ngày %(date)s); không thể ký.")
            % {"who": who, "date": vn_date(cert.not_valid_before)},
            code=ErrorCode.CERT_NOT_YET_VALID,
        )
    context = validation_context(fetch=fetch, other_certs=chain)
    validator = CertificateValidator(cert, intermediate_certs=list(chain), validation_context=context)
    try:
        await validator.async_validate_usage({"non_repudiation"})
    except cv_errors.RevokedError as exc:
        raise SigningRefused(
            _("Chứng thư số của %(who)s đã bị thu hồi; không thể ký.") % {"who": who}, code=ErrorCode.CERT_REVOKED
        ) from exc
    except cv_errors.ExpiredError as exc:
        raise SigningRefused(
            _("Chứng thư số của %(who)s hoặc của tổ chức cấp đã hết hạn; không thể ký.") % {"who": who},
            code=ErrorCode.CERT_EXPIRED,
        ) from exc
    except cv_errors.PathBuildingError as exc:
        raise SigningRefused(
            _(
                "Chứng thư số của %(who)s không do tổ chức chứng thực được tin cậy cấp "
                "(không có trong danh sách chứng thư gốc đã cấu hình); không thể ký."
            )
            % {"who": who},
            code=ErrorCode.CERT_UNTRUSTED,
        ) from exc
    except cv_errors.InvalidCertificateError as exc:
        raise SigningRefused(
            _("Chứng thư số của %(who)s không dùng được để ký số văn bản.") % {"who": who},
            code=ErrorCode.CERT_UNUSABLE,
        ) from exc
    except cv_errors.PathValidationError as exc:
        raise SigningRefused(
            _("Chứng thư số của %(who)s không hợp lệ: %(reason)s") % {"who": who, "reason": str(exc)},
            code=ErrorCode.CERT_INVALID,
        ) from exc
    return context
