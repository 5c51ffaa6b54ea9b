"""A test PKI generated at run time and served over real HTTP on 127.0.0.1.

``start_test_pki(workdir)`` writes fresh RSA keys, builds a Certomancer configuration whose validity
dates are relative to today, and serves its OCSP responder, CRLs, certificate repository and
timestamp authority with Certomancer's Animator (a WSGI app) on a werkzeug server thread, plus the
``certomancer-csc-dummy`` remote signing service (CSC API) on a second port. The certificates carry
the real URLs of those services (AIA, CRL distribution points), so pyHanko fetches from them as it
would from a CA.

Used by the signing tests (session fixture) and by ``bench/bench_signing.py``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import x509
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, PKIArchitecture
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

ARCH = "qlvb-test"
FOREIGN_ARCH = "foreign-ca"
P12_PASSWORD = "MatKhau@123"

# Certificates a test signs with, by label. Names are Vietnamese in UTF-8, as the CA chuyên dùng issues.
PERSONAL = "hung"
AGENCY = "ubnd"
REVOKED = "binh-revoked"
EXPIRED = "cuong-expired"
FOREIGN = "dung-foreign"

_KEYS = ["root", "interm", "ocsp", "tsa", PERSONAL, AGENCY, REVOKED, EXPIRED, "root2", FOREIGN]


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _write_keys(key_dir: Path, labels: Iterable[str]) -> None:
    key_dir.mkdir(parents=True, exist_ok=True)
    for label in labels:
        path = key_dir / f"{label}.key.pem"
        if path.exists():
            continue
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def _signer_cert(issuer: str, valid_from: datetime, valid_to: datetime, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "issuer": issuer,
        "validity": {"valid-from": _iso(valid_from), "valid-to": _iso(valid_to)},
        "extensions": [
            {
                "id": "key_usage",
                "critical": True,
                "smart-value": {"schema": "key-usage", "params": ["digital_signature", "non_repudiation"]},
            },
            {
                "id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": [issuer]}},
            },
            {
                "id": "authority_information_access",
                "smart-value": {
                    "schema": "aia-urls",
                    "params": {"ocsp-responder-names": [issuer], "ca-issuer-links": [{"repo": issuer}]},
                },
            },
        ],
    }
    spec.update(extra)
    return spec


def _ca_cert(issuer: str, valid_from: datetime, valid_to: datetime, crl_repo: str | None) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = [
        {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
        {
            "id": "key_usage",
            "critical": True,
            "smart-value": {"schema": "key-usage", "params": ["digital_signature", "key_cert_sign", "crl_sign"]},
        },
    ]
    if crl_repo:
        extensions.append(
            {
                "id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": [crl_repo]}},
            }
        )
    return {
        "issuer": issuer,
        "validity": {"valid-from": _iso(valid_from), "valid-to": _iso(valid_to)},
        "extensions": extensions,
    }


def build_config(key_dir: Path, url_prefix: str, now: datetime | None = None) -> CertomancerConfig:
    now = now or datetime.now(UTC).replace(microsecond=0)
    year = timedelta(days=365)
    _write_keys(key_dir, _KEYS)
    keys = {label: {"path": f"{label}.key.pem"} for label in _KEYS}
    vn = {"country-name": "VN"}
    config: dict[str, Any] = {
        "external-url-prefix": url_prefix,
        "keysets": {"qlvb": {"path-prefix": str(key_dir), "keys": keys}},
        "pki-architectures": {
            ARCH: {
                "keyset": "qlvb",
                "entity-defaults": vn,
                "entities": {
                    "root": {
                        "organization-name": "Ban Cơ yếu Chính phủ (thử nghiệm)",
                        "common-name": "Root CA chuyên dùng thử nghiệm",
                    },
                    "interm": {
                        "organization-name": "Ban Cơ yếu Chính phủ (thử nghiệm)",
                        "common-name": "CA phục vụ các cơ quan nhà nước (thử nghiệm)",
                    },
                    "ocsp": {
                        "organization-name": "Ban Cơ yếu Chính phủ (thử nghiệm)",
                        "common-name": "OCSP thử nghiệm",
                    },
                    "tsa": {
                        "organization-name": "Ban Cơ yếu Chính phủ (thử nghiệm)",
                        "common-name": "Dịch vụ cấp dấu thời gian thử nghiệm",
                    },
                    PERSONAL: {
                        "organization-name": "UBND xã Liên Minh",
                        "locality-name": "Liên Minh",
                        "common-name": "Nguyễn Văn Hùng",
                    },
                    AGENCY: {
                        "organization-name": "UBND xã Liên Minh",
                        "locality-name": "Liên Minh",
                        "common-name": "UBND xã Liên Minh",
                    },
                    REVOKED: {"organization-name": "UBND xã Liên Minh", "common-name": "Trần Thị Bình"},
                    EXPIRED: {"organization-name": "UBND xã Liên Minh", "common-name": "Lê Văn Cường"},
                },
                "certs": {
                    "root": {
                        "subject": "root",
                        "subject-key": "root",
                        "issuer": "root",
                        "authority-key": "root",
                        **{
                            k: v
                            for k, v in _ca_cert("root", now - 5 * year, now + 20 * year, None).items()
                            if k != "issuer"
                        },
                    },
                    "interm": _ca_cert("root", now - 4 * year, now + 10 * year, "root"),
                    "ocsp": {
                        "issuer": "interm",
                        "validity": {"valid-from": _iso(now - year), "valid-to": _iso(now + 5 * year)},
                        "extensions": [
                            {
                                "id": "key_usage",
                                "critical": True,
                                "smart-value": {"schema": "key-usage", "params": ["digital_signature"]},
                            },
                            {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                            {"id": "ocsp_no_check"},
                        ],
                    },
                    "tsa": {
                        "issuer": "root",
                        "validity": {"valid-from": _iso(now - 4 * year), "valid-to": _iso(now + 10 * year)},
                        "extensions": [
                            {
                                "id": "key_usage",
                                "critical": True,
                                "smart-value": {"schema": "key-usage", "params": ["digital_signature"]},
                            },
                            {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                            {
                                "id": "crl_distribution_points",
                                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}},
                            },
                        ],
                    },
                    PERSONAL: _signer_cert("interm", now - year, now + 2 * year),
                    AGENCY: _signer_cert("interm", now - year, now + 3 * year),
                    REVOKED: _signer_cert(
                        "interm",
                        now - year,
                        now + 2 * year,
                        revocation={"revoked-since": _iso(now - timedelta(days=10)), "reason": "key_compromise"},
                    ),
                    EXPIRED: _signer_cert("interm", now - 3 * year, now - year),
                },
                "services": {
                    "ocsp": {"interm": {"for-issuer": "interm", "responder-cert": "ocsp", "signing-key": "ocsp"}},
                    "crl-repo": {
                        "root": {"for-issuer": "root", "signing-key": "root", "simulated-update-schedule": "P90D"},
                        "interm": {"for-issuer": "interm", "signing-key": "interm", "simulated-update-schedule": "P7D"},
                    },
                    "cert-repo": {
                        "root": {"for-issuer": "root", "publish-issued-certs": True},
                        "interm": {"for-issuer": "interm", "publish-issued-certs": False},
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            },
            # A CA nobody configured as a trust anchor: signatures chaining to it are from an unknown root.
            FOREIGN_ARCH: {
                "keyset": "qlvb",
                "entity-defaults": vn,
                "entities": {
                    "root2": {"organization-name": "CA lạ", "common-name": "Root CA không được tin cậy"},
                    FOREIGN: {"organization-name": "Công ty ABC", "common-name": "Phạm Văn Dũng"},
                },
                "certs": {
                    "root2": {
                        "subject": "root2",
                        "subject-key": "root2",
                        "issuer": "root2",
                        "authority-key": "root2",
                        **{
                            k: v
                            for k, v in _ca_cert("root2", now - 5 * year, now + 20 * year, None).items()
                            if k != "issuer"
                        },
                    },
                    FOREIGN: {
                        "issuer": "root2",
                        "validity": {"valid-from": _iso(now - year), "valid-to": _iso(now + 2 * year)},
                        "extensions": [
                            {
                                "id": "key_usage",
                                "critical": True,
                                "smart-value": {
                                    "schema": "key-usage",
                                    "params": ["digital_signature", "non_repudiation"],
                                },
                            },
                        ],
                    },
                },
                "services": {},
            },
        },
    }
    return CertomancerConfig(config, key_search_dir=str(key_dir))


class _LateApp:
    """WSGI app bound after the server socket exists (the URLs in the certificates need its port)."""

    def __init__(self) -> None:
        self.app: Callable[..., Any] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class TestPKI:
    """The running test PKI: its configuration, files on disk and service URLs."""

    __test__ = False  # not a pytest test class

    config: CertomancerConfig
    workdir: Path
    url: str
    csc_url: str
    _stop: list[Callable[[], None]] = field(default_factory=list)

    @property
    def arch(self) -> PKIArchitecture:
        return self.config.get_pki_arch(ArchLabel(ARCH))

    @property
    def foreign_arch(self) -> PKIArchitecture:
        return self.config.get_pki_arch(ArchLabel(FOREIGN_ARCH))

    def cert(self, label: str, arch: str = ARCH) -> x509.Certificate:
        return self.config.get_pki_arch(ArchLabel(arch)).get_cert(CertLabel(label))

    @property
    def root(self) -> x509.Certificate:
        return self.cert("root")

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    def chain(self, label: str, arch: str = ARCH) -> list[x509.Certificate]:
        pki = self.config.get_pki_arch(ArchLabel(arch))
        return [pki.get_cert(c) for c in pki.get_chain(CertLabel(label))]

    def p12(self, label: str, arch: str = ARCH, password: str = P12_PASSWORD) -> Path:
        """A PKCS#12 file with the key, the certificate and its chain (as a CA hands it out)."""
        path = self.workdir / f"{arch}-{label}.p12"
        if not path.exists():
            pki = self.config.get_pki_arch(ArchLabel(arch))
            data = pki.package_pkcs12(
                CertLabel(label),
                certs_to_embed=list(pki.get_chain(CertLabel(label))),
                password=password.encode(),
            )
            path.write_bytes(data)
        return path

    def key_pem(self, label: str) -> Path:
        return self.workdir / "keys" / f"{label}.key.pem"

    def anchors_dir(self) -> Path:
        """A trust-anchor folder holding only the test root (QLVB_TRUST_ANCHORS_DIR)."""
        path = self.workdir / "anchors"
        path.mkdir(exist_ok=True)
        (path / "root.cer").write_bytes(self.root.dump())
        return path

    def stop(self) -> None:
        for stop in reversed(self._stop):
            stop()
        self._stop.clear()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _serve_wsgi(app: _LateApp) -> tuple[BaseWSGIServer, int]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="test-pki-http", daemon=True)
    thread.start()
    return server, int(server.server_port)


def _serve_csc(config: CertomancerConfig) -> tuple[Callable[[], None], int]:
    """The CSC dummy (an aiohttp app) on its own event loop in a daemon thread."""
    from aiohttp import web
    from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

    csc = CSCWithCertomancer(config, service_params=DummyServiceParams(hash_pinning_required=True))
    csc.register_routes()
    port = _free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(csc.app)
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="test-csc-http", daemon=True)
    thread.start()
    ready.wait(10)

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    return stop, port


def start_test_pki(workdir: Path) -> TestPKI:
    workdir.mkdir(parents=True, exist_ok=True)
    late = _LateApp()
    server, port = _serve_wsgi(late)
    url = f"http://127.0.0.1:{port}"
    config = build_config(workdir / "keys", url)
    late.app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    csc_stop, csc_port = _serve_csc(config)
    pki = TestPKI(config=config, workdir=workdir, url=url, csc_url=f"http://127.0.0.1:{csc_port}")
    pki._stop.append(server.shutdown)
    pki._stop.append(csc_stop)
    return pki
