"""The signature over an export package's manifest: ``manifest-sha256.txt.p7s``, a detached CMS (PKCS#7)
SignedData over the bytes of ``manifest-sha256.txt``, made with the agency's key.

The manifest names the SHA-256 of every other entry, so a signature over the manifest covers the whole
package: a file changed *and* its manifest line rewritten no longer passes (before this, only the ZIP's
SHA-256 recorded by the exporting side could tell).

The key, in this order:

1. ``QLVB_PACKAGE_KEY_FILE`` (PEM or PKCS#12) with ``QLVB_PACKAGE_CERT_FILE`` (PEM; optional when the key
   file holds the certificate) and ``QLVB_PACKAGE_KEY_PASSWORD``;
2. the agency's own signing profile (``signing.models.SigningProfile`` of the agency, a PKCS#12 uploaded or
   on the server's key folder) — the seal key that ``qlvb demo`` / ``make run`` creates for the demo
   agencies — opened with ``QLVB_PACKAGE_KEY_PASSWORD``, or the demo password when that is empty;
3. none: the package is written unsigned (logged), and an import that requires a signature
   (``QLVB_PACKAGE_REQUIRE_SIGNATURE``) refuses it.

The signature's timestamp: when a timestamp authority is configured (``QLVB_TSA_URL``, the same TSA as the PDF
signatures'; ``make run`` serves the demo one), an RFC 3161 token over the signature value is added to the
signer's unsigned attributes (``id-aa-signatureTimeStampToken``, as CAdES-T does). It proves the manifest was
signed no later than the TSA's time, so the importing side can judge the signer's certificate at that time
(``package_trust``): a certificate that expired or was revoked *after* the timestamp still vouches for the
package, as for a timestamped PDF (TT 41/2017). A TSA that does not answer leaves the package signed without a
timestamp (logged), never unexported.

Verification (:func:`signature_verify`) checks the CMS structure, that the signed ``message-digest`` is the
SHA-256 of the manifest and that the signature verifies with the certificate it carries (pyHanko's
``validate_sig_integrity``). The subject and the
certificate's SHA-256 are shown and recorded, and ``package_trust.signer_trust`` asks whether the certificate
chains to the deployment's trust anchors and is not revoked (OCSP/CRL), as the PDF signatures' verification does."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

from qlvb.core.errors import ValidationFailed
from qlvb.directory.models import Unit

from .errors import ErrorCode

log = logging.getLogger(__name__)

SIGNATURE = "manifest-sha256.txt.p7s"
SIGNATURE_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class PackageSigner:
    key: Any  # an RSA or EC private key of ``cryptography``
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    source: str = ""  # "settings" or "agency"


@dataclass(frozen=True)
class SignatureInfo:
    """A valid signature: who signed (the certificate's subject) and the certificate's SHA-256; at import, whether
    that certificate is trusted here (``package_trust.Trust``) with the sentence saying why."""

    subject: str
    cert_sha256: str
    timestamp: datetime | None = None  # the TSA's time: read from the token (export), trusted TSA only (import)
    trust: str = ""  # empty: not asked (the exporting side)
    trust_note: str = ""

    @property
    def label(self) -> str:
        return self.subject


def subject_label(cert: x509.Certificate) -> str:
    """ "<CN>, <O>" of a certificate (the RFC 4514 string when it has no CN)."""
    parts = [
        str(a.value)
        for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME)
        for a in cert.subject.get_attributes_for_oid(oid)
    ]
    return ", ".join(dict.fromkeys(parts)) or cert.subject.rfc4514_string()


# --- The key ---------------------------------------------------------------------------------------------------


def _password() -> bytes | None:
    value = getattr(settings, "QLVB_PACKAGE_KEY_PASSWORD", "")
    return value.encode() if value else None


def _from_pkcs12(data: bytes, password: bytes | None, source: str) -> PackageSigner:
    key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    if key is None or cert is None:
        raise ValueError("PKCS#12 without a key and its certificate")
    return PackageSigner(key=key, cert=cert, chain=tuple(extra), source=source)


def _from_files(key_path: Path, cert_path: Path | None, password: bytes | None) -> PackageSigner:
    data = key_path.read_bytes()
    if b"-----BEGIN" not in data:
        return _from_pkcs12(data, password, "settings")
    key = serialization.load_pem_private_key(data, password=password)
    certs = x509.load_pem_x509_certificates(cert_path.read_bytes() if cert_path else data)
    return PackageSigner(key=key, cert=certs[0], chain=tuple(certs[1:]), source="settings")


def _from_agency(agency: Unit) -> PackageSigner | None:
    from qlvb.signing.keys import KeyMethod
    from qlvb.signing.models import SigningProfile

    profile = SigningProfile.objects.filter(agency=agency, method=KeyMethod.PKCS12).first()
    if profile is None:
        return None
    data = bytes(profile.pkcs12_data or b"")
    if not data and profile.pkcs12_path:
        data = Path(profile.pkcs12_path).read_bytes()
    if not data:
        return None
    password = _password() or settings.QLVB_DEMO_PASSWORD.encode()
    return _from_pkcs12(data, password, "agency")


def package_signer(agency: Unit | None) -> PackageSigner | None:
    """The key that signs this agency's packages (module docstring), or None: written unsigned."""
    key_file = getattr(settings, "QLVB_PACKAGE_KEY_FILE", "")
    if key_file:
        cert_file = getattr(settings, "QLVB_PACKAGE_CERT_FILE", "")
        # A configured key that cannot be read is an error of the deployment: the package fails with the reason.
        return _from_files(Path(key_file), Path(cert_file) if cert_file else None, _password())
    if agency is None:
        return None
    try:
        return _from_agency(agency)
    except (ValueError, OSError) as exc:
        log.warning("agency %s: its signing profile's PKCS#12 does not open (%s); package unsigned", agency.pk, exc)
        return None


# --- Signing and verifying -------------------------------------------------------------------------------------


def manifest_sign(manifest: bytes, signer: PackageSigner, *, tsa_url: str | None = None) -> bytes:
    """The detached CMS (DER) over ``manifest``: SHA-256, the signer's certificate and chain included, and the
    TSA's timestamp over the signature when a TSA is configured (``tsa_url``, by default ``QLVB_TSA_URL``)."""
    from qlvb.signing import conf

    builder = pkcs7.PKCS7SignatureBuilder().set_data(manifest).add_signer(signer.cert, signer.key, hashes.SHA256())
    for cert in signer.chain:
        builder = builder.add_certificate(cert)
    der = builder.sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    url = conf.tsa_url() if tsa_url is None else tsa_url
    if not url:
        return der
    try:
        return timestamp_add(der, url)
    except Exception as exc:  # the TSA is down or answers nonsense: the package stays signed, without the time
        log.warning("TSA %s gave no timestamp for a package's manifest signature (%r); signed without one", url, exc)
        return der


def timestamp_add(signature: bytes, tsa_url: str) -> bytes:
    """``signature`` (a CMS with one signer) with the TSA's RFC 3161 token over its signature value added."""
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

    from qlvb.core.coroutines import run_sync
    from qlvb.signing import conf

    stamper = HTTPTimeStamper(tsa_url, timeout=conf.fetch_timeout())
    token = run_sync(stamper.async_timestamp(signature_imprint(signature), "sha256"))
    return token_attach(signature, token)


def signature_imprint(signature: bytes) -> bytes:
    """What the timestamp covers: the SHA-256 of the signer's signature value (RFC 3161 Appendix A)."""
    signer_info = asn1_cms.ContentInfo.load(signature)["content"]["signer_infos"][0]
    return hashlib.sha256(signer_info["signature"].native).digest()


def token_attach(signature: bytes, token: asn1_cms.ContentInfo) -> bytes:
    """``signature`` with ``token`` as its signer's ``signature_time_stamp_token`` unsigned attribute. The signed
    attributes keep their bytes: the signature stays valid."""
    info = asn1_cms.ContentInfo.load(signature)
    signed = info["content"]
    signer_info = signed["signer_infos"][0]
    signer_info["unsigned_attrs"] = asn1_cms.CMSAttributes(
        [asn1_cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]})]
    )
    # Each level set again so that its encoding is rebuilt; the untouched fields keep their original bytes.
    signed["signer_infos"] = asn1_cms.SignerInfos([signer_info])
    return asn1_cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()


