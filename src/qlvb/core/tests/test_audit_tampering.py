"""The attacks on the audit log found by the probe (issue 9), each as a test: someone with write access
to the database but without the audit key can no longer rewrite, cut or empty the log unnoticed."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from qlvb.core import audit
from qlvb.core.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


def _chain(n: int = 8) -> list[AuditEntry]:
    return [
        audit.record("unit.updated", obj=("directory.unit", str(i), f"Đơn vị {i}"), data={"i": i}) for i in range(n)
    ]


def _sql(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _guards_off() -> None:
    """What the database owner can do on PostgreSQL: switch the row and TRUNCATE guards off."""
    if connection.vendor == "postgresql":
        _sql("ALTER TABLE core_auditentry DISABLE TRIGGER USER")


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _rewrite_from(seq: int, digest) -> None:
    """Recompute every hash from ``seq`` on and move the head, as the probe did."""
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else audit.GENESIS
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        new = digest(prev, entry)
        _sql("UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, new, entry.seq])
        prev = new
    _sql("UPDATE core_auditchainhead SET last_hash = %s WHERE id = 1", [prev])


def test_modify_one_entry_and_recompute_the_plain_sha256_chain_is_found() -> None:
    entries = _chain()
    _guards_off()
    _sql(
        "UPDATE core_auditentry SET object_repr = %s, actor_username = %s WHERE seq = %s",
        ["Đơn vị khác", "nguoi_khac", entries[3].seq],
    )
    _rewrite_from(entries[3].seq, audit.plain_sha256_hash)
    report = audit.verify_chain()
    assert report.first_bad_seq == entries[3].seq
    assert "HMAC" in report.reason
    with pytest.raises(CommandError, match=rf"mục số {entries[3].seq}\b"):
        _verify()


def test_forging_with_a_guessed_key_is_found() -> None:
    entries = _chain()
    guessed = b"qlvb-demo-audit-key-guessed-by-an-attacker"
    _guards_off()
    _sql("UPDATE core_auditentry SET data = %s WHERE seq = %s", [json.dumps({"i": 99}), entries[5].seq])
    _rewrite_from(entries[5].seq, lambda prev, entry: audit.entry_hash(prev, entry, guessed))
    assert audit.verify_chain().first_bad_seq == entries[5].seq


def test_the_real_key_is_needed_to_rebuild_the_chain() -> None:
    """The other side of the two tests above: with the key, the same rewrite would pass — which is why
    the key lives outside the database and is the operator's to guard."""
    entries = _chain(4)
    _guards_off()
    _sql("UPDATE core_auditentry SET object_repr = %s WHERE seq = %s", ["x", entries[1].seq])
    _rewrite_from(entries[1].seq, audit.entry_hash)
    assert audit.verify_chain().ok


def test_deleting_the_tail_and_moving_the_head_back_is_found_by_the_anchor() -> None:
    entries = _chain()
    anchor = audit.anchor_write()
    assert anchor is not None and anchor.last_seq == entries[-1].seq and anchor.count == len(entries)
    _guards_off()
    _sql("DELETE FROM core_auditentry WHERE seq > %s", [entries[5].seq])
    _sql("UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s WHERE id = 1", [entries[5].seq, entries[5].hash])
    report = audit.verify_chain()
    assert report.first_bad_seq == entries[6].seq
    assert "mốc neo" in report.reason and f"ghi {len(entries)} mục" in report.reason
    with pytest.raises(CommandError, match=rf"mục số {entries[6].seq}\b.*thiếu các mục cuối"):
        _verify()
    # …and the next anchor refuses to move back.
    with pytest.raises(audit.AnchorRefused, match="ngắn hơn mốc neo"):
        audit.anchor_write()


def test_cutting_the_tail_then_appending_again_is_found_by_the_anchored_hmac() -> None:
    """Cut two entries, move the head back, let the application append two new ones: the count is the
    same as anchored, but the anchored entry's HMAC is not."""
    entries = _chain(6)
    audit.anchor_write()
    _guards_off()
    _sql("DELETE FROM core_auditentry WHERE seq > %s", [entries[3].seq])
    _sql("UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s WHERE id = 1", [entries[3].seq, entries[3].hash])
    _chain(2)
    report = audit.verify_chain()
    assert report.first_bad_seq == entries[5].seq
    assert "mốc neo" in report.reason


