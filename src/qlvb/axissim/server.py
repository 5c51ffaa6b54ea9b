"""A local stand-in for the national document axis (VDXP/LGSP): a small WSGI application, free of
Django, speaking the HTTP API that ``qlvb.exchange.transport.VdxpTransport`` speaks (see docs/axis.md).

State lives on disk under one folder (``store.Store``); the uploads are read by ``multipart.PartReader``.

Faults for tests and demos (``POST /_sim/faults`` or the command's flags): ``fail`` answers the next
N requests with HTTP 500 (-1: every request), ``delay`` sleeps that many seconds before answering
(longer than the client's timeout = a time-out), ``duplicate`` delivers every package twice, ``take_back``
("15" / "16") makes a simulated agency answer a take-back request (status 13) with that code."""

from __future__ import annotations

import json
import os
import re
import socketserver
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .multipart import CHUNK, PartReader
from .store import OUTSIDE_AGENCIES, AxisError, Store, demo_agencies, seed_default

__all__ = [
    "OUTSIDE_AGENCIES",
    "AxisApp",
    "AxisError",
    "Faults",
    "Store",
    "demo_agencies",
    "make_axis_server",
    "seed_default",
]

MAX_PACKAGE_BYTES = 80 * 1024 * 1024

StartResponse = Callable[..., Any]
# the axis's action names → the methods below
ACTIONS = {
    "sendEdoc": "send_edoc",
    "getReceivedEdocList": "received_list",
    "getEdoc": "get_edoc",
    "updateStatus": "update_status",
    "getSentEdocList": "sent_list",
    "getAgenciesList": "agencies_list",
}


@dataclass
class Faults:
    fail: int = 0  # answer the next N requests with 500; -1 = all
    delay: float = 0.0  # seconds to sleep before answering
    duplicate: bool = False  # deliver every package twice
    take_back: str = ""  # "15" / "16": what a simulated agency answers a take-back (13); "": nothing


