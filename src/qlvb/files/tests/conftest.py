from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def files_dir(tmp_path: Path) -> Iterator[Path]:
    """Every files test stores into its own folder; Django's upload temp files go beside it."""
    root = tmp_path / "files"
    upload_tmp = tmp_path / "upload-tmp"
    upload_tmp.mkdir()
    with override_settings(FILES_DIR=root, FILE_UPLOAD_TEMP_DIR=str(upload_tmp)):
        yield root


def stored_paths(root: Path) -> list[Path]:
    """Every file under the storage root (temporary ones included)."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


from .s3server import moto_server, s3_store, store  # noqa: E402, F401 — fixtures of the S3 store tests
