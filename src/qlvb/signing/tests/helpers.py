"""Test helpers: signing with pyHanko directly, bypassing our refusal checks, to produce the files a
hostile or careless sender could send (expired, revoked, unknown-root signatures)."""

from __future__ import annotations

import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from .pki import ARCH, P12_PASSWORD, TestPKI


def sign_raw(pki: TestPKI, label: str, data: bytes, *, arch: str = ARCH, field: str = "ChuKyNgoai") -> bytes:
    signer = signers.SimpleSigner.load_pkcs12_data(
        pki.p12(label, arch=arch).read_bytes(), other_certs=[], passphrase=P12_PASSWORD.encode()
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = io.BytesIO()
    signers.PdfSigner(meta, signer).sign_pdf(writer, output=out)
    return out.getvalue()
