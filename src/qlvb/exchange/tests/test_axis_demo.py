"""What `make run` gets for the national axis: the simulator beside the site, the site pointed at it with
a secret generated into the data folder, and the simulated district and province in the directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qlvb.directory.models import Unit
from qlvb.exchange.axis_demo import demo_outside_agencies, side_service


def test_serve_starts_the_simulator_and_points_the_site_at_it(settings: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("QLVB_AXIS_SIM_DIR", str(tmp_path / "sim"))
    monkeypatch.delenv("QLVB_AXIS_SIM", raising=False)
    settings.QLVB_AXIS_ENDPOINT = ""
    settings.QLVB_AXIS_SIM_BIND = "127.0.0.1:8792"
    service = side_service()
    assert service is not None
    assert service.argv[:3] == ["axis-sim", "--bind", "127.0.0.1:8792"] and "--answer" in service.argv
    accounts = json.loads((tmp_path / "sim" / "accounts.json").read_text(encoding="utf-8"))
    assert service.env == {
        "QLVB_AXIS_ENDPOINT": "http://127.0.0.1:8792",
        "QLVB_AXIS_SYSTEM_ID": "qlvb-demo",
        "QLVB_AXIS_SECRET": accounts["qlvb-demo"]["secret"],
    }
    assert side_service().env == service.env  # the secret is kept across starts

    settings.QLVB_AXIS_ENDPOINT = "https://lgsp.example.gov.vn"  # a real axis configured: no simulator
    assert side_service() is None


@pytest.mark.django_db
def test_demo_adds_the_simulated_district_and_province_once(demo: None) -> None:
    demo_outside_agencies()
    demo_outside_agencies()
    outside = Unit.objects.filter(organ_id__in=["000.00.00.H42", "000.00.30.H42"])
    assert outside.count() == 2 and all(u.external and u.is_agency for u in outside)
