"""XML-DSig on edXML packages (regulations.md §3.5), with signxml.

``sign_package`` signs a package with the agency's key (PEM or PKCS#12 file given by the caller):
an enveloped signature over the whole package (``Reference URI=""``, enveloped-signature +
exclusive c14n transforms), RSA-SHA256 (ECDSA-SHA256 for an EC key), the certificate in
``KeyInfo/X509Data``, placed as ``<Signature xmlns="…xmldsig#">`` at the end of ``edXMLHeader``
as in the VPCP samples.

``verify_package`` returns a :class:`SignatureVerdict`: ``valid`` (the signature checks against the
certificate it carries — who that certificate belongs to, and whether it chains to a trusted CA, is
the caller's business: the legally relevant signatures are those on the PDF files), ``invalid``
(it does not check: the package was altered), ``absent``, or ``dummy`` (the SDK samples: a
Signature outside the XML-DSig namespace or with a truncated certificate) — the last two are
warnings, never refusals.

Both load the whole package into memory (XML-DSig canonicalises the whole document): a 50 MB
package costs a few hundred MB while it is signed or checked; parsing (``parse.py``) stays streamed.
"""

from __future__ import annotations

import base64
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree

from ..errors import ErrorCode
from .errors import EdxmlRefused
from .model import DSIG_NS, NS

Verdict = Literal["valid", "invalid", "absent", "dummy"]


@dataclass(frozen=True)
class SignatureVerdict:
    verdict: Verdict
    message: str
    signer: str = ""

    @property
    def is_warning(self) -> bool:
        return self.verdict != "valid"


def _parser() -> etree.XMLParser:
    # the text of a 50 MB attachment is one 67 MB text node: huge_tree is needed here; entities
    # are never resolved, no DTD or network (and a DOCTYPE is refused below)
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def _load(path: str | os.PathLike[str]) -> Any:
    try:
        tree = etree.parse(str(path), _parser())
    except (etree.XMLSyntaxError, OSError) as exc:
        raise EdxmlRefused(f"Không đọc được gói tin để ký/kiểm tra chữ ký ({exc})", code=ErrorCode.UNREADABLE) from None
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise EdxmlRefused("Gói tin có khai báo DOCTYPE: bị từ chối vì lý do an toàn", code=ErrorCode.DOCTYPE)
    return tree


def load_signing_key(
    key_path: str | os.PathLike[str],
    *,
    cert_path: str | os.PathLike[str] | None = None,
    password: str | None = None,
) -> tuple[Any, list[x509.Certificate]]:
    """The private key and certificate chain from a PKCS#12 file (.p12/.pfx) or PEM file(s).

    Read once per state of the files (path, size, modification time): the outbox signs one package per
    outside recipient, and decoding the key (PKCS#12's key derivation) cost ~80 ms each time — most of
    building a package. A replaced key or certificate file is read again."""
    return _signing_key_cached(_file_state(key_path), _file_state(cert_path) if cert_path else None, password)


