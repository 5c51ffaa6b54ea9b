"""The national axis in the demo: ``qlvb serve`` (``make run``) starts the local axis simulator beside the
site and points the site at it, and ``qlvb demo`` adds its two simulated outside agencies (a district and
a province, QĐ 20/2020-style codes of a fictional province H42) to the directory as outside agencies."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings


def sim_dir() -> Path:
    return Path(os.environ.get("QLVB_AXIS_SIM_DIR") or Path(settings.DATA_DIR) / "axis-sim")


def side_service() -> Any:
    """What ``qlvb serve`` runs for the axis: the simulator on ``QLVB_AXIS_SIM_BIND`` (127.0.0.1:8792),
    with the demo system's connection handed to gunicorn and Celery through the environment — unless a
    real axis is configured (``QLVB_AXIS_ENDPOINT``), in production, or with ``QLVB_AXIS_SIM=0``."""
    from qlvb.axissim.server import Store, seed_default
    from qlvb.core.management.commands.serve import SideService

    if settings.QLVB_AXIS_ENDPOINT or settings.QLVB_ENV == "production" or os.environ.get("QLVB_AXIS_SIM") == "0":
        return None
    root = sim_dir()
    store = Store(root)
    seed_default(store)  # creates the accounts (secrets stay in the data folder, never in the repository)
    secret = store.accounts()["qlvb-demo"]["secret"]
    bind = settings.QLVB_AXIS_SIM_BIND
    return SideService(
        name=f"Trục liên thông mô phỏng (http://{bind})",
        argv=["axis-sim", "--bind", bind, "--data", str(root), "--answer"],
        env={"QLVB_AXIS_ENDPOINT": f"http://{bind}", "QLVB_AXIS_SYSTEM_ID": "qlvb-demo", "QLVB_AXIS_SECRET": secret},
    )


def demo_outside_agencies() -> str:
    """``qlvb demo``'s line: the simulator's outside agencies as outside agencies of the directory."""
    from qlvb.axissim.server import OUTSIDE_AGENCIES
    from qlvb.directory.models import Unit
    from qlvb.directory.services import unit_create

    added = 0
    for agency in OUTSIDE_AGENCIES:
        if Unit.objects.filter(organ_id=agency["code"]).exists():
            continue
        unit_create(
            actor=None,
            kind="agency",
            name=agency["name"],
            short_name="UBND tỉnh" if agency["code"].endswith("00.00.H42") else "UBND huyện",
            organ_id=agency["code"],
            external=True,
            parent=None,
        )
        added += 1
    return (
        f"Liên thông: {added} cơ quan ngoài hệ thống mới "
        f"({', '.join(a['code'] for a in OUTSIDE_AGENCIES)}), nhận và trả lời qua trục liên thông mô phỏng "
        f"http://{settings.QLVB_AXIS_SIM_BIND} (chạy cùng `qlvb serve`)."
    )
