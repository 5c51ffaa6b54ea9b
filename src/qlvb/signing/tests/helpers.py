"""Test helpers: signing with pyHanko directly, bypassing our refusal checks, to produce the files a
hostile or careless sender could send (expired, revoked, unknown-root signatures)."""

from __future__ import annotations

import asyncio
import hashlib
import io
from datetime import datetime

from certomancer.integrations._animator_shared import FAKE_TIME_HEADER
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper

from .pki import ARCH, P12_PASSWORD, TestPKI


def sign_raw(
    pki: TestPKI,
    label: str,
    data: bytes,
    *,
    arch: str = ARCH,
    field: str = "ChuKyNgoai",
    timestamp_at: datetime | None = None,
) -> bytes:
    """Sign with pyHanko directly. ``timestamp_at``: add a timestamp from the test TSA dated then
    (Certomancer's fake-time header), as if the file had been signed at that moment."""
    signer = signers.SimpleSigner.load_pkcs12_data(
        pki.p12(label, arch=arch).read_bytes(), other_certs=[], passphrase=P12_PASSWORD.encode()
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    timestamper = None
    if timestamp_at is not None:
        timestamper = HTTPTimeStamper(pki.tsa_url, headers={FAKE_TIME_HEADER: timestamp_at.isoformat()})
    out = io.BytesIO()
    signers.PdfSigner(meta, signer, timestamper=timestamper).sign_pdf(writer, output=out)
    return out.getvalue()


def sign_leaving_tail(pki: TestPKI, label: str, data: bytes, *, uncovered: int) -> bytes:
    """A genuine signature whose /ByteRange stops ``uncovered`` bytes before the end of its own
    revision: the tail of the file is outside what was signed."""
    signed = sign_raw(pki, label, data)
    start = signed.rindex(b"/ByteRange [") + len(b"/ByteRange ")
    end = signed.index(b"]", start) + 1
    _zero, first_len, second_off, second_len = (int(v) for v in signed[start + 1 : end - 1].split())
    new_range = b"[0 %d %d %d]" % (first_len, second_off, second_len - uncovered)
    signed = signed[:start] + new_range.ljust(end - start, b" ") + signed[end:]
    digest = hashlib.sha256(signed[:first_len] + signed[second_off : second_off + second_len - uncovered]).digest()
    signer = signers.SimpleSigner.load_pkcs12_data(
        pki.p12(label).read_bytes(), other_certs=[], passphrase=P12_PASSWORD.encode()
    )
    cms = asyncio.run(signer.async_sign(digest, "sha256", use_pades=True))
    hex_sig = cms.dump().hex().encode()
    placeholder = second_off - first_len - 2
    assert len(hex_sig) <= placeholder
    return signed[: first_len + 1] + hex_sig.ljust(placeholder, b"0") + signed[second_off - 1 :]
