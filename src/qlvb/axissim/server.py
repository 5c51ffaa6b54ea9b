"""A local stand-in for the national document axis (VDXP/LGSP): a small WSGI application, free of
Django, speaking the HTTP API that ``qlvb.exchange.transport.VdxpTransport`` speaks (see docs/axis.md).

State lives on disk under one folder::

    ROOT/accounts.json                     connected systems: system id → secret, agency codes
    ROOT/agencies.json                     the agency directory served by getAgenciesList
    ROOT/packages/<id>.edxml               each package sent, once
    ROOT/sent/<sender code>/<id>.json      what a sender sent, and to whom
    ROOT/inbox/<agency code>/<delivery>.json   one delivery per recipient (points at the package)

Faults for tests and demos (``POST /_sim/faults`` or the command's flags): ``fail`` answers the next
N requests with HTTP 500 (-1: every request), ``delay`` sleeps that many seconds before answering
(longer than the client's timeout = a time-out), ``duplicate`` delivers every package twice."""

from __future__ import annotations

import json
import os
import re
import secrets
import socketserver
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .header import HeaderError, read_addressing

MAX_PACKAGE_BYTES = 80 * 1024 * 1024
CHUNK = 64 * 1024
ORGAN_ID_RE = re.compile(r"^[0-9A-Z]{1,5}(\.[0-9A-Z]{1,5}){1,6}$")  # QĐ 20/2020: groups of 0-9A-Z, ≤35

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

# The two simulated outside agencies (placeholders in QĐ 20/2020 form, a fictional province H42).
OUTSIDE_AGENCIES = [
    {"code": "000.00.00.H42", "name": "Ủy ban nhân dân tỉnh Mô Phỏng (mô phỏng)", "pcode": "", "system_id": "sim-tinh"},
    {
        "code": "000.00.30.H42",
        "name": "Ủy ban nhân dân huyện Mô Phỏng (mô phỏng)",
        "pcode": "000.00.00.H42",
        "system_id": "sim-huyen",
    },
]


def demo_agencies() -> list[dict[str, str]]:
    """The demo deployment's two agencies, with the codes ``qlvb demo`` gives them (same variables)."""
    return [
        {
            "code": os.environ.get("QLVB_DEMO_ORGAN_ID", "000.00.31.H42"),
            "name": "Ủy ban nhân dân xã Liên Minh",
            "pcode": "000.00.30.H42",
            "system_id": "qlvb-demo",
        },
        {
            "code": os.environ.get("QLVB_DEMO_TYT_ORGAN_ID", "000.01.31.H42"),
            "name": "Trạm Y tế xã Liên Minh",
            "pcode": "000.00.31.H42",
            "system_id": "qlvb-demo",
        },
    ]


def _status_xml(sender: str, to: str, document_id: str, code: str, stamp: str) -> bytes:
    """A status package (QCVN 102:2016 §3.6) as a simulated agency's system writes it."""
    ns = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
    org = "".join(f"<edXML:{t}>{v}</edXML:{t}>" for t, v in (("OrganId", sender), ("OrganName", "(mô phỏng)")))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="{ns}"><edXML:edXMLEnvelope xmlns:edXML="{ns}">'
        f"<edXML:edXMLHeader><edXML:MessageHeader><edXML:From>{org}</edXML:From>"
        f"<edXML:ResponseFor><edXML:OrganId>{to}</edXML:OrganId><edXML:Code /><edXML:PromulgationDate />"
        f"<edXML:DocumentId>{document_id}</edXML:DocumentId></edXML:ResponseFor>"
        f"<edXML:StaffInfo><edXML:Department>Văn thư</edXML:Department><edXML:Staff>Văn thư (mô phỏng)</edXML:Staff>"
        f"<edXML:Email /><edXML:Mobile /></edXML:StaffInfo>"
        f"<edXML:StatusCode>{code}</edXML:StatusCode><edXML:Description>Đã đến</edXML:Description>"
        f"<edXML:Timestamp>{stamp}</edXML:Timestamp></edXML:MessageHeader></edXML:edXMLHeader>"
        f"</edXML:edXMLEnvelope></edXML>\n"
    ).encode()


def _now() -> str:
    return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Faults:
    fail: int = 0  # answer the next N requests with 500; -1 = all
    delay: float = 0.0  # seconds to sleep before answering
    duplicate: bool = False  # deliver every package twice


