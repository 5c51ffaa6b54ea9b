"""The export package's manifest signature (``dossiers/package_signature.py``): sign and verify in the process
against one ``openssl cms -sign`` / ``openssl cms -verify`` process per manifest (what a deployment would run
if it shelled out instead).

The manifest is that of a batch of ``--docs`` documents (two files each: the original and its PDF/A, plus the
metadata: ``2 * docs + 1`` lines of ``<sha256>  <path>``), signed with a fresh RSA-2048 key and self-signed
certificate (the demo agency's seal key is RSA-2048 too). Each side is run ``--runs`` times; the figures are
the median per operation.

The signature's RFC 3161 timestamp: the same signature with the token of the demo PKI's TSA (certomancer,
served on 127.0.0.1 in a thread of this process, as ``make run`` serves it) — the round trip to a TSA on this
machine; then ``openssl cms -verify`` reads the timestamped signature and ``openssl ts -verify`` checks that
the token is over the signature value's SHA-256 and chains to the demo root.

    .venv/bin/python bench/bench_package_signature.py [--docs 1000] [--runs 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manifest_of(docs: int) -> bytes:
    lines = []
    for n in range(docs):
        for folder in ("originals", "pdfa"):
            path = f"{folder}/001_000.00.31.H42.2026.05.VX/{n + 1:03d}-01-cong-van-{n}.pdf"
            lines.append(f"{hashlib.sha256(path.encode()).hexdigest()}  {path}\n")
    lines.append(f"{hashlib.sha256(b'metadata').hexdigest()}  metadata.xml\n")
    return "".join(lines).encode()


def key_files(work: Path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(65537, 2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND xa Lien Minh (bench)")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (work / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (work / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def timed(runs: int, step) -> float:
    """Median milliseconds of ``step()`` over ``runs`` runs (one warm-up run first)."""
    step()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    openssl = shutil.which("openssl")
    if not openssl:
        print("openssl is not installed")
        return 1
    work = Path(tempfile.mkdtemp(prefix="qlvb-bench-p7s-"))
    os.environ.setdefault("QLVB_DATA_DIR", str(work))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from qlvb.dossiers.package_signature import PackageSigner, manifest_sign, signature_verify

    try:
        key, cert = key_files(work)
        signer = PackageSigner(key=key, cert=cert)
        manifest = manifest_of(args.docs)
        (work / "manifest.txt").write_bytes(manifest)
        ours_sig = manifest_sign(manifest, signer)
        sign_ms = timed(args.runs, lambda: manifest_sign(manifest, signer))
        verify_ms = timed(args.runs, lambda: signature_verify(manifest, ours_sig))
        sign_cmd = [
            openssl, "cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER", "-in", str(work / "manifest.txt"),
            "-signer", str(work / "cert.pem"), "-inkey", str(work / "key.pem"), "-out", str(work / "ssl.p7s"),
        ]  # fmt: skip
        verify_cmd = [
            openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", str(work / "ssl.p7s"),
            "-content", str(work / "manifest.txt"), "-noverify", "-out", os.devnull,
        ]  # fmt: skip
        ssl_sign_ms = timed(args.runs, lambda: subprocess.run(sign_cmd, check=True, capture_output=True))
        ssl_verify_ms = timed(args.runs, lambda: subprocess.run(verify_cmd, check=True, capture_output=True))
        # each side reads the other's signature: the same CMS form
        signature_verify(manifest, (work / "ssl.p7s").read_bytes())
        (work / "ours.p7s").write_bytes(ours_sig)
        cross = [*verify_cmd[:7], str(work / "ours.p7s"), *verify_cmd[8:]]
        subprocess.run(cross, check=True, capture_output=True)
        version = subprocess.run([openssl, "version"], capture_output=True, text=True).stdout.strip()
        tsa_ms = timestamp_figures(work, openssl, verify_cmd, manifest, signer, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = manifest.count(b"\n")
    print(f"manifest: {args.docs} documents, {lines} lines, {len(manifest) / 1024:.0f} KB; RSA-2048")
    print(f"runs: {args.runs} each (median); {version}")
    print(f"{'':8} {'qlvb (in process)':>18} {'openssl process':>16} {'ratio':>7}")
    print(f"{'sign':8} {sign_ms:15.2f} ms {ssl_sign_ms:13.2f} ms {ssl_sign_ms / sign_ms:6.1f}x")
    print(f"{'verify':8} {verify_ms:15.2f} ms {ssl_verify_ms:13.2f} ms {ssl_verify_ms / verify_ms:6.1f}x")
    print("cross-check: openssl verifies qlvb's signature and qlvb verifies openssl's: ok")
    print(f"sign + RFC 3161 timestamp (local TSA): {tsa_ms:.2f} ms")
    print("cross-check: openssl cms verifies the timestamped signature; openssl ts verifies its token: ok")
    return 0


def timestamp_figures(work: Path, openssl: str, verify_cmd: list[str], manifest: bytes, signer, runs: int) -> float:
    """Median ms of sign + timestamp against the demo TSA, and openssl's two cross-checks of the result."""
    import socket
    import ssl

    from asn1crypto import cms

    from qlvb.dossiers.package_signature import manifest_sign, signature_imprint
    from qlvb.signing.demo_pki import DemoPKI, start_services

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    pki = DemoPKI(work / "pki")
    pki.ensure([], url=f"http://127.0.0.1:{port}")
    stop = start_services(pki)
    try:
        stamped_ms = timed(runs, lambda: manifest_sign(manifest, signer, tsa_url=pki.tsa_url))
        stamped = manifest_sign(manifest, signer, tsa_url=pki.tsa_url)
    finally:
        stop()
    (work / "stamped.p7s").write_bytes(stamped)
    subprocess.run([*verify_cmd[:7], str(work / "stamped.p7s"), *verify_cmd[8:]], check=True, capture_output=True)
    signer_info = cms.ContentInfo.load(stamped)["content"]["signer_infos"][0]
    (token,) = (
        a["values"][0] for a in signer_info["unsigned_attrs"] if a["type"].native == "signature_time_stamp_token"
    )
    (work / "token.der").write_bytes(token.dump())
    root, untrusted = work / "root.pem", work / "tsa.pem"
    root.write_text(ssl.DER_cert_to_PEM_cert(pki.root.dump()))
    untrusted.write_text(ssl.DER_cert_to_PEM_cert(pki.cert("tsa").dump()))
    subprocess.run(
        [
            openssl, "ts", "-verify", "-digest", signature_imprint(stamped).hex(), "-in", str(work / "token.der"),
            "-token_in", "-CAfile", str(root), "-untrusted", str(untrusted),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return stamped_ms


if __name__ == "__main__":
    raise SystemExit(main())