@pytest.mark.postgres_only
def test_truncate_is_refused_by_the_database() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE and its trigger exist on PostgreSQL only")
    _chain(3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql("TRUNCATE core_auditentry")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql("TRUNCATE core_auditentry CASCADE")
    assert AuditEntry.objects.count() == 3
    assert audit.verify_chain().ok


def test_emptying_the_log_and_resetting_the_head_is_found_by_the_anchor() -> None:
    """TRUNCATE (with the guard switched off by the owner) or DELETE, then one UPDATE of the head."""
    entries = _chain(5)
    audit.anchor_write()
    _guards_off()
    _sql("TRUNCATE core_auditentry" if connection.vendor == "postgresql" else "DELETE FROM core_auditentry")
    _sql("UPDATE core_auditchainhead SET last_seq = 0, last_hash = %s WHERE id = 1", [audit.GENESIS])
    report = audit.verify_chain()
    assert report.checked == 0
    assert report.first_bad_seq == 1
    assert f"ghi {len(entries)} mục" in report.reason


def test_a_forged_anchor_line_is_found(settings) -> None:
    entries = _chain(5)
    audit.anchor_write()
    path = Path(settings.QLVB_AUDIT_ANCHOR_FILE)
    line = json.loads(path.read_text().splitlines()[-1])
    line["count"], line["last_seq"] = 3, entries[2].seq
    line["last_hmac"] = entries[2].hash
    with path.open("a") as out:
        out.write(json.dumps(line) + "\n")
    report = audit.verify_chain()
    assert not report.ok
    assert "mốc neo ngoài CSDL" in report.reason and "giả" in report.reason


def test_an_intact_chain_verifies_with_its_anchors() -> None:
    _chain(3)
    first = audit.anchor_write()
    _chain(2)
    second = audit.anchor_write()
    assert first is not None and second is not None and second.last_seq == first.last_seq + 2
    report = audit.verify_chain()
    assert report.ok and report.anchors_checked == 2 and report.anchored_seq == second.last_seq
    assert "khớp 2 mốc neo" in _verify()


def test_verify_says_when_nothing_is_anchored_yet() -> None:
    _chain(2)
    assert "chưa có mốc neo" in _verify()


def test_the_anchor_file_is_append_only_lines_with_a_mac(settings) -> None:
    _chain(2)
    audit.anchor_write()
    audit.anchor_write()
    path = Path(settings.QLVB_AUDIT_ANCHOR_FILE)
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    fields = json.loads(lines[0])
    assert set(fields) == {"count", "last_seq", "last_hmac", "at", "key_id", "mac"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_head_forged_in_the_database_is_never_anchored() -> None:
    entries = _chain(3)
    _guards_off()
    _sql("UPDATE core_auditentry SET object_repr = %s WHERE seq = %s", ["giả", entries[-1].seq])
    with pytest.raises(audit.AnchorRefused, match="không khớp khóa"):
        audit.anchor_write()


def test_verifying_with_another_key_says_so(settings) -> None:
    _chain(2)
    settings.QLVB_AUDIT_KEY = "another-key-of-at-least-thirty-two-characters"
    report = audit.verify_chain()
    assert report.first_bad_seq == 1
    assert "khóa" in report.reason
    with pytest.raises(Exception, match="không phải khóa đã dùng"):
        audit.record("unit.updated")


def test_the_embedded_default_creates_a_private_key_file(settings, tmp_path: Path) -> None:
    settings.QLVB_AUDIT_KEY = ""
    settings.QLVB_AUDIT_KEY_FILE = tmp_path / "sub" / "audit.key"
    settings.QLVB_AUDIT_KEY_CREATE = True
    key = audit.audit_key()
    assert len(key) == 64
    assert stat.S_IMODE(settings.QLVB_AUDIT_KEY_FILE.stat().st_mode) == 0o600
    assert audit.audit_key() == key  # the same key on the next start


def test_without_a_key_and_without_creating_one_nothing_is_written(settings, tmp_path: Path) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.QLVB_AUDIT_KEY = ""
    settings.QLVB_AUDIT_KEY_FILE = tmp_path / "missing.key"
    settings.QLVB_AUDIT_KEY_CREATE = False
    with pytest.raises(ImproperlyConfigured, match="Không có khóa nhật ký"):
        audit.record("unit.updated")
    assert not AuditEntry.objects.exists()


def test_the_beat_job_anchors_the_head(settings, celery_eager) -> None:
    from qlvb.core.tasks import audit_anchor_task

    assert settings.CELERY_BEAT_SCHEDULE["audit-anchor"]["task"] == "qlvb.core.audit_anchor"
    assert audit_anchor_task.delay().get() == "empty"
    entries = _chain(2)
    assert audit_anchor_task.delay().get() == f"anchored #{entries[-1].seq}"
    assert "anchor" in _anchor_command()


def _anchor_command() -> str:
    out = StringIO()
    call_command("audit", "anchor", stdout=out)
    return out.getvalue()


def test_the_migration_rechains_a_plain_sha256_log_and_records_it() -> None:
    """Entries written by the first releases (plain SHA-256) are re-chained under the key; the entry
    ``audit.rechained`` records how many, the old head and whether the old chain was intact."""
    prev = audit.GENESIS
    _guards_off()
    for entry in _chain(4):  # turn them into what the first releases wrote
        old = audit.plain_sha256_hash(prev, entry)
        _sql("UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, old, entry.seq])
        prev = old
    _sql("UPDATE core_auditchainhead SET last_hash = %s, key_id = '' WHERE id = 1", [prev])
    if connection.vendor == "postgresql":
        _sql("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
    assert not audit.verify_chain().ok
    migration = importlib.import_module("qlvb.core.migrations.0004_audit_rechain_hmac")
    migration.rechain_entries(apps, connection)
    report = audit.verify_chain()
    assert report.ok and report.checked == 5
    last = AuditEntry.objects.get(seq=5)
    assert last.action == "audit.rechained"
    assert last.data["entries"] == 4 and last.data["old_chain_intact"] is True
    assert last.data["old_head_hash"] == prev
    assert AuditChainHead.objects.get(id=1).key_id == audit.key_id()
    expected = hmac.new(audit.audit_key(), b"qlvb-audit-key-id", hashlib.sha256).hexdigest()[:16]
    assert last.data["key_id"] == expected
    assert settings.QLVB_AUDIT_KEY_FILE  # the key came from outside the database


def test_the_migration_records_an_old_chain_that_was_already_broken() -> None:
    prev = audit.GENESIS
    _guards_off()
    entries = _chain(3)
    for entry in entries:
        old = audit.plain_sha256_hash(prev, entry)
        _sql("UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, old, entry.seq])
        prev = old
    _sql("UPDATE core_auditentry SET object_repr = 'sửa lén' WHERE seq = %s", [entries[1].seq])
    migration = importlib.import_module("qlvb.core.migrations.0004_audit_rechain_hmac")
    migration.rechain_entries(apps, connection)
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and last.action == "audit.rechained"
    assert last.data["old_chain_intact"] is False and last.data["old_chain_first_bad_seq"] == entries[1].seq


def test_anchors_are_timestamped_by_the_tsa_when_one_is_configured(settings, tmp_path) -> None:
    """RFC 3161 over real HTTP: the test PKI's TSA (certomancer) on 127.0.0.1."""
    from qlvb.signing.tests.pki import start_test_pki

    pki = start_test_pki(tmp_path / "pki")
    try:
        settings.QLVB_AUDIT_TSA_URL = pki.tsa_url
        _chain(2)
        anchor = audit.anchor_write()
    finally:
        pki.stop()
    assert anchor is not None and anchor.tst
    when = audit.timestamp_covers(anchor)
    assert when is not None and abs((when - timezone.now()).total_seconds()) < 600
    assert json.loads(Path(settings.QLVB_AUDIT_ANCHOR_FILE).read_text())["tst"] == anchor.tst
    assert audit.verify_chain().ok
    # a token moved onto another line no longer matches it
    line = json.loads(Path(settings.QLVB_AUDIT_ANCHOR_FILE).read_text())
    _chain(1)
    second = audit.anchor_write()
    assert second is not None and not second.tst  # the TSA is gone now: anchored without a time
    forged = json.loads(second.line())
    forged["tst"] = line["tst"]
    with Path(settings.QLVB_AUDIT_ANCHOR_FILE).open("a") as out:
        out.write(json.dumps(forged) + "\n")
    report = audit.verify_chain()
    assert not report.ok and "dấu thời gian" in report.reason
