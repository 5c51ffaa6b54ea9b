"""A real OpenID Connect provider for the SSO tests: a small Django project using django-oauth-toolkit's
OIDC support (authorization code flow with PKCE, RS256 ID tokens, JWKS, discovery), started as its own
process on a free port (:func:`start_provider`). Its people sign in on its ``/login/`` form; a test can
change its issuer or its ID tokens' lifetime while it runs (``/control/``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

CLIENT_ID = "qlvb-test"
CLIENT_SECRET = "qlvb-test-secret-not-for-production"
REDIRECT_URI = "http://testserver/dang-nhap/thu-cong-vu/ve/"
PASSWORD = "provider-password"


@dataclass(frozen=True)
class ProviderPerson:
    username: str
    email: str


@dataclass
class Provider:
    """The running provider; ``issuer`` is where its discovery document lives."""

    __test__ = False

    url: str
    process: subprocess.Popen[bytes]
    workdir: Path

    def signing_key(self) -> Any:
        """The provider's RSA private key (made at its start), for a test that forges nothing but a claim."""
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        return load_pem_private_key((self.workdir / "oidc.key").read_bytes(), password=None)

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def configure(self, **change: Any) -> dict[str, Any]:
        """``issuer=…``, ``id_token_seconds=…``: change the running provider."""
        answer = requests.post(f"{self.url}/control/", data=json.dumps(change), timeout=10)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    def reset(self) -> None:
        self.configure(issuer=self.issuer, id_token_seconds=300)

    def authorize(self, authorize_url: str, username: str) -> str:
        """Sign ``username`` in on the provider (a fresh browser) and open the authorization request;
        returns where the provider sends the browser back (the relying party's callback, path and query)."""
        browser = requests.Session()
        signed_in = browser.post(
            f"{self.url}/login/", data={"username": username, "password": PASSWORD}, allow_redirects=False, timeout=10
        )
        assert signed_in.status_code == 302, signed_in.text
        answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text[:2000]
        back = urlsplit(answer.headers["Location"])
        assert f"{back.scheme}://{back.netloc}{back.path}" == REDIRECT_URI, answer.headers["Location"]
        return f"{back.path}?{back.query}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_provider(workdir: Path, people: list[ProviderPerson]) -> Provider:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    src = str(Path(__file__).resolve().parents[4])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        "OIDCP_WORKDIR": str(workdir),
        "OIDCP_ISSUER": f"{url}/o",
        "OIDCP_CLIENT_ID": CLIENT_ID,
        "OIDCP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDCP_REDIRECT_URI": REDIRECT_URI,
        "OIDCP_USERS": json.dumps([{"username": p.username, "email": p.email, "password": PASSWORD} for p in people]),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (workdir / "provider.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "qlvb.directory.tests.oidcprovider.serve", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = Provider(url=url, process=process, workdir=workdir)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test OIDC provider stopped: {(workdir / 'provider.log').read_text()[-3000:]}")
        try:
            if requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=2).ok:
                return provider
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    provider.stop()
    raise RuntimeError(f"the test OIDC provider did not start: {(workdir / 'provider.log').read_text()[-3000:]}")
