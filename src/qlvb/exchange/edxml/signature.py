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

**Constant memory** (docs/axis.md, "Signatures in constant memory"): the signature is the same enveloped
XML-DSig the field and signxml make and check (``Reference URI=""``, enveloped-signature + exclusive
c14n, SHA-256), but its digest is computed by streaming the package through ``c14n.canonicalise``
(expat, chunk by chunk) instead of canonicalising a tree held in memory; only the ``Signature`` element
(a few KB) is built and checked with lxml and ``cryptography``. A package signed here verifies with
signxml, and one signed by signxml verifies here (tests). A signature this streaming check does not
cover (another reference, transform or several references) falls back to signxml on the whole tree,
for packages up to ``IN_MEMORY_LIMIT`` only.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree

from ..errors import ErrorCode
from .c14n import canonicalise
from .errors import EdxmlRefused
from .model import DSIG_NS

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}
SIGNATURE_METHODS: dict[str, tuple[str, Any]] = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": ("rsa", hashes.SHA1()),  # noqa: S303  (the VPCP samples)
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": ("rsa", hashes.SHA256()),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": ("rsa", hashes.SHA384()),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": ("rsa", hashes.SHA512()),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": ("ec", hashes.SHA256()),
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": ("ec", hashes.SHA384()),
}
# A signature the streaming check does not cover is checked by signxml on the whole tree up to this size.
IN_MEMORY_LIMIT = 16 * 1024 * 1024
HEADER_LIMIT = 8 * 1024 * 1024  # the edXMLHeader ends within this many bytes (it is a few KB)
_HEADER_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?edXMLHeader\s*>")
_OLD_SIGNATURE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Signature[\s>/].*?</(?:[A-Za-z_][\w.-]*:)?Signature\s*>", re.S)

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


def package_digest(path: str | os.PathLike[str], algorithm: str = "sha256") -> tuple[bytes, Any]:
    """The digest of the package's exclusive canonical form without its ``Signature`` (what an enveloped
    ``Reference URI=""`` covers), streamed; and the package's first ``Signature`` element (or ``None``)."""
    digest = hashlib.new(algorithm)
    signature = canonicalise(path, lambda text: digest.update(text.encode("utf-8")))
    return digest.digest(), signature


def _e(parent: Any, tag: str, text: str | None = None, **attrib: str) -> Any:
    el = etree.SubElement(parent, f"{{{DSIG_NS}}}{tag}", attrib)
    if text is not None:
        el.text = text
    return el


def _raw_ecdsa(der: bytes, key: ec.EllipticCurvePrivateKey) -> bytes:
    """XML-DSig's ECDSA value is r ‖ s, each the curve's size (not DER)."""
    r, s = utils.decode_dss_signature(der)
    n = (key.curve.key_size + 7) // 8
    return r.to_bytes(n, "big") + s.to_bytes(n, "big")


