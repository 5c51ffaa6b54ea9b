"""The index of an agency's lists (direction, urgency, received).

Built ``CONCURRENTLY`` on PostgreSQL (issue 15): ``documents_document`` is one of the large tables, and a
plain ``CREATE INDEX`` would stop every write to it for the whole build. Hence ``atomic = False``; SQLite
builds it plainly."""

from django.conf import settings
from django.db import migrations, models

from qlvb.core.concurrent_index import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("directory", "0001_initial"),
        ("documents", "0006_alter_document_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="document",
            index=models.Index(
                fields=["agency", "direction", "-urgency", "-received_at", "-id"], name="document_agency_list_idx"
            ),
        ),
    ]
