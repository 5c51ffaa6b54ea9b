"""``core.locks.row_locked``: the row read again under a lock, and on PostgreSQL only that row — the
rows joined to load its foreign keys stay free for other transactions."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext

from qlvb.core.locks import row_locked
from qlvb.directory.models import Unit, User


@pytest.mark.django_db
def test_the_row_is_read_again_with_its_related_rows(person) -> None:
    stale = person("lethuha")
    User.objects.filter(pk=stale.pk).update(position="Văn thư cơ quan")
    with transaction.atomic():
        fresh = row_locked(stale, related=("unit", "unit__agency"))
    assert fresh.pk == stale.pk and fresh.position == "Văn thư cơ quan"
    with CaptureQueriesContext(connection) as queries:  # loaded by the same query
        assert fresh.unit is not None and fresh.unit.agency is not None
    assert len(queries) == 0


@pytest.mark.django_db
def test_a_row_that_is_gone_raises_does_not_exist(demo) -> None:
    unit = Unit(pk=10**9, name="Đã xóa")
    with transaction.atomic(), pytest.raises(Unit.DoesNotExist):
        row_locked(unit)


def _lock_nowait(sql: str, pk: int) -> str:
    """In another thread (its own connection and transaction): try to lock one row without waiting."""
    outcome: list[str] = []

    def other() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [pk])
            outcome.append("locked")
        except OperationalError:
            outcome.append("busy")
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(30)
    return outcome[0]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_only_the_rows_own_table_is_locked(demo) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises write transactions")
    user = User.objects.get(username="ublienminh_lethuha")
    unit_sql = f"SELECT id FROM {Unit._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT"  # noqa: S608
    user_sql = f"SELECT id FROM {User._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT"  # noqa: S608
    with transaction.atomic():
        locked = row_locked(user, related=("unit",))
        assert locked.unit_id is not None
        assert _lock_nowait(user_sql, locked.pk) == "busy"
        assert _lock_nowait(unit_sql, locked.unit_id) == "locked"
    assert _lock_nowait(user_sql, user.pk) == "locked"  # the lock ends with the transaction
