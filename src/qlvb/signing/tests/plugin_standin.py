"""A stand-in for a CA's local signing plug-in, speaking the protocol qlvb targets
(docs/signing.md, "USB token tại máy người ký"): a real HTTP server on 127.0.0.1 holding a key (as the
token would) and signing the hashes it is sent. Used by the tests and the browser test."""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

PREFIX = "/qlvb/v1"


class StandIn:
    def __init__(self, p12: bytes, password: str, *, sign_with: bytes | None = None) -> None:
        key, cert, extra = pkcs12.load_key_and_certificates(p12, password.encode())
        assert isinstance(key, rsa.RSAPrivateKey) and cert is not None  # the test PKI's keys are RSA
        self.key = key
        if sign_with is not None:  # a token that signs with another key than its certificate's
            other = pkcs12.load_key_and_certificates(sign_with, password.encode())[0]
            assert isinstance(other, rsa.RSAPrivateKey)
            self.key = other
        self.cert = cert.public_bytes(Encoding.DER)
        self.chain = [c.public_bytes(Encoding.DER) for c in extra]
        self.signed: list[bytes] = []
        self.refuse = False  # the user pressed "Hủy" in the plug-in's PIN dialog


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
            self.send_header("Access-Control-Allow-Headers", "Content-Type")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Private-Network", "true")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_OPTIONS(self) -> None:
            self._send(204, {})

        def do_GET(self) -> None:
            if self.path == f"{PREFIX}/info":
                self._send(200, {"protocol": "qlvb-local-sign/1", "product": "Stand-in", "version": "1.0"})
            elif self.path == f"{PREFIX}/certificates":
                self._send(
                    200,
                    {
                        "certificates": [
                            {
                                "id": "token-1",
                                "label": "Stand-in token",
                                "certificate": base64.b64encode(state.cert).decode(),
                                "chain": [base64.b64encode(c).decode() for c in state.chain],
                            }
                        ]
                    },
                )
            else:
                self._send(404, {"error": "not_found", "message": "Không có"})

        def do_POST(self) -> None:
            if self.path != f"{PREFIX}/sign":
                self._send(404, {"error": "not_found", "message": "Không có"})
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if state.refuse:
                self._send(403, {"error": "cancelled", "message": "Người dùng đã hủy."})
                return
            if body.get("hashAlgorithm") != "SHA-256" or body.get("certificateId") != "token-1":
                self._send(400, {"error": "bad_request", "message": "Tham số không hợp lệ."})
                return
            digest = base64.b64decode(body["hash"])
            signature = state.key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
            state.signed.append(digest)
            self._send(
                200,
                {
                    "signature": base64.b64encode(signature).decode(),
                    "certificate": base64.b64encode(state.cert).decode(),
                },
            )

    return Handler


@contextmanager
def running(state: StandIn) -> Iterator[str]:
    """Serve ``state`` on a free port of 127.0.0.1; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, name="plugin-standin", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def plugin_get(url: str) -> Any:
    """A GET to the plug-in (or the server) as the page's script makes it; the JSON answer."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def plugin_post(url: str, body: dict[str, Any]) -> Any:
    """A JSON POST to the plug-in (or the server) as the page's script makes it; the JSON answer."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())