class AxisError(Exception):
    def __init__(self, http_status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.http_status, self.code, self.message = http_status, code, message


class Store:
    """The simulator's disk state. One lock: the simulator is for tests and demos, not for speed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.lock = threading.Lock()
        (self.root / "packages").mkdir(parents=True, exist_ok=True)

    # accounts and directory
    def seed(self, agencies: Iterable[dict[str, str]], *, secrets_by_system: dict[str, str] | None = None) -> None:
        """Add the agencies (and their systems' accounts) that are missing; existing secrets are kept."""
        given = secrets_by_system or {}
        with self.lock:
            accounts = self.accounts()
            directory = {a["code"]: a for a in self.agencies()}
            for agency in agencies:
                code, system = agency["code"], agency["system_id"]
                if not ORGAN_ID_RE.fullmatch(code) or len(code) > 35:
                    raise ValueError(f"Mã định danh '{code}' không đúng dạng QĐ 20/2020.")
                account = accounts.setdefault(system, {"secret": "", "agencies": []})
                if system in given:
                    account["secret"] = given[system]
                if not account["secret"]:
                    account["secret"] = secrets.token_urlsafe(24)
                if code not in account["agencies"]:
                    account["agencies"].append(code)
                directory[code] = {k: agency.get(k, "") for k in ("code", "name", "pcode", "mail", "mobile", "fax")}
            _write_json(self.root / "accounts.json", accounts)
            _write_json(self.root / "agencies.json", list(directory.values()))

    def accounts(self) -> dict[str, Any]:
        path = self.root / "accounts.json"
        return _read_json(path) if path.exists() else {}

    def agencies(self) -> list[dict[str, str]]:
        path = self.root / "agencies.json"
        return _read_json(path) if path.exists() else []

    def authenticate(self, system_id: str, secret: str) -> list[str]:
        account = self.accounts().get(system_id)
        if not account or not secret or not secrets.compare_digest(account["secret"], secret):
            raise AxisError(401, 401, "Sai mã hệ thống (systemid) hoặc khóa bí mật (secret).")
        return list(account["agencies"])

    # documents
    def send(self, *, own: list[str], header: dict[str, Any], package: Path, duplicate: bool) -> str:
        with package.open("rb") as stream:
            try:
                addressing = read_addressing(stream)
            except HeaderError as exc:
                raise AxisError(400, 400, str(exc)) from None
        sender = str(header.get("from") or addressing.sender)
        if sender != addressing.sender:
            raise AxisError(400, 400, f"Mã nơi gửi '{sender}' khác From/OrganId của gói tin '{addressing.sender}'.")
        if sender not in own:
            raise AxisError(403, 403, f"Hệ thống này không được gửi thay cơ quan '{sender}'.")
        recipients = addressing.recipients
        wanted = header.get("to") or []
        if wanted and sorted(set(wanted)) != sorted(recipients):
            raise AxisError(400, 400, "Danh sách nơi nhận gửi kèm khác danh sách To trong gói tin.")
        known = {a["code"] for a in self.agencies()}
        unknown = [code for code in recipients if code not in known]
        if unknown:
            raise AxisError(404, 404, "Nơi nhận chưa đăng ký trên trục: " + ", ".join(unknown))
        message_type = "status" if addressing.is_status else "edoc"
        if header.get("messagetype") and header["messagetype"] != message_type:
            raise AxisError(400, 400, f"messagetype '{header['messagetype']}' không khớp gói tin ({message_type}).")
        doc_id = uuid.uuid4().hex
        os.replace(package, self.root / "packages" / f"{doc_id}.edxml")
        created = _now()
        deliveries = []
        for code in recipients:
            for _copy in range(2 if duplicate else 1):
                delivery = uuid.uuid4().hex
                deliveries.append({"to": code, "deliveryId": delivery})
                _write_json(
                    self.root / "inbox" / code / f"{delivery}.json",
                    {
                        "docId": delivery,
                        "packageId": doc_id,
                        "from": sender,
                        "to": code,
                        "serviceType": "eDoc",
                        "messageType": message_type,
                        "created_time": created,
                        "updated_time": created,
                        "status": "initial",
                        "status_desc": "Chờ nhận",
                    },
                )
        _write_json(
            self.root / "sent" / sender / f"{doc_id}.json",
            {
                "docId": doc_id,
                "from": sender,
                "messageType": message_type,
                "created_time": created,
                "deliveries": deliveries,
            },
        )
        return doc_id

    def answer_arrived(self, doc_id: str) -> None:
        """Status 01 ("đã đến") from every simulated agency (system "sim-…") a document package reached,
        as their own systems would send it."""
        with (self.root / "packages" / f"{doc_id}.edxml").open("rb") as stream:
            addressing = read_addressing(stream)
        if addressing.is_status:
            return
        simulated = {
            code
            for system, account in self.accounts().items()
            if system.startswith("sim-")
            for code in account["agencies"]
        }
        stamp = datetime.now(tz=UTC).strftime("%Y/%m/%d %H:%M:%S")
        for code in addressing.recipients:
            if code not in simulated:
                continue
            package = self.root / "packages" / f".answer-{uuid.uuid4().hex}"
            package.write_bytes(_status_xml(code, addressing.sender, addressing.document_id, "01", stamp))
            try:
                self.send(own=[code], header={}, package=package, duplicate=False)
            finally:
                package.unlink(missing_ok=True)

    def received(self, own: list[str], message_type: str) -> list[dict[str, Any]]:
        items = []
        for code in own:
            for path in sorted((self.root / "inbox" / code).glob("*.json")):  # done ones are under done/
                item = _read_json(path)
                if not message_type or item["messageType"] == message_type:
                    items.append({k: v for k, v in item.items() if k != "packageId"})
        items.sort(key=lambda i: (i["created_time"], i["docId"]))
        return items

    def _delivery(self, own: list[str], doc_id: str) -> tuple[Path, dict[str, Any]]:
        if re.fullmatch(r"[0-9a-f]{32}", doc_id or ""):
            for code in own:
                if path := self._delivery_path(code, doc_id):
                    return path, _read_json(path)
        raise AxisError(404, 404, f"Không có văn bản '{doc_id}' gửi đến hệ thống này.")

    def _delivery_path(self, code: str, delivery: str) -> Path | None:
        for path in (
            self.root / "inbox" / code / f"{delivery}.json",
            self.root / "inbox" / code / "done" / f"{delivery}.json",
        ):
            if path.exists():
                return path
        return None

    def package_path(self, own: list[str], doc_id: str) -> Path:
        _path, item = self._delivery(own, doc_id)
        return self.root / "packages" / f"{item['packageId']}.edxml"

    def update_status(self, own: list[str], doc_id: str, status: str) -> None:
        if status not in ("processing", "done", "fail"):
            raise AxisError(400, 400, f"Trạng thái '{status}' không hợp lệ (processing, done, fail).")
        with self.lock:
            path, item = self._delivery(own, doc_id)
            item.update(
                status=status,
                updated_time=_now(),
                status_desc={"processing": "Đang xử lý", "done": "Đã nhận", "fail": "Nhận lỗi"}[status],
            )
            # an acknowledged delivery moves to done/, so listing stays as cheap as what is waiting
            folder = self.root / "inbox" / item["to"]
            target = (folder / "done" if status == "done" else folder) / path.name
            _write_json(target, item)
            if target != path:
                path.unlink()

    def sent(self, own: list[str]) -> list[dict[str, Any]]:
        rows = []
        for code in own:
            for path in sorted((self.root / "sent" / code).glob("*.json")):
                record = _read_json(path)
                for delivery in record["deliveries"]:
                    item_path = self._delivery_path(delivery["to"], delivery["deliveryId"])
                    item = _read_json(item_path) if item_path else {"status": "fail"}
                    rows.append(
                        {
                            "docId": record["docId"],
                            "from": record["from"],
                            "to": delivery["to"],
                            "receiverDocId": delivery["deliveryId"],
                            "messageType": record["messageType"],
                            "created_time": record["created_time"],
                            "sendStatus": "done",
                            "receiveStatus": item["status"],
                            "receiveStatusDesc": item.get("status_desc", ""),
                        }
                    )
        return rows


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
                for key in ("fail", "delay", "duplicate"):
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
        reader = _PartReader(environ["wsgi.input"], remaining, match.group(1).encode("latin-1"))
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


class _PartReader:
    """A small streaming multipart/form-data reader: yields (name, chunks) for each part, holding at
    most one buffer and the boundary's length in memory."""

    def __init__(self, stream: Any, length: int, boundary: bytes) -> None:
        self.stream, self.remaining = stream, length
        self.delimiter = b"\r\n--" + boundary
        self.buffer = b"\r\n"  # so the first boundary matches the same delimiter

    def _fill(self) -> bool:
        if self.remaining <= 0:
            return False
        data = self.stream.read(min(CHUNK, self.remaining))
        if not data:
            self.remaining = 0
            return False
        self.remaining -= len(data)
        self.buffer += data
        return True

    def _skip_to_delimiter(self) -> None:
        while (index := self.buffer.find(self.delimiter)) < 0:
            self.buffer = self.buffer[-len(self.delimiter) :]
            if not self._fill():
                raise AxisError(400, 400, "Dữ liệu multipart bị cắt cụt.")
        self.buffer = self.buffer[index + len(self.delimiter) :]

    def parts(self) -> Iterator[tuple[str, Iterator[bytes]]]:
        self._skip_to_delimiter()
        while True:
            while len(self.buffer) < 2 and self._fill():
                pass
            if self.buffer.startswith(b"--"):
                return
            while (end := self.buffer.find(b"\r\n\r\n")) < 0:
                if len(self.buffer) > 16384 or not self._fill():
                    raise AxisError(400, 400, "Phần đầu multipart không hợp lệ.")
            head = self.buffer[:end].decode("utf-8", "replace")
            self.buffer = self.buffer[end + 4 :]
            match = re.search(r'name="([^"]*)"', head)
            name = match.group(1) if match else ""
            chunks = self._body()
            yield name, chunks
            for _rest in chunks:  # drain whatever the consumer did not read
                pass

    def _body(self) -> Iterator[bytes]:
        keep = len(self.delimiter)
        while True:
            index = self.buffer.find(self.delimiter)
            if index >= 0:
                if index:
                    yield self.buffer[:index]
                self.buffer = self.buffer[index + keep :]
                return
            if len(self.buffer) > keep:
                yield self.buffer[:-keep]
                self.buffer = self.buffer[-keep:]
            if not self._fill():
                raise AxisError(400, 400, "Dữ liệu multipart bị cắt cụt.")


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


def seed_default(store: Store) -> None:
    store.seed([*OUTSIDE_AGENCIES, *demo_agencies()])
