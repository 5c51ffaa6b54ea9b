"""Signatures (issue 4): signing and verification speed with pyHanko, against poppler's pdfsig.

Starts the test PKI of the signing tests (Certomancer: OCSP, CRL, TSA over HTTP on 127.0.0.1) and a
SoftHSM2 token, generates Quyết định PDFs of 1, 10 and 100 pages (fpdf2), then for each key kind
(PKCS#12 file, SoftHSM2 PKCS#11 token) and size measures:

  - ``pdf_sign_personal`` (signature image placed by searching the signer's name, number/date fields,
    certification) — offline: no revocation check, no timestamp (PAdES B-B); online: OCSP/CRL on
    loopback and a timestamp (PAdES B-LT);
  - ``verify_pdf`` on the signed file without network (embedded revocation data only);
  - ``pdfsig -no-ocsp`` (poppler) on the same file, as a reference (a separate process each time,
    process start included — that is how a shell script would use it).

    .venv/bin/python bench/bench_signing.py [--rounds 10]

Targets (issue 4): ≤ 150 ms to sign, ≤ 200 ms to verify a 10-page PDF, without network fetches.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")


def timed(fn: Callable[[], object], rounds: int, *, children: bool = False) -> tuple[float, float, float, object]:
    """(p50 wall seconds, operations per second, mean CPU seconds, last result) after one warm-up
    call. CPU time is this process's (``children``: the subprocesses') — less disturbed than wall
    time when other work shares the cores."""
    result = fn()
    samples = []
    cpu_start = _cpu(children)
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    cpu = (_cpu(children) - cpu_start) / rounds
    return statistics.median(samples), len(samples) / sum(samples), cpu, result


def _cpu(children: bool) -> float:
    if children:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime
    return time.process_time()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings

    from qlvb.signing import pdfsign
    from qlvb.signing.keys import Pkcs11Key, Pkcs12Key, SigningKey
    from qlvb.signing.tests import samples
    from qlvb.signing.tests.pki import P12_PASSWORD, PERSONAL, start_test_pki
    from qlvb.signing.tests.pki.softhsm import init_softhsm
    from qlvb.signing.verify import verify_pdf

    workdir = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    pki = start_test_pki(workdir / "pki")
    token = init_softhsm(
        workdir / "softhsm",
        [(PERSONAL, pki.key_pem(PERSONAL), pki.cert(PERSONAL))],
        ca_certs=[("interm", pki.cert("interm"))],
    )
    settings.QLVB_TRUST_ANCHORS_DIR = str(pki.anchors_dir())
    keys: dict[str, tuple[SigningKey, str]] = {
        "PKCS#12": (Pkcs12Key(str(pki.p12(PERSONAL))), P12_PASSWORD),
        "SoftHSM2": (Pkcs11Key(module=token.module, token_label=token.label, key_label=PERSONAL), token.pin),
    }
    documents = {pages: samples.decision_pdf(pages) for pages in (1, 10, 100)}
    image = samples.signature_png()
    pdfsig = shutil.which("pdfsig")

    print(f"rounds per figure: {args.rounds}; load average at start {os.getloadavg()[0]:.2f}")
    print(
        "| key | mode | pages | sign p50 (CPU) | signatures/s | verify p50 (CPU) | verifications/s "
        "| pdfsig p50 (CPU) | ratio wall (CPU) |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for mode in ("offline B-B", "online B-LT"):
        online = mode.startswith("online")
        settings.QLVB_SIGNING_FETCH = "1" if online else "0"
        settings.QLVB_TSA_URL = pki.tsa_url if online else ""
        for key_name, (key, pin) in keys.items():
            for pages, pdf in documents.items():

                def sign(pdf: bytes = pdf, key: SigningKey = key, pin: str = pin) -> pdfsign.SignResult:
                    return pdfsign.pdf_sign_personal(pdf=pdf, key=key, pin=pin, image_png=image)

                sign_p50, sign_rate, sign_cpu, signed = timed(sign, args.rounds)
                assert isinstance(signed, pdfsign.SignResult)
                signed_pdf = signed.pdf

                def verify(data: bytes = signed_pdf) -> dict[str, object]:
                    return verify_pdf(data, fetch=False)

                verify_p50, verify_rate, verify_cpu, report = timed(verify, args.rounds)
                assert isinstance(report, dict)
                expected = "valid" if online else "unknown"  # offline B-B: revocation not established
                assert report["verdict"] == expected, report["reasons"]
                ref = "—"
                ratio = "—"
                if pdfsig:
                    path = workdir / f"signed-{pages}.pdf"
                    path.write_bytes(signed_pdf)

                    def run_pdfsig(path: Path = path) -> int:
                        done = subprocess.run([pdfsig, "-no-ocsp", str(path)], capture_output=True, check=False)
                        return done.returncode

                    ref_p50, _rate, ref_cpu, _rc = timed(run_pdfsig, args.rounds, children=True)
                    ref = f"{ref_p50 * 1000:.0f} ms ({ref_cpu * 1000:.0f})"
                    ratio = f"{verify_p50 / ref_p50:.1f}× ({verify_cpu / ref_cpu:.1f}×)"
                print(
                    f"| {key_name} | {mode} ({signed.level}) | {pages} | {sign_p50 * 1000:.0f} ms "
                    f"({sign_cpu * 1000:.0f}) | {sign_rate:.1f} | {verify_p50 * 1000:.0f} ms ({verify_cpu * 1000:.0f}) "
                    f"| {verify_rate:.1f} | {ref} | {ratio} |",
                    flush=True,
                )
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    pki.stop()
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
