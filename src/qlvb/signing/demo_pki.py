"""The demo PKI (``qlvb demo``): a test certification authority generated on the machine, so that the
outgoing flow signs on the first ``make run`` with nothing done by hand.

* a root CA named :data:`DEMO_CA_NAME` ("qlvb DEMO CA — không dùng thật"); every verification report
  whose chain ends at it says that it is the demo CA (``verify.py``);
* an OCSP responder, CRLs and a timestamp authority (RFC 3161), served by Certomancer's Animator, and
  the ``certomancer-csc-dummy`` remote signing service (CSC API v1), both started by ``qlvb serve``
  (:func:`serve_forever`) on ``QLVB_DEMO_PKI_URL`` (default ``http://127.0.0.1:8790``) and
  ``QLVB_DEMO_CSC_URL`` (default ``http://127.0.0.1:8791``);
* one key and certificate per demo signer and per demo agency, packed as PKCS#12 with the demo password.

Everything lives in ``var/demo-pki/`` (keys, ``config.json``); nothing is committed. The configuration
keeps the validity dates and serial numbers chosen at the first run, so the certificates are the same
bytes at every start (RSA PKCS#1 v1.5 signatures are deterministic). Running the demo again adds what
is missing and changes nothing else.
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from asn1crypto import x509
from django.conf import settings

DEMO_CA_NAME = "qlvb DEMO CA — không dùng thật"
DEMO_ORG = "qlvb — bản trình diễn (không dùng thật)"
ARCH = "qlvb-demo"
DEFAULT_PKI_URL = "http://127.0.0.1:8790"
DEFAULT_CSC_URL = "http://127.0.0.1:8791"


def is_demo_certificate(cert: x509.Certificate) -> bool:
    """A certificate issued by (or being) the demo root: its name says so."""
    names = (cert.subject.native.get("common_name"), cert.issuer.native.get("common_name"))
    return DEMO_CA_NAME in names


def demo_dir() -> Path:
    return Path(settings.DATA_DIR) / "demo-pki"


def pki_url() -> str:
    return os.environ.get("QLVB_DEMO_PKI_URL", DEFAULT_PKI_URL).rstrip("/")


def csc_url() -> str:
    return os.environ.get("QLVB_DEMO_CSC_URL", DEFAULT_CSC_URL).rstrip("/")


@dataclass(frozen=True)
class Subject:
    """Who gets a demo certificate: ``label`` (letters, digits, ``_``, ``-``), names in Vietnamese."""

    label: str
    common_name: str
    organisation: str
    locality: str = "Liên Minh"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _new_key(path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if path.exists():
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    partial.chmod(0o600)
    partial.replace(path)


def _signer_cert(serial: int, now: datetime) -> dict[str, Any]:
    return {
        "issuer": "root",
        "serial": serial,
        "validity": {"valid-from": _iso(now - timedelta(days=1)), "valid-to": _iso(now + timedelta(days=3 * 365))},
        "extensions": [
            {
                "id": "key_usage",
                "critical": True,
                "smart-value": {"schema": "key-usage", "params": ["digital_signature", "non_repudiation"]},
            },
            {
                "id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}},
            },
            {
                "id": "authority_information_access",
                "smart-value": {
                    "schema": "aia-urls",
                    "params": {"ocsp-responder-names": ["root"], "ca-issuer-links": [{"repo": "root"}]},
                },
            },
        ],
    }


def _service_cert(serial: int, now: datetime, usage: str, *more: dict[str, Any]) -> dict[str, Any]:
    """The certificate of one of the demo CA's services (OCSP responder, time stamping): issued by the root
    for ten years, for the one extended ``usage``, with ``more`` extensions."""
    return {
        "issuer": "root",
        "serial": serial,
        "validity": {"valid-from": _iso(now - timedelta(days=1)), "valid-to": _iso(now + timedelta(days=10 * 365))},
        "extensions": [
            {
                "id": "key_usage",
                "critical": True,
                "smart-value": {"schema": "key-usage", "params": ["digital_signature"]},
            },
            {"id": "extended_key_usage", "critical": True, "value": [usage]},
            *more,
        ],
    }


def _initial(now: datetime, url: str) -> dict[str, Any]:
    vn = {"country-name": "VN"}
    return {
        "external-url-prefix": url,
        "keysets": {"demo": {"path-prefix": "keys", "keys": {}}},
        "pki-architectures": {
            ARCH: {
                "keyset": "demo",
                "entity-defaults": vn,
                "entities": {
                    "root": {"organization-name": DEMO_ORG, "common-name": DEMO_CA_NAME},
                    "ocsp": {"organization-name": DEMO_ORG, "common-name": "qlvb DEMO OCSP — không dùng thật"},
                    "tsa": {"organization-name": DEMO_ORG, "common-name": "qlvb DEMO TSA — không dùng thật"},
                },
                "certs": {
                    "root": {
                        "subject": "root",
                        "subject-key": "root",
                        "issuer": "root",
                        "authority-key": "root",
                        "serial": 1,
                        "validity": {
                            "valid-from": _iso(now - timedelta(days=2)),
                            "valid-to": _iso(now + timedelta(days=20 * 365)),
                        },
                        "extensions": [
                            {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
                            {
                                "id": "key_usage",
                                "critical": True,
                                "smart-value": {
                                    "schema": "key-usage",
                                    "params": ["digital_signature", "key_cert_sign", "crl_sign"],
                                },
                            },
                        ],
                    },
                    "ocsp": _service_cert(2, now, "ocsp_signing", {"id": "ocsp_no_check"}),
                    "tsa": _service_cert(3, now, "time_stamping"),
                },
                "services": {
                    "ocsp": {"root": {"for-issuer": "root", "responder-cert": "ocsp", "signing-key": "ocsp"}},
                    "crl-repo": {
                        "root": {"for-issuer": "root", "signing-key": "root", "simulated-update-schedule": "P7D"}
                    },
                    "cert-repo": {"root": {"for-issuer": "root", "publish-issued-certs": True}},
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


class DemoPKI:
    """The demo PKI kept in ``directory`` (default ``var/demo-pki``)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or demo_dir()
        self.config_path = self.directory / "config.json"

    @property
    def exists(self) -> bool:
        return self.config_path.is_file()

    def _raw(self) -> dict[str, Any]:
        return dict(json.loads(self.config_path.read_text(encoding="utf-8")))

    def ensure(self, subjects: Iterable[Subject], *, url: str | None = None) -> bool:
        """Create the PKI or add the subjects it lacks; return whether anything changed."""
        raw = self._raw() if self.exists else _initial(datetime.now(UTC).replace(microsecond=0), url or pki_url())
        arch = raw["pki-architectures"][ARCH]
        now = datetime.now(UTC).replace(microsecond=0)
        changed = not self.exists
        next_serial = 1 + max(int(c.get("serial", 0)) for c in arch["certs"].values())
        for subject in subjects:
            if subject.label in arch["certs"]:
                continue
            arch["entities"][subject.label] = {
                "organization-name": subject.organisation,
                "locality-name": subject.locality,
                "common-name": subject.common_name,
            }
            arch["certs"][subject.label] = _signer_cert(next_serial, now)
            next_serial += 1
            changed = True
        labels = list(arch["entities"])
        for label in labels:
            _new_key(self.directory / "keys" / f"{label}.key.pem")
        raw["keysets"]["demo"]["keys"] = {label: {"path": f"{label}.key.pem"} for label in labels}
        if changed:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = self.config_path.with_suffix(".tmp")
            partial.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
            partial.replace(self.config_path)
            _load.cache_clear()
        return changed

    def config(self) -> Any:
        return _load(str(self.config_path), self.config_path.stat().st_mtime_ns)

    @property
    def url(self) -> str:
        return str(self._raw()["external-url-prefix"]).rstrip("/")

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    def cert(self, label: str) -> x509.Certificate:
        from certomancer.registry import ArchLabel, CertLabel

        return self.config().get_pki_arch(ArchLabel(ARCH)).get_cert(CertLabel(label))

    @property
    def root(self) -> x509.Certificate:
        return self.cert("root")

    def pkcs12(self, label: str, password: str) -> bytes:
        """The key, its certificate and the root, as a CA hands them out."""
        from certomancer.registry import ArchLabel, CertLabel

        arch = self.config().get_pki_arch(ArchLabel(ARCH))
        return bytes(
            arch.package_pkcs12(CertLabel(label), certs_to_embed=[CertLabel("root")], password=password.encode())
        )


