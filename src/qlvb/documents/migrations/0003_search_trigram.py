"""On PostgreSQL, a trigram GIN index makes the quick search (LIKE '%word%' on the folded text) use an
index. SQLite scans; it serves small agencies.

Built ``CONCURRENTLY`` (issue 15): ``documents_document`` is one of the large tables, and a plain build
would stop its writes for as long as the GIN takes. Hence ``atomic = False``."""

from django.db import migrations

from qlvb.core.concurrent_index import create_index_concurrently


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    create_index_concurrently(
        schema_editor, "document_search_trgm", "ON documents_document USING gin (search_folded gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS document_search_trgm")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("documents", "0002_document_types")]
    operations = [migrations.RunPython(forwards, backwards)]
