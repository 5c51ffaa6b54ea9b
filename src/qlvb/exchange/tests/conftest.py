"""The outgoing flow's fixtures, and the local axis (``axis``) with the district as an outside agency."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qlvb.directory.services import unit_create
from qlvb.outgoing.tests.conftest import (  # noqa: F401  (the outgoing flow's fixtures)
    agency_key,
    committed,
    cong_van,
    cong_van_docx,
    draft,
    eager,
    files_dir,
    issued,
    pki,
    profiles,
    seal_image,
    signature_image,
    signed,
    signing_settings,
    to_sign,
    tyt,
    ubnd,
    with_version,
)

from .localaxis import DISTRICT, SECRETS, Axis


@pytest.fixture(params=[False])
def axis(tmp_path: Path, settings: Any, request: Any) -> Iterator[Axis]:
    running = Axis(tmp_path / "axis", answer=request.param)
    settings.QLVB_AXIS_ENDPOINT = running.url
    settings.QLVB_AXIS_SYSTEM_ID = "qlvb-demo"
    settings.QLVB_AXIS_SECRET = SECRETS["qlvb-demo"]
    settings.QLVB_AXIS_TIMEOUT = 5
    settings.QLVB_AXIS_RETRY_BASE_SECONDS = 30
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def district(demo: None) -> Any:
    return unit_create(
        actor=None,
        kind="agency",
        name="Ủy ban nhân dân huyện Mô Phỏng",
        short_name="UBND huyện",
        organ_id=DISTRICT,
        external=True,
        parent=None,
    )
