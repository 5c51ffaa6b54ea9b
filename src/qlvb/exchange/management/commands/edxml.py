"""``qlvb edxml`` — read, make, sign and check edXML packages (QCVN 102:2016) from the command line.

    qlvb edxml parse FILE [--json] [--out DIR]     metadata, statuses, attachments, warnings (exit 0)
                                                   or the Vietnamese reason it is refused (exit 1)
    qlvb edxml build --json META.json [--attach FILE ...] -o OUT [--key KEY --cert CERT]
    qlvb edxml sign IN OUT --key KEY.pem|KEY.p12 [--cert CERT.pem]
    qlvb edxml verify FILE                         exit 0 valid, 1 invalid, 2 absent or dummy

``META.json`` is the package as ``parse --json`` prints it (``"kind": "edoc"`` with ``header``,
``trace_headers``, ``bussiness``, ``attachments``; or ``"kind": "status"``); ``--attach`` files are
added after the attachments the JSON lists. Building from a registered document comes with the
transport work. The key password is read from ``QLVB_EDXML_KEY_PASSWORD``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from qlvb.exchange.edxml import status as status_codes
from qlvb.exchange.edxml.build import build
from qlvb.exchange.edxml.errors import EdxmlRefused
from qlvb.exchange.edxml.model import Attachment, Edoc, Status, from_dict, to_dict
from qlvb.exchange.edxml.parse import parse, peek_sender
from qlvb.exchange.edxml.signature import SignatureVerdict, sign_package, verify_package

DOC_TYPES = {"0": "văn bản mới", "1": "thu hồi", "2": "cập nhật", "3": "thay thế"}


class Command(BaseCommand):
    help = "Đọc, tạo, ký và kiểm tra gói tin edXML (QCVN 102:2016)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("parse", help="Đọc một gói tin edXML.")
        p.add_argument("file")
        p.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        p.add_argument("--out", help="Thư mục lưu các tệp đính kèm (mặc định: không lưu).")
        p.add_argument("--no-verify", action="store_true", help="Không kiểm tra chữ ký số XML.")

        b = sub.add_parser("build", help="Tạo gói tin edXML từ siêu dữ liệu JSON.")
        b.add_argument("--json", dest="meta", required=True, help="Tệp JSON siêu dữ liệu.")
        b.add_argument("--attach", nargs="*", default=[], help="Tệp đính kèm.")
        b.add_argument("-o", "--output", required=True)
        b.add_argument("--key", help="Khóa ký của cơ quan (PEM hoặc PKCS#12).")
        b.add_argument("--cert", help="Chứng thư số PEM (khi khóa là PEM riêng).")

        s = sub.add_parser("sign", help="Ký số XML một gói tin edXML.")
        s.add_argument("input")
        s.add_argument("output")
        s.add_argument("--key", required=True)
        s.add_argument("--cert")

        v = sub.add_parser("verify", help="Kiểm tra chữ ký số XML của một gói tin.")
        v.add_argument("file")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            code = getattr(self, "_" + opts["action"])(opts)
        except EdxmlRefused as exc:
            self.stderr.write(f"Gói tin bị từ chối: {exc.message}")
            source = opts.get("file") or opts.get("input")
            hint = peek_sender(source) if source else None
            if hint and hint.organ_id:
                self.stderr.write(
                    f"Bên gửi: {hint.organ_id}, văn bản {hint.document_id or '(không rõ)'} — trả lời bằng trạng thái 02"
                )
            sys.exit(1)
        except (OSError, ValueError, json.JSONDecodeError) as exc:
            self.stderr.write(f"Lỗi: {exc}")
            sys.exit(1)
        if code:
            sys.exit(code)

    # -- parse
    def _parse(self, opts: dict[str, Any]) -> int:
        parsed = parse(opts["file"], attachments_dir=opts["out"])
        verdict = None if opts["no_verify"] else verify_package(opts["file"])
        if opts["json"]:
            out = {
                "package": to_dict(parsed.package),
                "warnings": [{"code": w.code, "element": w.element, "message": w.message} for w in parsed.warnings],
                "signature": to_dict(verdict) if verdict else None,
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return 0
        pkg = parsed.package
        w = self.stdout.write
        if isinstance(pkg, Status):
            w(f"Gói trạng thái: {pkg.status_code} — {status_codes.status_label(pkg.status_code)}")
            w(f"Từ: {pkg.from_.organ_id} {pkg.from_.organ_name}")
            w(f"Về văn bản: {pkg.response_for.document_id} ({pkg.response_for.code})")
            w(f"Mô tả: {pkg.description}")
            w(f"Thời điểm: {pkg.timestamp}")
        else:
            h = pkg.header
            kind = pkg.bussiness.bussiness_doc_type if pkg.bussiness else "0"
            w(f"Gói văn bản: {DOC_TYPES.get(kind, 'nghiệp vụ ' + kind)}")
            w(f"Từ: {h.from_.organ_id} {h.from_.organ_name}")
            for to in h.to:
                w(f"Đến: {to.organ_id} {to.organ_name}")
            w(f"Mã định danh: {h.document_id}")
            w(f"Số, ký hiệu: {h.code.code_number}/{h.code.code_notation}")
            w(f"Ngày ban hành: {h.promulgation_info.promulgation_date} tại {h.promulgation_info.place}")
            w(f"Loại: {h.document_type.type_name} ({h.document_type.type})")
            w(f"Trích yếu: {h.subject}")
            w(f"Người ký: {h.signer_info.competence} {h.signer_info.position} {h.signer_info.full_name}".rstrip())
            for rf in h.response_for:
                w(f"Trả lời/tác động đến: {rf.document_id} ({rf.code})")
            if pkg.bussiness and pkg.bussiness.document_info:
                for r in pkg.bussiness.document_info.receivers:
                    w(f"Nơi nhận cập nhật: {r.organ_id} (loại {r.receiver_type})")
            if pkg.bussiness:
                for rep in pkg.bussiness.replacements:
                    w(f"Thay thế: {rep.document_id} tại {', '.join(rep.organ_ids)}")
            for a in pkg.attachments:
                where = f" → {a.path}" if a.path else ""
                w(f"Đính kèm: {a.attachment_name} ({a.size:,} byte, sha256 {a.sha256[:16]}…){where}")
        if verdict:
            w(f"Chữ ký số XML: {verdict.verdict} — {verdict.message}")
        for warn in parsed.warnings:
            w(f"Cảnh báo: {warn}")
        return 0

    # -- build
    def _build(self, opts: dict[str, Any]) -> int:
        data = json.loads(Path(opts["meta"]).read_text(encoding="utf-8"))
        if isinstance(data, dict) and "package" in data:
            data = data["package"]  # the output of parse --json
        if not isinstance(data, dict):
            raise ValueError("Tệp JSON phải là một đối tượng")
        kind = data.get("kind", "edoc")
        package: Edoc | Status
        if kind == "status":
            package = from_dict(Status, data)
        else:
            edoc: Edoc = from_dict(Edoc, data)
            edoc.attachments += [Attachment(path=Path(f)) for f in opts["attach"]]
            package = edoc
        out = Path(opts["output"])
        build(package, out)
        if opts["key"]:
            sign_package(out, out, key_path=opts["key"], cert_path=opts["cert"], password=_password())
        self.stdout.write(f"Đã tạo gói tin {out} ({out.stat().st_size:,} byte)")
        return 0

    # -- sign / verify
    def _sign(self, opts: dict[str, Any]) -> int:
        parse(opts["input"])  # refuse what we would not accept ourselves
        sign_package(opts["input"], opts["output"], key_path=opts["key"], cert_path=opts["cert"], password=_password())
        self.stdout.write(f"Đã ký gói tin {opts['output']}")
        return 0

    def _verify(self, opts: dict[str, Any]) -> int:
        with tempfile.TemporaryDirectory():
            parse(opts["file"])  # the streamed checks first: DOCTYPE, well-formedness, attachments
        verdict: SignatureVerdict = verify_package(opts["file"])
        self.stdout.write(f"{verdict.verdict}: {verdict.message}" + (f" — {verdict.signer}" if verdict.signer else ""))
        return {"valid": 0, "invalid": 1}.get(verdict.verdict, 2)


def _password() -> str | None:
    return os.environ.get("QLVB_EDXML_KEY_PASSWORD") or None
