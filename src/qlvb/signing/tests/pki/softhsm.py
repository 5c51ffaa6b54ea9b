"""A SoftHSM2 token initialised in a temporary directory, holding test keys and certificates.

``SOFTHSM2_CONF`` must point at our config before the PKCS#11 module is first loaded in the process,
so call :func:`init_softhsm` early (the session fixture does).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509

SOFTHSM_MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
)
TOKEN_LABEL = "qlvb-test"
USER_PIN = "123456"
SO_PIN = "87654321"


def softhsm_module() -> str | None:
    for path in SOFTHSM_MODULE_CANDIDATES:
        if Path(path).exists():
            return path
    return None


@dataclass
class SoftHsmToken:
    module: str
    label: str
    pin: str


def init_softhsm(
    workdir: Path,
    entries: list[tuple[str, Path, x509.Certificate]],
    ca_certs: list[tuple[str, x509.Certificate]] = (),  # type: ignore[assignment]
) -> SoftHsmToken:
    """Create a token, import each (label, PKCS#8 key file, certificate) and the CA certificates (as a
    CA's USB token carries the chain), and return how to reach it."""
    module = softhsm_module()
    if module is None:
        raise RuntimeError("SoftHSM2 is not installed (apt-get install softhsm2)")
    tokens = workdir / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = workdir / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL, "--so-pin", SO_PIN, "--pin", USER_PIN],
        env=env,
        check=True,
        capture_output=True,
    )
    for index, (label, key_path, _cert) in enumerate(entries, start=1):
        subprocess.run(
            [
                "softhsm2-util",
                "--import",
                str(key_path),
                "--token",
                TOKEN_LABEL,
                "--label",
                label,
                "--id",
                f"{index:02x}",
                "--pin",
                USER_PIN,
            ],
            env=env,
            check=True,
            capture_output=True,
        )
    # softhsm2-util imports keys only; certificates go in through PKCS#11 itself.
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(module)
    token = lib.get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin=USER_PIN) as session:
        certs = [(label, cert) for label, _key_path, cert in entries] + list(ca_certs)
        for index, (label, cert) in enumerate(certs, start=1):
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: bytes([index]),
                    Attribute.SUBJECT: cert.subject.dump(),
                    Attribute.ISSUER: cert.issuer.dump(),
                    Attribute.SERIAL_NUMBER: cert["tbs_certificate"]["serial_number"].dump(),
                    Attribute.VALUE: cert.dump(),
                }
            )
    return SoftHsmToken(module=module, label=TOKEN_LABEL, pin=USER_PIN)