def _file_state(path: str | os.PathLike[str]) -> tuple[str, int, int]:
    resolved = Path(path).resolve()
    try:
        stat = resolved.stat()
    except OSError:
        return (str(resolved), -1, -1)  # read (and refused) by the loader
    return (str(resolved), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _signing_key_cached(
    key_file: tuple[str, int, int], cert_file: tuple[str, int, int] | None, password: str | None
) -> tuple[Any, list[x509.Certificate]]:
    key_path, cert_path = key_file[0], cert_file[0] if cert_file else None
    data = Path(key_path).read_bytes()
    pw = password.encode() if password else None
    if Path(key_path).suffix.lower() in (".p12", ".pfx"):
        key, cert, extra = pkcs12.load_key_and_certificates(data, pw)
        if key is None or cert is None:
            raise EdxmlRefused("Tệp PKCS#12 không có khóa bí mật hoặc chứng thư số", code=ErrorCode.BAD_KEY)
        return key, [cert, *extra]
    key = serialization.load_pem_private_key(data, pw)
    cert_data = Path(cert_path).read_bytes() if cert_path else data
    certs = x509.load_pem_x509_certificates(cert_data) if b"BEGIN CERTIFICATE" in cert_data else []
    if not certs:
        raise EdxmlRefused("Thiếu chứng thư số (PEM) đi kèm khóa ký", code=ErrorCode.BAD_KEY)
    return key, certs


def sign_package(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    *,
    key_path: str | os.PathLike[str],
    cert_path: str | os.PathLike[str] | None = None,
    password: str | None = None,
) -> None:
    """Sign the package at ``src`` with the agency key and write it to ``dst`` (may be ``src``)."""
    from signxml import XMLSigner, methods

    key, certs = load_signing_key(key_path, cert_path=cert_path, password=password)
    tree = _load(src)
    root = tree.getroot()
    header = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader")
    if header is None:
        raise EdxmlRefused("Gói tin thiếu edXMLHeader: không ký được", code=ErrorCode.NO_HEADER)
    for old in header.findall("{*}Signature"):
        header.remove(old)
    placeholder = etree.SubElement(header, f"{{{DSIG_NS}}}Signature", nsmap={None: DSIG_NS})
    placeholder.set("Id", "placeholder")
    algorithm = "ecdsa-sha256" if isinstance(key, ec.EllipticCurvePrivateKey) else "rsa-sha256"
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=algorithm,
        digest_algorithm="sha256",
        c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#",
    )
    signer.namespaces = {None: DSIG_NS}  # type: ignore[dict-item]
    signed = signer.sign(root, key=key, cert=certs)
    sig = signed.find(f".//{{{DSIG_NS}}}Signature")
    if sig is not None and sig.get("Id") == "placeholder":
        del sig.attrib["Id"]  # outside SignedInfo: not covered by the signature
    tmp = Path(dst).with_name(f".{Path(dst).name}.part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def verify_package(path: str | os.PathLike[str]) -> SignatureVerdict:
    """Check the XML-DSig signature of the package at ``path`` (see the module docstring)."""
    from signxml import SignatureConfiguration, XMLVerifier
    from signxml.algorithms import DigestAlgorithm, SignatureMethod
    from signxml.exceptions import InvalidInput, InvalidSignature

    try:
        tree = _load(path)
    except EdxmlRefused as exc:
        return SignatureVerdict("invalid", exc.message)
    root = tree.getroot()
    sigs = [el for el in root.iter("{*}Signature") if isinstance(el.tag, str)]
    if not sigs:
        return SignatureVerdict("absent", "Gói tin không có chữ ký số XML (Signature)")
    sig = sigs[0]
    if etree.QName(sig).namespace != DSIG_NS:
        return SignatureVerdict(
            "dummy", "Chữ ký số của gói tin không thuộc không gian tên XML-DSig (chữ ký mẫu): không kiểm tra được"
        )
    cert_el = sig.find(f".//{{{DSIG_NS}}}X509Certificate")
    if cert_el is None or not (cert_el.text or "").strip():
        return SignatureVerdict("dummy", "Chữ ký số không kèm chứng thư số: không kiểm tra được")
    try:
        cert = x509.load_der_x509_certificate(base64.b64decode("".join((cert_el.text or "").split())))
    except ValueError:
        return SignatureVerdict("dummy", "Chứng thư số trong chữ ký bị cắt cụt hoặc hỏng (chữ ký mẫu)")
    signer = cert.subject.rfc4514_string()
    config = SignatureConfiguration(
        signature_methods=frozenset(SignatureMethod),
        digest_algorithms=frozenset(DigestAlgorithm),
        expect_references=1,
    )
    try:
        XMLVerifier().verify(root, x509_cert=cert, expect_config=config)
    except (InvalidSignature, InvalidInput) as exc:
        return SignatureVerdict(
            "invalid", f"Chữ ký số không hợp lệ: gói tin đã bị thay đổi hoặc chữ ký sai ({exc})", signer
        )
    except Exception as exc:  # signxml raises assorted errors on malformed signatures
        return SignatureVerdict("invalid", f"Chữ ký số không kiểm tra được ({exc.__class__.__name__}: {exc})", signer)
    return SignatureVerdict("valid", "Chữ ký số hợp lệ (khớp chứng thư số đi kèm)", signer)
