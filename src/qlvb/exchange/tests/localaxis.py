"""The real local axis for the engine's tests: ``qlvb.axissim`` served on 127.0.0.1 with the district
and province as outside agencies, and what the district's own system would send or read."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import requests
from pypdf import PdfWriter

from qlvb.axissim.server import AxisApp, Store, make_axis_server
from qlvb.exchange import edxml
from qlvb.exchange.edxml import model as m
from qlvb.exchange.transport import VdxpConfig, VdxpTransport

COMMUNE, TYT, DISTRICT, PROVINCE = "000.00.31.H42", "000.01.31.H42", "000.00.30.H42", "000.00.00.H42"
ELSEWHERE = "000.02.31.H42"
SECRETS = {"qlvb-demo": "demo-secret-for-tests", "sim-huyen": "district-secret", "sim-tinh": "province-secret"}


class Axis:
    def __init__(self, root: Path, *, answer: bool = False) -> None:
        store = Store(root)
        store.seed(
            [
                {"code": PROVINCE, "name": "Ủy ban nhân dân tỉnh Mô Phỏng", "system_id": "sim-tinh"},
                {
                    "code": DISTRICT,
                    "name": "Ủy ban nhân dân huyện Mô Phỏng",
                    "pcode": PROVINCE,
                    "system_id": "sim-huyen",
                },
                {"code": COMMUNE, "name": "Ủy ban nhân dân xã Liên Minh", "pcode": DISTRICT, "system_id": "qlvb-demo"},
                {"code": TYT, "name": "Trạm Y tế xã Liên Minh", "pcode": COMMUNE, "system_id": "qlvb-demo"},
                # on the axis under our system, but not an agency of this deployment
                {"code": ELSEWHERE, "name": "Trường Mầm non xã Liên Minh", "pcode": COMMUNE, "system_id": "qlvb-demo"},
            ],
            secrets_by_system=SECRETS,
        )
        self.server = make_axis_server(AxisApp(store, answer=answer))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.district = VdxpTransport(VdxpConfig(endpoint=self.url, system_id="sim-huyen", secret=SECRETS["sim-huyen"]))

    def faults(self, **values: object) -> None:
        requests.post(f"{self.url}/_sim/faults", json=values, timeout=5).raise_for_status()


def pdf(tmp_path: Path, name: str = "cong-van.pdf") -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def district_package(tmp_path: Path, *, number: str = "45", btype: str = "0", **extra: Any) -> Path:
    """What the district's own system would send to the commune."""
    document_id = f"{DISTRICT},2026/12/01,{number}/UBND-VP"
    header: dict[str, Any] = {
        "from_": m.Organization(organ_id=DISTRICT, organ_name="Ủy ban nhân dân huyện Mô Phỏng"),
        "to": [m.Organization(organ_id=extra.pop("to", COMMUNE), organ_name="Ủy ban nhân dân xã Liên Minh")],
        "document_id": document_id,
        "code": m.Code(number, "UBND-VP"),
        "promulgation_info": m.PromulgationInfo("Mô Phỏng", "2026/12/01"),
        "document_type": m.DocumentType("1", "", "Công văn"),
        "subject": "V/v rà soát hộ nghèo cuối năm",
        "signer_info": m.SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Trần Văn Nam"),
    }
    header.update(extra.pop("header", {}))
    files = extra.pop("files", None)
    package = m.Edoc(
        header=m.EdocHeader(**header),
        bussiness=m.Bussiness(bussiness_doc_type=btype, **extra.pop("bussiness", {})),
        attachments=[m.Attachment(path=f) for f in files]
        if files is not None
        else ([m.Attachment(path=pdf(tmp_path))] if btype != "1" else []),
    )
    out = tmp_path / f"{number}-{btype}.edxml"
    edxml.build(package, out)
    return out


def received(axis: Axis, tmp_path: Path, message_type: str) -> list[Any]:
    out = []
    for message in axis.district.list_received(message_type=message_type):  # type: ignore[arg-type]
        path = tmp_path / f"got-{message.id}.edxml"
        axis.district.download(message.id, path)
        axis.district.acknowledge(message.id, "done")
        out.append((path, edxml.parse(path, attachments_dir=tmp_path / f"files-{message.id}")))
    return out
