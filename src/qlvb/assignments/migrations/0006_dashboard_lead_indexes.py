"""Two partial covering indexes for the leader's dashboard (issue 14).

Built ``CONCURRENTLY`` on PostgreSQL (issue 15): ``assignments_assignment`` holds millions of rows at a
province's size, and the plain ``CREATE INDEX`` first written here held a SHARE lock on it for 11.7 s when
a copy of the 1 M database was upgraded (every write to assignments waited). Hence ``atomic = False``;
SQLite builds them plainly. A deployment that already applied the plain version is not affected (the
indexes are the same)."""

from django.db import migrations, models

from qlvb.core.concurrent_index import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("assignments", "0005_alter_notification_kind"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(("due_date__isnull", False), ("parent__isnull", True), ("role", "lead")),
                fields=["agency", "due_date"],
                include=("id", "unit", "completed_at", "status", "document"),
                name="assignment_lead_unit_due_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(("due_date__isnull", False), ("role", "lead"), ("user__isnull", False)),
                fields=["agency", "due_date"],
                include=("id", "user", "completed_at"),
                name="assignment_lead_user_due_idx",
            ),
        ),
    ]
