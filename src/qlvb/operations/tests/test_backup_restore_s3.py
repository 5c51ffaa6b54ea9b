"""Backup and restore with the files in an S3 object store (issue 17): the backup streams every object
(same relative names as the folder store: ``files/ab/cd/<sha256>``), the restore writes them into an empty
bucket, checked against the manifest; a bucket that already holds objects is never overwritten; a backup
of the folder store restores into an object store."""

# ruff: noqa: F811 — the fixtures imported from test_backup_restore and s3server are taken by name

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from qlvb.core.errors import Conflict
from qlvb.files import s3store
from qlvb.files.tests.s3server import MotoProcess, moto_server, s3_client, use_s3  # noqa: F401 — fixture
from qlvb.operations.backup import backup_create
from qlvb.operations.restore import RestoreTarget, backup_restore
from qlvb.operations.tests.test_backup_restore import (  # noqa: F401 — fixtures
    _restored_tables,
    _source_tables,
    documents,
    isolated,
    target,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _objects() -> dict[str, bytes]:
    """Every object of the configured bucket, read back with a plain S3 client."""
    client = s3_client(settings.S3_ENDPOINT_URL)
    return {
        key: client.get_object(Bucket=settings.S3_BUCKET, Key=key)["Body"].read() for key, _size in s3store.objects()
    }


@pytest.fixture
def on_s3(moto_server: MotoProcess, settings: Any, monkeypatch: pytest.MonkeyPatch) -> MotoProcess:
    use_s3(settings, monkeypatch, moto_server.url)
    return moto_server


def _s3_target(target: RestoreTarget) -> RestoreTarget:
    return RestoreTarget(
        database=target.database, files_dir=target.files_dir, anchor_file=target.anchor_file, store="s3"
    )


@pytest.mark.parametrize("passphrase", [None, "mật khẩu sao lưu dài 2026"], ids=["plain", "encrypted"])
def test_s3_backup_restores_into_an_empty_bucket_byte_for_byte(
    on_s3: MotoProcess,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    documents: list[int],
    isolated: Path,
    target: RestoreTarget,
    passphrase: str | None,
) -> None:
    before_objects = _objects()
    assert len(before_objects) == 3  # two PDFs and one note, stored once, in the bucket
    root = Path(settings.FILES_DIR)
    assert not any(p.is_file() for p in root.rglob("*") if p.relative_to(root).parts[0] != "tmp")
    made = backup_create(isolated / "backups", passphrase=passphrase)
    backed_up = sorted(
        p.relative_to(made.path / "files").as_posix() for p in (made.path / "files").rglob("*") if p.is_file()
    )
    assert backed_up == sorted(before_objects)
    before_rows = _source_tables()

    use_s3(settings, monkeypatch, on_s3.url)  # a new, empty bucket: the machine the backup is restored on
    result = backup_restore(made.path, _s3_target(target), passphrase=passphrase)

    assert result.files == 3
    after = _objects()
    assert after == before_objects
    assert all(hashlib.sha256(data).hexdigest() == key.rsplit("/", 1)[1] for key, data in after.items())
    after_rows = _restored_tables(target)
    assert [name for name in before_rows if before_rows[name] != after_rows.get(name)] == []
    assert not target.files_dir.exists()  # nothing went to a folder


def test_restore_never_writes_into_a_bucket_that_holds_objects(
    on_s3: MotoProcess, documents: list[int], isolated: Path, target: RestoreTarget
) -> None:
    made = backup_create(isolated / "backups")
    with pytest.raises(Conflict, match="đã có tệp: chỉ khôi phục vào một kho trống"):
        backup_restore(made.path, _s3_target(target))  # the bucket in use is not empty


def test_a_folder_backup_restores_into_an_object_store(
    moto_server: MotoProcess,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    documents: list[int],
    isolated: Path,
    target: RestoreTarget,
) -> None:
    assert settings.QLVB_STORAGE == "folder"
    root = Path(settings.FILES_DIR)
    folder = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] != "tmp"
    }
    assert len(folder) == 3
    made = backup_create(isolated / "backups")
    use_s3(settings, monkeypatch, moto_server.url)
    backup_restore(made.path, _s3_target(target))
    assert _objects() == folder
