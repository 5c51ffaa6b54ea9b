"""The head keeps the fingerprint of the audit key; on PostgreSQL TRUNCATE of the log is refused too
(the row trigger of 0002 does not fire on TRUNCATE)."""

from django.db import migrations, models

CREATE = """
CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
  FOR EACH STATEMENT EXECUTE FUNCTION qlvb_audit_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(forwards, backwards),
    ]