def signature_element(digest: bytes, *, key: Any, certs: list[x509.Certificate]) -> Any:
    """The ``<Signature xmlns="…xmldsig#">`` over a package whose digest is ``digest`` (SHA-256), as signxml
    writes it: SignedInfo (exclusive c14n, RSA-SHA256 or ECDSA-SHA256, one enveloped reference),
    SignatureValue, the certificates in KeyInfo/X509Data."""
    is_ec = isinstance(key, ec.EllipticCurvePrivateKey)
    method = "ecdsa-sha256" if is_ec else "rsa-sha256"
    sig = etree.Element(f"{{{DSIG_NS}}}Signature", nsmap={None: DSIG_NS})
    info = _e(sig, "SignedInfo")
    _e(info, "CanonicalizationMethod", Algorithm=EXC_C14N)
    _e(info, "SignatureMethod", Algorithm=f"http://www.w3.org/2001/04/xmldsig-more#{method}")
    ref = _e(info, "Reference", URI="")
    transforms = _e(ref, "Transforms")
    _e(transforms, "Transform", Algorithm=ENVELOPED)
    _e(transforms, "Transform", Algorithm=EXC_C14N)
    _e(ref, "DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
    _e(ref, "DigestValue", base64.b64encode(digest).decode())
    signed_info = etree.tostring(info, method="c14n", exclusive=True, with_comments=False)
    if is_ec:
        value = _raw_ecdsa(key.sign(signed_info, ec.ECDSA(hashes.SHA256())), key)
    else:
        value = key.sign(signed_info, padding.PKCS1v15(), hashes.SHA256())
    _e(sig, "SignatureValue", base64.b64encode(value).decode())
    data = _e(_e(sig, "KeyInfo"), "X509Data")
    for cert in certs:
        der = cert.public_bytes(serialization.Encoding.DER)
        _e(data, "X509Certificate", base64.encodebytes(der).decode())
    return sig


def _header_part(src: str | os.PathLike[str]) -> bytes:
    """The package's bytes up to (not including) the end tag of ``edXMLHeader``."""
    head = b""
    with open(src, "rb") as fh:
        while len(head) < HEADER_LIMIT and (chunk := fh.read(64 * 1024)):
            head += chunk
            match = _HEADER_END.search(head, max(0, len(head) - len(chunk) - 64))
            if match is not None:
                return head[: match.start()]
    raise EdxmlRefused("Gói tin thiếu edXMLHeader: không ký được", code=ErrorCode.NO_HEADER)


def _copy_replacing_head(src: str | os.PathLike[str], dst: str | os.PathLike[str], head: bytes, skip: int) -> None:
    """Write ``head`` then ``src`` from byte ``skip`` on to ``dst`` (atomically; ``dst`` may be ``src``)."""
    tmp = Path(dst).with_name(f".{Path(dst).name}.part")
    try:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            fout.write(head)
            fin.seek(skip)
            shutil.copyfileobj(fin, fout, 1024 * 1024)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def sign_package(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    *,
    key_path: str | os.PathLike[str],
    cert_path: str | os.PathLike[str] | None = None,
    password: str | None = None,
) -> None:
    """Sign the package at ``src`` with the agency key and write it to ``dst`` (may be ``src``), in
    constant memory: a signature already in the header is replaced."""
    key, certs = load_signing_key(key_path, cert_path=cert_path, password=password)
    head = _header_part(src)
    with tempfile.TemporaryDirectory(prefix="edxml-sign-", dir=Path(dst).parent) as tmp:
        source: str | os.PathLike[str] = src
        if _OLD_SIGNATURE.search(head):  # an earlier signature: the package without it is what is signed
            source = Path(tmp) / "unsigned.edxml"
            _copy_replacing_head(src, source, _OLD_SIGNATURE.sub(b"", head), len(head))
            head = _OLD_SIGNATURE.sub(b"", head)
        digest, _old = package_digest(source)
        signature = etree.tostring(signature_element(digest, key=key, certs=certs), encoding="unicode")
        _copy_replacing_head(source, dst, head + signature.encode("utf-8"), len(head))


def verify_package(path: str | os.PathLike[str]) -> SignatureVerdict:
    """Check the XML-DSig signature of the package at ``path`` (see the module docstring), streamed."""
    try:
        digest_by: dict[str, bytes] = {}
        digest, sig = package_digest(path)
        digest_by["sha256"] = digest
    except EdxmlRefused as exc:
        return SignatureVerdict("invalid", exc.message)
    if sig is None:
        others = _non_dsig_signature(path)
        if others:
            return SignatureVerdict(
                "dummy", "Chữ ký số của gói tin không thuộc không gian tên XML-DSig (chữ ký mẫu): không kiểm tra được"
            )
        return SignatureVerdict("absent", "Gói tin không có chữ ký số XML (Signature)")
    cert_el = sig.find(f".//{{{DSIG_NS}}}X509Certificate")
    if cert_el is None or not (cert_el.text or "").strip():
        return SignatureVerdict("dummy", "Chữ ký số không kèm chứng thư số: không kiểm tra được")
    try:
        cert = x509.load_der_x509_certificate(base64.b64decode("".join((cert_el.text or "").split())))
    except ValueError:
        return SignatureVerdict("dummy", "Chứng thư số trong chữ ký bị cắt cụt hoặc hỏng (chữ ký mẫu)")
    signer = cert.subject.rfc4514_string()
    plan = _streamable(sig)
    if plan is None:
        return _verify_in_memory(path, cert, signer)
    c14n_method, method, digest_name, expected = plan
    if digest_name not in digest_by:
        digest_by[digest_name], _sig = package_digest(path, digest_name)
    try:
        _check_signed_info(sig, cert, c14n_method=c14n_method, method=method)
    except (InvalidSignatureError, ValueError, TypeError) as exc:
        return SignatureVerdict("invalid", f"Chữ ký số không hợp lệ: chữ ký sai ({exc})", signer)
    if digest_by[digest_name] != expected:
        return SignatureVerdict("invalid", "Chữ ký số không hợp lệ: gói tin đã bị thay đổi sau khi ký", signer)
    return SignatureVerdict("valid", "Chữ ký số hợp lệ (khớp chứng thư số đi kèm)", signer)


class InvalidSignatureError(Exception):
    pass


def _non_dsig_signature(path: str | os.PathLike[str]) -> bool:
    """A ``Signature`` outside the XML-DSig namespace in the header (the SDK samples' placeholder)."""
    try:
        head = _header_part(path)
    except EdxmlRefused:
        return False
    return _OLD_SIGNATURE.search(head) is not None


def _streamable(sig: Any) -> tuple[str, str, str, bytes] | None:
    """(c14n method of SignedInfo, signature method, digest name, digest value) when the signature is one
    enveloped ``Reference URI=""`` with exclusive c14n — what the streaming check covers; else ``None``."""
    d = f"{{{DSIG_NS}}}"
    info = sig.find(f"{d}SignedInfo")
    if info is None:
        return None
    refs = info.findall(f"{d}Reference")
    c14n = info.find(f"{d}CanonicalizationMethod")
    method = info.find(f"{d}SignatureMethod")
    if len(refs) != 1 or c14n is None or method is None or refs[0].get("URI") != "":
        return None
    transforms = [t.get("Algorithm") for t in refs[0].findall(f"{d}Transforms/{d}Transform")]
    digest_method = refs[0].find(f"{d}DigestMethod")
    value = refs[0].find(f"{d}DigestValue")
    if transforms not in ([ENVELOPED, EXC_C14N], [EXC_C14N, ENVELOPED]) or digest_method is None or value is None:
        return None
    digest_name = DIGESTS.get(digest_method.get("Algorithm") or "")
    if digest_name is None or method.get("Algorithm") not in SIGNATURE_METHODS:
        return None
    try:
        expected = base64.b64decode("".join((value.text or "").split()), validate=True)
    except ValueError:
        return None
    return c14n.get("Algorithm") or "", method.get("Algorithm") or "", digest_name, expected


def _check_signed_info(sig: Any, cert: x509.Certificate, *, c14n_method: str, method: str) -> None:
    """The SignatureValue checks against SignedInfo, canonicalised as it says, with the certificate's key."""
    d = f"{{{DSIG_NS}}}"
    info = sig.find(f"{d}SignedInfo")
    value_el = sig.find(f"{d}SignatureValue")
    if value_el is None:
        raise InvalidSignatureError("thiếu SignatureValue")
    exclusive = c14n_method.startswith(EXC_C14N[:-1])
    with_comments = c14n_method.endswith("WithComments")
    if not exclusive and not c14n_method.startswith("http://www.w3.org/TR/2001/REC-xml-c14n-20010315"):
        raise InvalidSignatureError(f"phương thức chuẩn hóa không hỗ trợ: {c14n_method}")
    data = etree.tostring(info, method="c14n", exclusive=exclusive, with_comments=with_comments)
    value = base64.b64decode("".join((value_el.text or "").split()))
    kind, algorithm = SIGNATURE_METHODS[method]
    public = cert.public_key()
    try:
        if kind == "rsa" and isinstance(public, rsa.RSAPublicKey):
            public.verify(value, data, padding.PKCS1v15(), algorithm)
        elif kind == "ec" and isinstance(public, ec.EllipticCurvePublicKey):
            n = len(value) // 2
            der = utils.encode_dss_signature(int.from_bytes(value[:n], "big"), int.from_bytes(value[n:], "big"))
            public.verify(der, data, ec.ECDSA(algorithm))
        else:
            raise InvalidSignatureError("khóa của chứng thư số không khớp phương thức ký")
    except InvalidSignature as exc:
        raise InvalidSignatureError("giá trị chữ ký không khớp SignedInfo") from exc


def _verify_in_memory(path: str | os.PathLike[str], cert: x509.Certificate, signer: str) -> SignatureVerdict:
    """A signature the streaming check does not cover: signxml on the whole tree, small packages only."""
    from signxml import SignatureConfiguration, XMLVerifier
    from signxml.algorithms import DigestAlgorithm, SignatureMethod
    from signxml.exceptions import InvalidInput
    from signxml.exceptions import InvalidSignature as SignxmlInvalid

    if Path(path).stat().st_size > IN_MEMORY_LIMIT:
        return SignatureVerdict(
            "invalid",
            "Chữ ký số dùng cách tham chiếu hoặc biến đổi không hỗ trợ cho gói tin lớn: không kiểm tra được",
            signer,
        )
    try:
        tree = _load(path)
    except EdxmlRefused as exc:
        return SignatureVerdict("invalid", exc.message, signer)
    config = SignatureConfiguration(
        signature_methods=frozenset(SignatureMethod),
        digest_algorithms=frozenset(DigestAlgorithm),
        expect_references=1,
    )
    try:
        XMLVerifier().verify(tree.getroot(), x509_cert=cert, expect_config=config)
    except (SignxmlInvalid, InvalidInput) as exc:
        return SignatureVerdict(
            "invalid", f"Chữ ký số không hợp lệ: gói tin đã bị thay đổi hoặc chữ ký sai ({exc})", signer
        )
    except Exception as exc:  # signxml raises assorted errors on malformed signatures
        return SignatureVerdict("invalid", f"Chữ ký số không kiểm tra được ({exc.__class__.__name__}: {exc})", signer)
    return SignatureVerdict("valid", "Chữ ký số hợp lệ (khớp chứng thư số đi kèm)", signer)
