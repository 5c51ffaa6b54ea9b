"""Issue 15, Điều 18.2 and 21.5 of the seed: a backup brings a fresh machine back to exactly the state
it was taken in. Data is made through the services, backed up, restored into an empty database and an
empty file store, and compared row by row and byte by byte; the restored copy's audit chain verifies."""

from __future__ import annotations

import filecmp
import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from qlvb.core.errors import Conflict, DomainError
from qlvb.files.intake import file_intake
from qlvb.incoming.services import IncomingFile, incoming_receive
from qlvb.incoming.tests.conftest import make_data
from qlvb.incoming.tests.test_attachments import pdf_bytes
from qlvb.operations.backup import backup_create, backups_list
from qlvb.operations.backup_manifest import backup_verify
from qlvb.operations.restore import RestoreTarget, backup_restore

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def isolated(settings: Any, tmp_path: Path) -> Path:
    settings.FILES_DIR = tmp_path / "files"
    settings.QLVB_AUDIT_ANCHOR_FILE = tmp_path / "anchor.jsonl"
    return tmp_path


@pytest.fixture
def documents(isolated: Path, person: Any) -> list[int]:
    """Two registered documents with their files (one PDF shared by both: stored once)."""
    clerk = person("lethuha")
    ubnd = clerk.agency if hasattr(clerk, "agency") else None
    from qlvb.directory.models import Unit

    ubnd = Unit.objects.get(short_name="UBND", kind="agency")
    made = []
    for number, pages in (("15", 2), ("16", 3)):
        stored = file_intake(
            actor=clerk, stream=io.BytesIO(pdf_bytes(pages)), original_name=f"cv-{number}.pdf", channel="scan"
        )
        note = file_intake(
            actor=clerk,
            stream=io.BytesIO("Ghi chú tiếng Việt: Quyết định".encode()),
            original_name="ghi-chu.txt",
            channel="scan",
        )
        result = incoming_receive(
            actor=clerk,
            agency=ubnd,
            channel="paper",
            data=make_data(code_number=number),
            files=[IncomingFile(stored), IncomingFile(note, kind="appendix")],
        )
        made.append(result.document.pk)
    return made


def _order(row: tuple[Any, ...]) -> str:
    return repr(row[0]) + repr(row)


def _tables_sqlite(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {name: sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=_order) for name in names}  # noqa: S608


def _tables_pg(cursor: Any) -> dict[str, list[tuple[Any, ...]]]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    names = [r[0] for r in cursor.fetchall()]
    found = {}
    for name in names:
        cursor.execute(f'SELECT * FROM "{name}"')  # noqa: S608 — names from the catalogue
        found[name] = sorted(cursor.fetchall(), key=_order)
    return found


def _source_tables() -> dict[str, list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _tables_pg(cursor)
        return _tables_sqlite(cursor.connection)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[RestoreTarget]:
    files_dir, anchor = tmp_path / "restored-files", tmp_path / "restored-anchor.jsonl"
    if connection.vendor != "postgresql":
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
        yield RestoreTarget(database=db, files_dir=files_dir, anchor_file=anchor)
        return
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    base = {**connection.settings_dict, "NAME": name}
    with psycopg.connect(
        dbname="postgres",
        host=base.get("HOST") or None,
        port=base.get("PORT") or None,
        user=base.get("USER") or None,
        autocommit=True,
    ) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield RestoreTarget(database=base, files_dir=files_dir, anchor_file=anchor)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restored_tables(target: RestoreTarget) -> dict[str, list[tuple[Any, ...]]]:
    if target.vendor == "sqlite":
        import sqlite3

        # the same conversions as Django's own connection (its converters are registered process-wide)
        types = sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
        with sqlite3.connect(target.database["NAME"], detect_types=types) as db:
            return _tables_sqlite(db)
    import psycopg

    where = target.database
    with psycopg.connect(
        dbname=where["NAME"],
        host=where.get("HOST") or None,
        port=where.get("PORT") or None,
        user=where.get("USER") or None,
        options="-c TimeZone=UTC",
    ) as conn:
        from psycopg.types.string import TextLoader

        for json_type in ("json", "jsonb"):  # read as Django's connection does: the JSON text
            conn.adapters.register_loader(json_type, TextLoader)
        with conn.cursor() as cursor:
            return _tables_pg(cursor)


def _tree(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] != "tmp"
    }


