"""``flush`` empties every table, the audit log included. On PostgreSQL the log refuses TRUNCATE by a
trigger (migration 0003); this deliberate wipe (tests, a developer's database) lifts it for its own
transaction only. Wiping the log is still caught by ``qlvb audit verify`` through the anchor file."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

TRIGGER = "core_auditentry_no_truncate"


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [TRIGGER])
                guarded = cursor.fetchone() is not None
                if guarded:
                    cursor.execute(f"ALTER TABLE core_auditentry DISABLE TRIGGER {TRIGGER}")
            super().handle(**options)
            if guarded:
                with connection.cursor() as cursor:
                    cursor.execute(f"ALTER TABLE core_auditentry ENABLE TRIGGER {TRIGGER}")
