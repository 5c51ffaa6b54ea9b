"""``qlvb pdf`` — sign and verify PDF files from the command line (administrators).

    qlvb pdf verify FILE [--json] [--no-fetch]      exit status 0 hợp lệ, 1 không hợp lệ, 2 chưa xác định
    qlvb pdf sign personal IN OUT --image chu-ky.png  (--p12 FILE | --pkcs11-module SO --token LABEL
                                  --key-label LABEL | --csc-url URL --credential ID) [--pin PIN]
                                  [--name "Nguyễn Văn Hùng" | --placeholder TEXT | --box P,X1,Y1,X2,Y2]
    qlvb pdf sign number IN OUT --number 12/QĐ-UBND --date 05/03/2026
    qlvb pdf sign agency IN OUT --image dau.png (key options) [--seal-mm 36]
    qlvb pdf sign attachment IN OUT --number 12/QĐ-UBND (key options)

The PIN is read from ``--pin``, else from the environment variable ``QLVB_SIGNING_PIN``, else asked
for on the terminal (never echoed).
"""

from __future__ import annotations

import getpass
import json
import logging
import os
from argparse import ArgumentParser
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qlvb.core.errors import DomainError
from qlvb.signing import pdfsign
from qlvb.signing.keys import CscKey, Pkcs11Key, Pkcs12Key, SigningKey
from qlvb.signing.verify import verify_pdf

STATUS_MARK = {"ok": "✓", "fail": "✗", "unknown": "?"}