def _audit_verify_on(target: RestoreTarget) -> subprocess.CompletedProcess[str]:
    """``qlvb audit verify`` run as an operator would, against the restored copy."""
    if target.vendor == "sqlite":
        url = f"sqlite:///{target.database['NAME']}"
    else:
        db = target.database
        url = f"postgresql:///{db['NAME']}?host={db.get('HOST') or '/var/run/postgresql'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "QLVB_FILES_DIR": str(target.files_dir),
        "QLVB_AUDIT_ANCHOR_FILE": str(target.anchor_file),
        "QLVB_AUDIT_KEY_FILE": str(settings.QLVB_AUDIT_KEY_FILE),
    }
    if settings.QLVB_AUDIT_KEY:
        env["QLVB_AUDIT_KEY"] = settings.QLVB_AUDIT_KEY
    return subprocess.run(
        [sys.executable, "-m", "qlvb.cli", "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("passphrase", [None, "mật khẩu sao lưu dài 2026"], ids=["plain", "encrypted"])
def test_restore_brings_back_every_row_and_every_file_byte_for_byte(
    documents: list[int], isolated: Path, target: RestoreTarget, passphrase: str | None
) -> None:
    made = backup_create(isolated / "backups", passphrase=passphrase)
    assert backups_list(isolated / "backups") == [made.path]
    before_rows, before_files = _source_tables(), _tree(Path(settings.FILES_DIR))
    assert len(before_files) == 3  # two PDFs and one note stored once

    result = backup_restore(made.path, target, passphrase=passphrase)

    assert result.files == 3 and result.anchor_restored
    after_rows = _restored_tables(target)
    assert set(after_rows) == set(before_rows)
    differing = [name for name in before_rows if before_rows[name] != after_rows[name]]
    assert differing == []
    assert sum(len(rows) for rows in after_rows.values()) > 100  # the demo agency, the documents, the audit log
    after_files = _tree(target.files_dir)
    assert sorted(after_files) == sorted(before_files)
    assert all(filecmp.cmp(before_files[name], after_files[name], shallow=False) for name in before_files)
    verified = _audit_verify_on(target)
    assert verified.returncode == 0, verified.stderr
    assert "Nhật ký toàn vẹn" in verified.stdout


def test_one_changed_byte_is_found_by_verify_and_refused_by_restore(
    documents: list[int], isolated: Path, target: RestoreTarget
) -> None:
    made = backup_create(isolated / "backups")
    assert backup_verify(made.path).ok
    blob = next(p for p in (made.path / "files").rglob("*") if p.is_file())
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))

    report = backup_verify(made.path)

    assert not report.ok
    assert any("sai mã băm SHA-256" in problem for problem in report.problems)
    with pytest.raises(DomainError, match="không khớp danh mục"):
        backup_restore(made.path, target)
    assert not target.files_dir.exists()  # nothing written
    assert target.vendor == "postgresql" or not Path(target.database["NAME"]).exists()


def test_a_changed_manifest_is_refused(documents: list[int], isolated: Path) -> None:
    made = backup_create(isolated / "backups")
    manifest = made.path / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"vendor"', '"vendor" ', 1))
    report = backup_verify(made.path)
    assert not report.ok and "danh mục đã bị sửa" in report.problems[0]


def test_wrong_passphrase_is_refused(documents: list[int], isolated: Path, target: RestoreTarget) -> None:
    made = backup_create(isolated / "backups", passphrase="đúng mật khẩu")
    assert backup_verify(made.path, "đúng mật khẩu").ok
    assert not backup_verify(made.path, "sai mật khẩu").ok
    with pytest.raises(DomainError, match="sai cụm mật khẩu"):
        backup_restore(made.path, target, passphrase="sai mật khẩu")


def test_restore_never_overwrites_a_database_that_holds_data(documents: list[int], isolated: Path) -> None:
    made = backup_create(isolated / "backups")
    here = RestoreTarget(
        database=dict(connection.settings_dict) if connection.vendor == "postgresql" else _sqlite_copy(isolated),
        files_dir=isolated / "empty-files",
        anchor_file=isolated / "a.jsonl",
    )
    with pytest.raises(Conflict, match="đã có dữ liệu"):
        backup_restore(made.path, here)


def _sqlite_copy(tmp: Path) -> dict[str, Any]:
    import sqlite3

    path = tmp / "busy.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE holding (x int)")
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