class AxisApp:
    """The WSGI application. Every answer is JSON ``{status: OK|FAIL, ErrorCode, ErrorDesc, ...}``,
    except a downloaded package (the package's bytes, or base64 in JSON with ``edoc_json``)."""

    def __init__(
        self, store: Store, *, faults: Faults | None = None, edoc_json: bool = False, answer: bool = False
    ) -> None:
        self.answer = answer  # the simulated agencies (systems "sim-…") answer status 01 on arrival
        self.store = store
        self.faults = faults or Faults()
        self.edoc_json = edoc_json
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "").rstrip("/")
        try:
            if path == "/_sim/faults":
                return self._faults(environ, start_response)
            self._inject()
            if environ.get("REQUEST_METHOD") != "POST":
                raise AxisError(405, 405, "Chỉ nhận POST.")
            action = path.rsplit("/", 1)[-1]
            handler = getattr(self, f"do_{ACTIONS[action]}", None) if action in ACTIONS else None
            if handler is None:
                raise AxisError(404, 404, f"Không có dịch vụ '{action}'.")
            own = self.store.authenticate(environ.get("HTTP_X_SYSTEMID", ""), environ.get("HTTP_X_SECRETKEY", ""))
            return handler(environ, start_response, own)
        except AxisError as exc:
            error = exc
        except Exception as exc:  # an axis answers 500; it does not show its traceback to the client
            error = AxisError(500, 500, f"Lỗi nội bộ của trục mô phỏng: {exc.__class__.__name__}.")
        body = {"status": "FAIL", "ErrorCode": error.code, "ErrorDesc": error.message}
        return self._json(start_response, body, error.http_status)

    def _inject(self) -> None:
        with self._lock:
            delay, failing = self.faults.delay, self.faults.fail != 0
            if self.faults.fail > 0:
                self.faults.fail -= 1
        if delay:
            time.sleep(delay)
        if failing:
            raise AxisError(500, 500, "Trục liên thông đang gặp sự cố (mô phỏng lỗi 500).")

    def _faults(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST":
            data = self._read_json(environ)
            with self._lock:
                for key in ("fail", "delay", "duplicate", "take_back"):
                    if key in data:
                        setattr(self.faults, key, type(getattr(self.faults, key))(data[key]))
        return self._json(start_response, {"status": "OK", **asdict(self.faults)})

    # --- the axis API ---------------------------------------------------------------------------
    def do_send_edoc(self, environ: dict[str, Any], start_response: StartResponse, own: list[str]) -> Iterable[bytes]:
        header, package = self._read_upload(environ)
        try:
            doc_id = self.store.send(own=own, header=header, package=package, duplicate=self.faults.duplicate)
        finally:
            package.unlink(missing_ok=True)
        if self.answer:
            self.store.answer_arrived(doc_id)
        if self.faults.take_back in ("15", "16"):
            self.store.answer_take_back(doc_id, self.faults.take_back)
        return self._json(start_response, {"status": "OK", "ErrorCode": 0, "ErrorDesc": "", "DocId": doc_id})

    def do_received_list(
        self, environ: dict[str, Any], start_response: StartResponse, own: list[str]
    ) -> Iterable[bytes]:
        data = self._read_json(environ)
        items = self.store.received(own, str(data.get("messagetype", "")))
        return self._json(start_response, {"status": "OK", "ErrorCode": 0, "ErrorDesc": "", "data": items})

    def do_get_edoc(self, environ: dict[str, Any], start_response: StartResponse, own: list[str]) -> Iterable[bytes]:
        data = self._read_json(environ)
        path = self.store.package_path(own, str(data.get("docId", "")))
        if self.edoc_json:
            import base64

            payload = base64.b64encode(path.read_bytes()).decode("ascii")
            return self._json(start_response, {"status": "OK", "ErrorCode": 0, "ErrorDesc": "", "data": payload})
        start_response(
            "200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(path.stat().st_size))]
        )
        return _file_chunks(path)

    def do_update_status(
        self, environ: dict[str, Any], start_response: StartResponse, own: list[str]
    ) -> Iterable[bytes]:
        data = self._read_json(environ)
        self.store.update_status(own, str(data.get("docId", "")), str(data.get("status", "")))
        return self._json(start_response, {"status": "OK", "ErrorCode": 0, "ErrorDesc": ""})

    def do_sent_list(self, environ: dict[str, Any], start_response: StartResponse, own: list[str]) -> Iterable[bytes]:
        self._read_json(environ)
        return self._json(
            start_response, {"status": "OK", "ErrorCode": 0, "ErrorDesc": "", "data": self.store.sent(own)}
        )

    def do_agencies_list(
        self, environ: dict[str, Any], start_response: StartResponse, own: list[str]
    ) -> Iterable[bytes]:
        self._read_json(environ)
        return self._json(
            start_response, {"status": "OK", "ErrorCode": 0, "ErrorDesc": "", "data": self.store.agencies()}
        )

    # --- plumbing -------------------------------------------------------------------------------
    @staticmethod
    def _length(environ: dict[str, Any], limit: int) -> int:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise AxisError(400, 400, "Content-Length không hợp lệ.") from None
        if length > limit:
            raise AxisError(413, 413, f"Gói tin quá lớn (tối đa {limit // (1024 * 1024)} MB).")
        return length

    def _read_json(self, environ: dict[str, Any]) -> dict[str, Any]:
        length = self._length(environ, 1024 * 1024)
        raw = environ["wsgi.input"].read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            raise AxisError(400, 400, "Tham số không phải JSON hợp lệ.") from None
        if not isinstance(data, dict):
            raise AxisError(400, 400, "Tham số phải là một đối tượng JSON.")
        return data

    def _read_upload(self, environ: dict[str, Any]) -> tuple[dict[str, Any], Path]:
        """multipart/form-data with a ``header`` part (JSON) and a ``file`` part (the .edxml); the file
        part is streamed to disk, the whole request is never held in memory."""
        match = re.search(r'boundary="?([^";]+)"?', environ.get("CONTENT_TYPE", ""))
        if not environ.get("CONTENT_TYPE", "").startswith("multipart/form-data") or not match:
            raise AxisError(415, 415, "sendEdoc cần multipart/form-data (phần 'header' và phần 'file').")
        remaining = self._length(environ, MAX_PACKAGE_BYTES)
        reader = PartReader(environ["wsgi.input"], remaining, match.group(1).encode("latin-1"))
        header: dict[str, Any] = {}
        target = self.store.root / "packages" / f".upload-{uuid.uuid4().hex}"
        got_file = False
        try:
            for name, chunks in reader.parts():
                if name == "file":
                    with target.open("wb") as out:
                        for chunk in chunks:
                            out.write(chunk)
                    got_file = True
                else:
                    raw = b"".join(chunks)
                    if name == "header":
                        try:
                            header = json.loads(raw)
                        except ValueError:
                            raise AxisError(400, 400, "Phần 'header' không phải JSON hợp lệ.") from None
        except AxisError:
            target.unlink(missing_ok=True)
            raise
        if not got_file:
            raise AxisError(400, 400, "Thiếu phần 'file' (gói tin edXML).")
        return header, target

    @staticmethod
    def _json(start_response: StartResponse, data: dict[str, Any], status: int = 200) -> list[bytes]:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        reason = {
            200: "OK",
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            405: "Method Not Allowed",
            413: "Payload Too Large",
            415: "Unsupported Media Type",
            500: "Internal Server Error",
        }.get(status, "Error")
        start_response(
            f"{status} {reason}",
            [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            yield chunk


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        if os.environ.get("QLVB_AXIS_SIM_LOG"):
            super().log_message(format, *args)


def make_axis_server(app: AxisApp, host: str = "127.0.0.1", port: int = 0) -> WSGIServer:
    """A threaded wsgiref server (port 0: a free port, read it from ``server.server_port``)."""
    return make_server(host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
