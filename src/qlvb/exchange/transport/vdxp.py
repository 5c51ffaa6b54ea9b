"""``VdxpTransport``: the Government Office axis (VDXP) or a provincial LGSP over HTTP, with
``requests``. What is confirmed and what is assumed about the wire is in docs/axis.md; every assumed
detail (paths, header names) is a field of ``VdxpConfig``."""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import secrets
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import requests

from ..errors import ErrorCode
from .base import AckStatus, Agency, MessageType, ReceivedMessage, SentRecord, Transport, TransportError

DEFAULT_PATHS: Mapping[str, str] = {
    "send": "sendEdoc",
    "received": "getReceivedEdocList",
    "download": "getEdoc",
    "acknowledge": "updateStatus",
    "sent": "getSentEdocList",
    "agencies": "getAgenciesList",
}
CHUNK = 64 * 1024


@dataclass(frozen=True)
class VdxpConfig:
    """One connected system's settings. The secret comes from the environment or the database, never
    from the repository; ``repr`` hides it."""

    endpoint: str
    system_id: str
    secret: str = field(repr=False)
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    max_download_bytes: int = 60 * 1024 * 1024  # a 50 MB attachment base64-encoded is ~67 MB: see docs
    system_id_header: str = "X-SystemId"  # [R] LGSP style; the VPCP SDK signs with HMAC headers instead
    secret_header: str = "X-SecretKey"  # noqa: S105 — a header name, not a secret [R]
    user_agent: str = "qlvb/1.0 (VDXP)"
    paths: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_PATHS))
    verify_tls: bool | str = True

    @classmethod
    def from_env(cls, prefix: str = "QLVB_AXIS_", environ: Mapping[str, str] | None = None) -> VdxpConfig:
        """``QLVB_AXIS_ENDPOINT``, ``QLVB_AXIS_SYSTEM_ID``, ``QLVB_AXIS_SECRET`` (required),
        ``QLVB_AXIS_TIMEOUT`` (read time-out, seconds), ``QLVB_AXIS_MAX_DOWNLOAD_MB``."""
        env = os.environ if environ is None else environ
        missing = [name for name in ("ENDPOINT", "SYSTEM_ID", "SECRET") if not env.get(prefix + name)]
        if missing:
            raise TransportError(
                "Chưa cấu hình kết nối trục liên thông: thiếu " + ", ".join(prefix + m for m in missing),
                code=ErrorCode.AXIS_NOT_CONFIGURED,
            )
        return cls(
            endpoint=env[prefix + "ENDPOINT"],
            system_id=env[prefix + "SYSTEM_ID"],
            secret=env[prefix + "SECRET"],
            read_timeout=float(env.get(prefix + "TIMEOUT", "60")),
            max_download_bytes=int(float(env.get(prefix + "MAX_DOWNLOAD_MB", "60")) * 1024 * 1024),
        )