class Command(BaseCommand):
    help = "Ký số và kiểm tra chữ ký số tệp PDF (PAdES)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Kiểm tra chữ ký số của một tệp PDF.")
        verify.add_argument("file")
        verify.add_argument("--json", action="store_true", help="In báo cáo dạng JSON.")
        verify.add_argument("--no-fetch", action="store_true", help="Không truy vấn OCSP/CRL qua mạng.")

        sign = sub.add_parser("sign", help="Ký số tệp PDF.")
        sign.add_argument("kind", choices=["personal", "number", "agency", "attachment"])
        sign.add_argument("input")
        sign.add_argument("output")
        sign.add_argument("--image", help="Ảnh chữ ký (personal) hoặc ảnh con dấu (agency), PNG nền trong suốt.")
        sign.add_argument("--p12", help="Tệp khóa PKCS#12.")
        sign.add_argument("--pkcs11-module", help="Thư viện PKCS#11 của USB token/HSM.")
        sign.add_argument("--token", help="Nhãn thiết bị PKCS#11.")
        sign.add_argument("--key-label", help="Nhãn khóa trên thiết bị PKCS#11.")
        sign.add_argument("--csc-url", help="Địa chỉ dịch vụ ký số từ xa (CSC API v1).")
        sign.add_argument("--credential", help="Mã chứng thư trên dịch vụ ký số từ xa.")
        sign.add_argument("--pin", help="Mã PIN / mật khẩu (mặc định: biến môi trường QLVB_SIGNING_PIN).")
        sign.add_argument("--name", default="", help="Họ tên người ký để tìm vị trí chữ ký.")
        sign.add_argument("--placeholder", default="", help="Chuỗi đánh dấu vị trí chữ ký trong văn bản.")
        sign.add_argument("--box", help="Vị trí tường minh: trang(0),x1,y1,x2,y2 (điểm PDF).")
        sign.add_argument("--number", default="", help="Số, ký hiệu văn bản.")
        sign.add_argument("--date", default="", help="Ngày ban hành dd/mm/yyyy.")
        sign.add_argument("--seal-mm", type=float, default=pdfsign.SEAL_DIAMETER_MM, help="Đường kính con dấu (mm).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("verbosity", 1) < 2:
            # pyHanko logs every failed check with a traceback; the report already says it in words
            for name in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            if options["action"] == "verify":
                self._verify(options)
            else:
                self._sign(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(f"Không đọc/ghi được tệp: {exc}") from exc

    def _verify(self, options: dict[str, Any]) -> None:
        data = Path(options["file"]).read_bytes()
        report = verify_pdf(data, fetch=False if options["no_fetch"] else None)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            self._exit(report["verdict"])
            return
        self.stdout.write(f"Tệp: {options['file']} (SHA-256 {report['file_sha256']})")
        self.stdout.write(f"Kết luận: {report['verdict_label'].upper()}")
        for reason in report["reasons"]:
            self.stdout.write(f"  - {reason}")
        for index, sig in enumerate(report["signatures"], start=1):
            signer = sig["signer"]
            self.stdout.write("")
            if sig.get("kind") == "doc_timestamp":
                self.stdout.write(
                    f"{sig['kind_label']} {index} ({sig['field']}): nơi cấp {signer.get('ten', '?')}"
                    f" — {sig['verdict_label']}"
                )
            else:
                self.stdout.write(
                    f"Chữ ký {index} ({sig['field']}): {signer.get('ten', '?')} — {signer.get('to_chuc', '')}"
                    f" — {sig['verdict_label']}"
                )
                self.stdout.write(f"  Thời điểm ký (người ký khai): {sig['claimed_time'] or 'không có'}")
            self.stdout.write(f"  Dấu thời gian: {sig['timestamp_time'] or 'không có'}")
            for check in sig["checks"]:
                self.stdout.write(f"  [{STATUS_MARK[check['status']]}] {check['label']}: {check['message']}")
        self._exit(report["verdict"])

    @staticmethod
    def _exit(verdict: str) -> None:
        """Exit status for scripts: 0 hợp lệ, 1 không hợp lệ, 2 chưa xác định."""
        if verdict != "valid":
            raise SystemExit(1 if verdict == "invalid" else 2)

    def _key(self, options: dict[str, Any]) -> SigningKey:
        if options["p12"]:
            return Pkcs12Key(options["p12"])
        if options["pkcs11_module"]:
            if not (options["token"] and options["key_label"]):
                raise CommandError("Cần --token và --key-label cho khóa PKCS#11.")
            return Pkcs11Key(
                module=options["pkcs11_module"], token_label=options["token"], key_label=options["key_label"]
            )
        if options["csc_url"]:
            if not options["credential"]:
                raise CommandError("Cần --credential cho dịch vụ ký số từ xa.")
            return CscKey(service_url=options["csc_url"], credential_id=options["credential"])
        raise CommandError("Chọn khóa ký: --p12, --pkcs11-module hoặc --csc-url.")

    def _pin(self, options: dict[str, Any]) -> str:
        if options["pin"] is not None:
            return str(options["pin"])
        if "QLVB_SIGNING_PIN" in os.environ:
            return os.environ["QLVB_SIGNING_PIN"]
        if options["csc_url"]:
            return ""
        return getpass.getpass("Mã PIN / mật khẩu khóa: ")

    def _sign(self, options: dict[str, Any]) -> None:
        data = Path(options["input"]).read_bytes()
        kind = options["kind"]
        if kind == "number":
            if not (options["number"] and options["date"]):
                raise CommandError("Cần --number và --date (dd/mm/yyyy).")
            try:
                issue_date = datetime.strptime(options["date"], "%d/%m/%Y").date()  # noqa: DTZ007 (a date)
            except ValueError as exc:
                raise CommandError("Ngày không đúng dạng dd/mm/yyyy.") from exc
            Path(options["output"]).write_bytes(
                pdfsign.pdf_write_number(pdf=data, number=options["number"], issue_date=issue_date)
            )
            self.stdout.write(f"Đã ghi số {options['number']} ngày {options['date']} vào {options['output']}.")
            return
        key = self._key(options)
        pin = self._pin(options)
        if kind in ("personal", "agency") and not options["image"]:
            raise CommandError("Cần --image (ảnh chữ ký hoặc ảnh con dấu, PNG).")
        box = None
        if options["box"]:
            try:
                page, x1, y1, x2, y2 = (float(v) for v in options["box"].split(","))
            except ValueError as exc:
                raise CommandError("--box có dạng trang,x1,y1,x2,y2") from exc
            box = (int(page), x1, y1, x2, y2)
        if kind == "personal":
            result = pdfsign.pdf_sign_personal(
                pdf=data,
                key=key,
                pin=pin,
                image_png=Path(options["image"]).read_bytes(),
                signer_name=options["name"],
                placeholder=options["placeholder"],
                box=box,
                seal_diameter_mm=options["seal_mm"],
            )
        elif kind == "agency":
            result = pdfsign.pdf_sign_agency(
                pdf=data,
                key=key,
                pin=pin,
                seal_png=Path(options["image"]).read_bytes(),
                seal_diameter_mm=options["seal_mm"],
                box=box,
            )
        else:
            if not options["number"]:
                raise CommandError("Cần --number (số, ký hiệu văn bản).")
            result = pdfsign.pdf_sign_attachment(pdf=data, key=key, pin=pin, number=options["number"])
        Path(options["output"]).write_bytes(result.pdf)
        self.stdout.write(
            f"Đã ký ({result.field_name}, PAdES {result.level}) bởi {result.signer.get('ten', '')} "
            f"lúc {pdfsign.vn_iso(result.signing_time)} → {options['output']}."
        )
