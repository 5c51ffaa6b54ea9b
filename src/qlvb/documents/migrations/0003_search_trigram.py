"""On PostgreSQL, a trigram GIN index makes the quick search (LIKE '%word%' on the folded text) use an
index. SQLite scans; it serves small agencies."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS document_search_trgm ON documents_document USING gin (search_folded gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS document_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_document_types")]
    operations = [migrations.RunPython(forwards, backwards)]
