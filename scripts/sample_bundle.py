"""Write a sample migration bundle (docs/operations.md, "Chuyển đổi dữ liệu từ hệ thống cũ").

    PYTHONPATH=src .venv/bin/python scripts/sample_bundle.py goi-mau.zip [--organ-id 000.00.31.H42]
        [--units 5 --accounts 12 --incoming 30 --outgoing 20 --assignments 40 --dossiers 6]

Then: ``qlvb migrate-bundle goi-mau.zip --dry-run`` and ``qlvb migrate-bundle goi-mau.zip``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tạo gói chuyển đổi dữ liệu mẫu.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--organ-id", default="000.00.31.H42", help="mã định danh cơ quan (mặc định: xã mẫu)")
    for name, default in (("units", 5), ("accounts", 12), ("incoming", 30), ("outgoing", 20), ("assignments", 40),
                          ("dossiers", 6)):  # fmt: skip
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    import django

    django.setup()
    from qlvb.operations.migration_sample import Sizes, sample_bundle

    sizes = Sizes(args.units, args.accounts, args.incoming, args.outgoing, args.assignments, args.dossiers)
    with open(args.out, "wb") as out:
        sample_bundle(out, organ_id=args.organ_id, sizes=sizes)
    print(f"Đã tạo {args.out} ({args.out.stat().st_size} byte).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
