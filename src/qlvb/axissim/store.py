"""The simulator's state on disk, under one folder::

    ROOT/accounts.json                     connected systems: system id → secret, agency codes
    ROOT/agencies.json                     the agency directory served by getAgenciesList
    ROOT/packages/<id>.edxml               each package sent, once
    ROOT/sent/<sender code>/<id>.json      what a sender sent, and to whom
    ROOT/inbox/<agency code>/<delivery>.json   one delivery per recipient (points at the package)

and the agencies it is seeded with."""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .header import HeaderError, read_addressing

ORGAN_ID_RE = re.compile(r"^[0-9A-Z]{1,5}(\.[0-9A-Z]{1,5}){1,6}$")  # QĐ 20/2020: groups of 0-9A-Z, ≤35

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


def _status_xml(sender: str, to: str, document_id: str, code: str, stamp: str, description: str = "Đã đến") -> bytes:
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
        f"<edXML:StatusCode>{code}</edXML:StatusCode><edXML:Description>{escape(description)}</edXML:Description>"
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

    def answer_take_back(self, doc_id: str, code: str) -> None:
        """A simulated agency (system "sim-…") asked to give a document back (status 13) answers ``code``:
        15 (given back) or 16 (refused: already registered), as its own system would."""
        with (self.root / "packages" / f"{doc_id}.edxml").open("rb") as stream:
            addressing = read_addressing(stream)
        if not addressing.is_status or addressing.status_code != "13":
            return
        simulated = {
            code
            for system, account in self.accounts().items()
            if system.startswith("sim-")
            for code in account["agencies"]
        }
        if addressing.response_for not in simulated:
            return
        stamp = datetime.now(tz=UTC).strftime("%Y/%m/%d %H:%M:%S")
        text = "Đồng ý cho lấy lại văn bản" if code == "15" else "Văn bản đã vào sổ, không cho lấy lại"
        package = self.root / "packages" / f".answer-{uuid.uuid4().hex}"
        package.write_bytes(
            _status_xml(addressing.response_for, addressing.sender, addressing.about, code, stamp, text)
        )
        try:
            self.send(own=[addressing.response_for], header={}, package=package, duplicate=False)
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


def seed_default(store: Store) -> None:
    store.seed([*OUTSIDE_AGENCIES, *demo_agencies()])