@lru_cache(maxsize=2)
def _load(path: str, _mtime: int) -> Any:
    from certomancer.registry import CertomancerConfig

    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    raw["keysets"]["demo"]["path-prefix"] = str(Path(path).parent / "keys")
    return CertomancerConfig(raw, key_search_dir=str(Path(path).parent))


# --- the services ------------------------------------------------------------------------------


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", int(parts.port or 80)


def start_services(pki: DemoPKI, *, csc: str | None = None) -> Callable[[], None]:
    """Serve the demo PKI's OCSP/CRL/certificates/TSA and the CSC service in threads of this process;
    return the function that stops them."""
    import asyncio

    from aiohttp import web
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass

    config = pki.config()
    host, port = _host_port(pki.url)
    app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    server = make_server(host, port, app, threaded=True, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, name="demo-pki-http", daemon=True).start()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the dummy's aiohttp app keys (NotAppKeyWarning)
        service = CSCWithCertomancer(config, service_params=DummyServiceParams(hash_pinning_required=True))
        service.register_routes()
    csc_host, csc_port = _host_port(csc or csc_url())
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(service.app, access_log=None)
    ready = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.TCPSite(runner, csc_host, csc_port).start())
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)
            ready.set()
            return
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="demo-csc-http", daemon=True)
    thread.start()
    ready.wait(10)
    if failure:
        server.shutdown()
        raise failure[0]

    def stop() -> None:
        server.shutdown()
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    return stop


def service_environment(pki: DemoPKI | None = None) -> dict[str, str]:
    """What ``qlvb serve`` adds to the environment of gunicorn and Celery when the demo PKI exists and
    the administrator has not configured these himself: the demo TSA and the demo CSC service."""
    pki = pki or DemoPKI()
    if not pki.exists:
        return {}
    env: dict[str, str] = {}
    if not os.environ.get("QLVB_TSA_URL") and getattr(settings, "QLVB_TSA_URL", None) is None:
        env["QLVB_TSA_URL"] = pki.tsa_url
    services = os.environ.get("QLVB_CSC_SERVICES", "")
    if csc_url() not in services and getattr(settings, "QLVB_CSC_SERVICES", None) is None:
        env["QLVB_CSC_SERVICES"] = ",".join(v for v in (services, csc_url()) if v)
    return env


def side_service() -> Any:
    """What ``qlvb serve`` runs for the demo PKI (nothing unless ``qlvb demo`` created it; nothing
    when ``QLVB_DEMO_PKI=0``)."""
    from qlvb.core.management.commands.serve import SideService

    pki = DemoPKI()
    if not pki.exists or os.environ.get("QLVB_DEMO_PKI", "1") == "0":
        return None
    return SideService(name="CA thử nghiệm và ký số từ xa mẫu", argv=["demo_pki"], env=service_environment(pki))