class VdxpTransport:
    """The axis over HTTP. Each call is one request; nothing is retried here (the outbox retries with
    back-off); every failure is a ``TransportError`` with a Vietnamese message."""

    def __init__(self, config: VdxpConfig, *, session: requests.Session | None = None) -> None:
        self.config = config
        self.session = session or requests.Session()
        self.session.headers.update(
            {
                config.system_id_header: config.system_id,
                config.secret_header: config.secret,
                "User-Agent": config.user_agent,
            }
        )

    # --- the protocol -------------------------------------------------------------------------------
    def send(
        self,
        package: bytes | BinaryIO | Path,
        *,
        sender: str,
        recipients: tuple[str, ...] = (),
        message_type: MessageType = "edoc",
    ) -> str:
        header = {"from": sender, "servicetype": "eDoc", "messagetype": message_type, "to": list(recipients)}
        if isinstance(package, Path):
            with package.open("rb") as stream:
                return self._send(stream, header)
        if isinstance(package, bytes | bytearray):
            return self._send(io.BytesIO(package), header)
        return self._send(package, header)

    def list_received(self, *, message_type: MessageType | None = None) -> list[ReceivedMessage]:
        params: dict[str, Any] = {"servicetype": "eDoc"}
        if message_type:
            params["messagetype"] = message_type
        data = self._call("received", params)
        return [
            ReceivedMessage(
                id=str(item.get("docId") or item.get("DocId") or item.get("id") or ""),
                sender=str(item.get("from", "")),
                recipient=str(item.get("to", "")),
                message_type=str(item.get("messageType") or item.get("messagetype") or "edoc"),
                created=str(item.get("created_time", "")),
                status=str(item.get("status", "")),
                status_desc=str(item.get("status_desc", "")),
            )
            for item in self._items(data)
        ]

    def download(self, message_id: str, destination: Path | BinaryIO) -> int:
        if isinstance(destination, Path):
            partial = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.part")
            try:
                with partial.open("wb") as out:
                    size = self._download(message_id, out)
                os.replace(partial, destination)
            finally:
                partial.unlink(missing_ok=True)
            return size
        return self._download(message_id, destination)

    def acknowledge(self, message_id: str, status: AckStatus = "done") -> None:
        if status not in ("processing", "done", "fail"):
            raise TransportError(f"Trạng thái xác nhận '{status}' không hợp lệ.", code=ErrorCode.AXIS_BAD_ACK)
        self._call("acknowledge", {"docId": message_id, "status": status})

    def sent_list(self) -> list[SentRecord]:
        data = self._call("sent", {"servicetype": "eDoc"})
        return [
            SentRecord(
                id=str(item.get("docId", "")),
                recipient=str(item.get("to", "")),
                send_status=str(item.get("sendStatus", "")),
                receive_status=str(item.get("receiveStatus", "")),
                description=str(item.get("receiveStatusDesc") or item.get("sendStatusDesc") or ""),
                created=str(item.get("created_time", "")),
            )
            for item in self._items(data)
        ]

    def agencies(self) -> list[Agency]:
        data = self._call("agencies", {})
        return [
            Agency(
                code=str(item.get("code", "")),
                name=str(item.get("name", "")),
                parent_code=str(item.get("pcode", "")),
                email=str(item.get("mail", "")),
                phone=str(item.get("mobile", "")),
                fax=str(item.get("fax", "")),
            )
            for item in self._items(data)
        ]

    # --- plumbing ------------------------------------------------------------------------------------
    def _url(self, action: str) -> str:
        return self.config.endpoint.rstrip("/") + "/" + self.config.paths[action].lstrip("/")

    @property
    def send_time_limit(self) -> float:
        return self.config.connect_timeout + self.config.read_timeout

    @property
    def _timeout(self) -> tuple[float, float]:
        return (self.config.connect_timeout, self.config.read_timeout)

    def _post(self, action: str, **kwargs: Any) -> requests.Response:
        try:
            return self.session.post(self._url(action), timeout=self._timeout, verify=self.config.verify_tls, **kwargs)
        except requests.Timeout:
            raise TransportError(
                f"Trục liên thông không trả lời trong {self.config.read_timeout:g} giây ({self.config.paths[action]}).",
                code=ErrorCode.AXIS_TIMEOUT,
                retryable=True,
            ) from None
        except (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL):
            raise TransportError(
                f"Địa chỉ trục liên thông không hợp lệ: '{self.config.endpoint}'.", code=ErrorCode.AXIS_NOT_CONFIGURED
            ) from None
        except requests.ConnectionError:
            raise TransportError(
                f"Không kết nối được trục liên thông tại {self.config.endpoint}.",
                code=ErrorCode.AXIS_UNREACHABLE,
                retryable=True,
            ) from None
        except requests.RequestException as exc:
            raise TransportError(
                f"Lỗi gọi trục liên thông: {exc.__class__.__name__}.", code=ErrorCode.AXIS_ERROR, retryable=True
            ) from None

    def _call(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        response = self._post(action, json=params)
        with response:
            return self._answer(action, response)

    def _answer(self, action: str, response: requests.Response) -> dict[str, Any]:
        """The axis's JSON ``{status: OK|FAIL, ErrorCode, ErrorDesc, ...}``, or a ``TransportError``."""
        name = self.config.paths[action]
        try:
            data = response.json() if len(response.content) <= 32 * 1024 * 1024 else None
        except ValueError:
            data = None
        axis_message = str(data.get("ErrorDesc") or data.get("message") or "") if isinstance(data, dict) else ""
        axis_code = str(data.get("ErrorCode", "")) if isinstance(data, dict) else ""
        said = f": {axis_message}" if axis_message else ""
        status = response.status_code
        if status in (401, 403):
            raise TransportError(
                f"Trục liên thông từ chối xác thực hệ thống {self.config.system_id}{said}",
                code=ErrorCode.AXIS_AUTH,
                http_status=status,
                axis_code=axis_code,
                axis_message=axis_message,
            )
        if status >= 500:
            raise TransportError(
                f"Trục liên thông đang lỗi (HTTP {status}, {name}){said}",
                code=ErrorCode.AXIS_DOWN,
                retryable=True,
                http_status=status,
                axis_code=axis_code,
                axis_message=axis_message,
            )
        if status >= 400 or not isinstance(data, dict) or str(data.get("status", "")).upper() != "OK":
            if not isinstance(data, dict):
                said = ": câu trả lời không phải JSON"
            raise TransportError(
                f"Trục liên thông từ chối yêu cầu {name} (HTTP {status}){said}",
                code=ErrorCode.AXIS_REFUSED,
                http_status=status,
                axis_code=axis_code,
                axis_message=axis_message,
            )
        return data

    @staticmethod
    def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
        items = data.get("data")
        if items is None:
            items = data.get("Data") or []
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []

    def _send(self, stream: BinaryIO, header: dict[str, Any]) -> str:
        body = _MultipartBody(stream, header)
        response = self._post("send", data=body, headers={"Content-Type": body.content_type})
        with response:
            data = self._answer("send", response)
        doc_id = str(data.get("DocId") or data.get("docID") or data.get("docId") or "")
        if not doc_id:
            raise TransportError(
                "Trục liên thông nhận gói tin nhưng không trả mã văn bản (DocId).", code=ErrorCode.AXIS_REFUSED
            )
        return doc_id

    def _download(self, message_id: str, out: BinaryIO) -> int:
        limit = self.config.max_download_bytes
        too_big = TransportError(
            f"Gói tin {message_id} lớn hơn giới hạn {limit // (1024 * 1024)} MB: không tải về.",
            code=ErrorCode.AXIS_TOO_LARGE,
        )
        response = self._post("download", json={"docId": message_id, "filePath": "xml"}, stream=True)
        with response:
            if response.status_code != 200 or "json" in response.headers.get("Content-Type", ""):
                return self._download_json(response, out, limit, too_big)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise too_big
            size = 0
            try:
                for chunk in response.iter_content(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise too_big
                    out.write(chunk)
            except requests.RequestException:
                raise TransportError(
                    f"Tải gói tin {message_id} bị ngắt giữa chừng.", code=ErrorCode.AXIS_UNREACHABLE, retryable=True
                ) from None
            return size

    def _download_json(self, response: requests.Response, out: BinaryIO, limit: int, too_big: TransportError) -> int:
        """The SDK's form: ``{status: OK, data: <base64 package>}`` (or an error answer)."""
        encoded_limit = limit * 4 // 3 + 64 * 1024
        raw = bytearray()
        for chunk in response.iter_content(CHUNK):
            raw += chunk
            if len(raw) > encoded_limit:
                raise too_big
        response._content = bytes(raw)  # so _answer reads the body we already have
        data = self._answer("download", response)
        encoded = data.get("data") or data.get("Data") or ""
        if not isinstance(encoded, str):
            raise TransportError("Trục liên thông trả gói tin không đúng dạng.", code=ErrorCode.AXIS_REFUSED)
        try:
            package = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise TransportError("Gói tin tải về không giải mã được base64.", code=ErrorCode.AXIS_REFUSED) from None
        if len(package) > limit:
            raise too_big
        out.write(package)
        return len(package)


class _MultipartBody:
    """multipart/form-data (``header`` JSON + ``file``) streamed from the package's file with a known
    length, so a 50 MB package is never held in memory and the server gets a Content-Length."""

    def __init__(self, stream: BinaryIO, header: dict[str, Any]) -> None:
        boundary = "qlvb" + secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={boundary}"
        self.prefix = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="header"\r\n'
            f"Content-Type: application/json\r\n\r\n{json.dumps(header, ensure_ascii=False)}\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="edoc.edxml"\r\n'
            f"Content-Type: application/xml\r\n\r\n"
        ).encode()
        self.suffix = f"\r\n--{boundary}--\r\n".encode()
        self.stream = stream
        start = stream.tell()
        stream.seek(0, os.SEEK_END)
        self.file_length = stream.tell() - start
        stream.seek(start)
        self._pending = [self.prefix]
        self._file_done = False

    def __len__(self) -> int:
        return len(self.prefix) + self.file_length + len(self.suffix)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(self)
        while not self._pending and not self._file_done:
            chunk = self.stream.read(CHUNK)
            if chunk:
                self._pending.append(chunk)
            else:
                self._file_done = True
                self._pending.append(self.suffix)
        if not self._pending:
            return b""
        head = self._pending[0]
        if len(head) <= size:
            self._pending.pop(0)
            return head
        self._pending[0] = head[size:]
        return head[:size]

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(CHUNK):
            yield chunk


def transport_from_config(config: VdxpConfig) -> Transport:
    """The transport for one connected system (typed as the protocol: mypy checks the conformance)."""
    return VdxpTransport(config)