def timestamp_time(signature: bytes) -> datetime | None:
    """The time in the signature's timestamp token, as the token says (not checked: the export shows it; the
    import trusts only what ``package_trust`` validated); None when there is none."""
    from asn1crypto import tsp

    try:
        signer_info = asn1_cms.ContentInfo.load(signature)["content"]["signer_infos"][0]
        for attr in signer_info["unsigned_attrs"] or []:
            if attr["type"].native == "signature_time_stamp_token":
                token = attr["values"][0]
                content = token["content"]["encap_content_info"]["content"]
                gen_time: datetime = tsp.TSTInfo.load(content.parsed.dump())["gen_time"].native
                return gen_time
    except Exception:
        return None
    return None


def _bad(reason: str) -> ValidationFailed:
    return ValidationFailed(
        f"Chữ ký số của bảng kê SHA-256 ({SIGNATURE}) không hợp lệ: {reason}; không nhập gì.",
        code=ErrorCode.PACKAGE_SIGNATURE,
    )


def _signer_cert(signed: asn1_cms.SignedData, signer_info: asn1_cms.SignerInfo) -> asn1_x509.Certificate:
    sid = signer_info["sid"]
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if cert.issuer == wanted["issuer"] and cert.serial_number == wanted["serial_number"].native:
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    raise _bad("gói không kèm chứng thư số của người ký")


