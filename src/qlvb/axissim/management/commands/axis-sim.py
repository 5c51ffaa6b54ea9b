# ruff: noqa: N999 — the command is spelt `qlvb axis-sim`, as the issue names it
"""``qlvb axis-sim``: serve the local axis simulator (docs/axis.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from qlvb.axissim.server import AxisApp, Faults, Store, make_axis_server, seed_default


class Command(BaseCommand):
    help = "Chạy trục liên thông mô phỏng (VDXP/LGSP) trên máy này, cho kiểm thử và bản chạy thử."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("QLVB_AXIS_SIM_BIND", "127.0.0.1:8090"),
            help="địa chỉ:cổng (mặc định 127.0.0.1:8090)",
        )
        parser.add_argument(
            "--data", default=os.environ.get("QLVB_AXIS_SIM_DIR", ""), help="thư mục dữ liệu (mặc định var/axis-sim)"
        )
        parser.add_argument("--fail", type=int, default=0, help="trả lỗi 500 cho N yêu cầu tới (-1: mọi yêu cầu)")
        parser.add_argument("--delay", type=float, default=0.0, help="chờ bấy nhiêu giây trước mỗi câu trả lời")
        parser.add_argument("--duplicate", action="store_true", help="giao mỗi gói tin hai lần")
        parser.add_argument(
            "--answer", action="store_true", help="các cơ quan mô phỏng tự trả trạng thái 01 (đã đến) khi nhận văn bản"
        )
        parser.add_argument(
            "--take-back",
            choices=("15", "16"),
            default="",
            help="cơ quan mô phỏng trả lời yêu cầu lấy lại (13) bằng 15 (đồng ý) hoặc 16 (từ chối)",
        )
        parser.add_argument(
            "--edoc-json", action="store_true", help="getEdoc trả gói tin base64 trong JSON (như SDK) thay vì byte thô"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["data"]) if options["data"] else Path(settings.DATA_DIR) / "axis-sim"
        store = Store(root)
        seed_default(store)
        host, _, port = options["bind"].rpartition(":")
        faults = Faults(
            fail=options["fail"], delay=options["delay"], duplicate=options["duplicate"], take_back=options["take_back"]
        )
        server = make_axis_server(
            AxisApp(store, faults=faults, edoc_json=options["edoc_json"], answer=options["answer"]),
            host or "127.0.0.1",
            int(port),
        )
        self.stdout.write(f"Trục liên thông mô phỏng: http://{host}:{server.server_port}/ — dữ liệu tại {root}")
        for system, account in store.accounts().items():
            self.stdout.write(
                f"  hệ thống {system}: {', '.join(account['agencies'])} (khóa bí mật trong {root / 'accounts.json'})"
            )
        self.stdout.write("Nhấn Ctrl-C để dừng.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
