"""The audit log is append-only and tamper-evident: `qlvb audit verify` names the first altered entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from qlvb.core import audit
from qlvb.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _chain(n: int = 6) -> list[AuditEntry]:
    return [
        audit.record("unit.updated", obj=("directory.unit", str(i), f"Đơn vị {i}"), data={"i": i, "tên": "Liên Minh"})
        for i in range(n)
    ]


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _disable_append_only_trigger() -> None:
    """What a DBA with full rights could do on PostgreSQL: switch the guard off first."""
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only", [])


def test_an_intact_chain_verifies() -> None:
    entries = _chain()
    assert audit.verify_chain().ok
    out = _verify()
    assert f"{len(entries)} mục" in out
    assert "toàn vẹn" in out


def test_entries_are_linked_by_hash() -> None:
    first, second, *_ = _chain(3)
    assert first.prev_hash == audit.GENESIS
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1


def test_an_altered_row_is_named_by_its_number() -> None:
    entries = _chain()
    target = entries[3]
    if connection.vendor == "postgresql":
        # The database itself refuses the change while the trigger is on.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw("UPDATE core_auditentry SET object_repr = %s WHERE seq = %s", ["sửa lén", target.seq])
    _disable_append_only_trigger()
    _raw("UPDATE core_auditentry SET object_repr = %s WHERE seq = %s", ["sửa lén", target.seq])
    with pytest.raises(CommandError, match=rf"mục số {target.seq}\b"):
        _verify()
    report = audit.verify_chain()
    assert report.first_bad_seq == target.seq
    assert report.checked == 3  # the entries before it are still proven intact


def test_altered_data_is_found_too() -> None:
    entries = _chain()
    _disable_append_only_trigger()
    _raw("UPDATE core_auditentry SET actor_username = %s WHERE seq = %s", ["ublienminh_khac", entries[0].seq])
    assert audit.verify_chain().first_bad_seq == entries[0].seq


def test_deleting_a_middle_row_is_found() -> None:
    entries = _chain()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw("DELETE FROM core_auditentry WHERE seq = %s", [entries[2].seq])
    _disable_append_only_trigger()
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [entries[2].seq])
    with pytest.raises(CommandError, match=rf"mục số {entries[2].seq}\b"):
        _verify()


def test_deleting_the_last_row_is_found() -> None:
    entries = _chain()
    _disable_append_only_trigger()
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [entries[-1].seq])
    with pytest.raises(CommandError, match=rf"mục số {entries[-1].seq}\b"):
        _verify()


def test_the_model_refuses_to_update_or_delete_an_entry() -> None:
    entry = _chain(1)[0]
    stored = AuditEntry.objects.get(seq=entry.seq)
    stored.object_repr = "khác"
    with pytest.raises(RuntimeError, match="chỉ được ghi thêm"):
        stored.save()
    with pytest.raises(RuntimeError, match="không được xóa"):
        stored.delete()
    assert AuditEntry.objects.get(seq=entry.seq).object_repr == entry.object_repr
    assert audit.verify_chain().ok


def test_an_undeclared_action_is_refused() -> None:
    with pytest.raises(ValueError, match="undeclared"):
        audit.record("something.unknown")


def test_a_rolled_back_action_leaves_no_entry_and_the_chain_stays_whole() -> None:
    _chain(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("unit.created", obj=("directory.unit", "9", "Đơn vị hủy"))
        raise RuntimeError("rollback")
    after = audit.record("unit.created", obj=("directory.unit", "10", "Đơn vị mới"))
    assert after.seq == 3
    assert audit.verify_chain().ok