def signature_verify(manifest: bytes, signature: bytes) -> SignatureInfo:
    """Check ``signature`` (a detached CMS) over ``manifest``; raises ``ValidationFailed``
    (``package_signature``) with the reason in Vietnamese."""
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    try:
        info = asn1_cms.ContentInfo.load(signature)
        if info["content_type"].native != "signed_data":
            raise _bad("tệp chữ ký không phải CMS SignedData")
        signed = info["content"]
        signer_infos = list(signed["signer_infos"])
        if len(signer_infos) != 1:
            raise _bad("tệp chữ ký phải có đúng một người ký")
        signer_info = signer_infos[0]
        cert = _signer_cert(signed, signer_info)
        algorithm = signer_info["digest_algorithm"]["algorithm"].native
        if algorithm not in ("sha256", "sha384", "sha512"):
            raise _bad(f"thuật toán băm “{algorithm}” không được chấp nhận")
        digest = hashlib.new(algorithm, manifest).digest()
        intact, valid = validate_sig_integrity(signer_info, cert, "data", digest)
    except ValidationFailed:
        raise
    except Exception as exc:  # asn1crypto/pyHanko parse and crypto errors: the file is not a usable CMS
        log.info("package signature unreadable: %r", exc)
        raise _bad("không đọc được tệp chữ ký") from None
    if not intact:
        raise _bad("bảng kê đã bị thay đổi sau khi ký")
    if not valid:
        raise _bad("chữ ký không khớp với chứng thư số kèm theo (sai khóa)")
    crypto_cert = x509.load_der_x509_certificate(cert.dump())
    return SignatureInfo(subject=subject_label(crypto_cert), cert_sha256=hashlib.sha256(cert.dump()).hexdigest())


def signature_required() -> bool:
    return bool(getattr(settings, "QLVB_PACKAGE_REQUIRE_SIGNATURE", False))


def unsigned_refusal() -> ValidationFailed:
    return ValidationFailed(
        f"Gói hồ sơ không có chữ ký số của bảng kê SHA-256 ({SIGNATURE}) mà hệ thống này yêu cầu gói phải được "
        "ký; không nhập gì.",
        code=ErrorCode.PACKAGE_UNSIGNED,
    )
