"""The agency beside the words (docs/search.md, "At scale"): ``SearchEntry.agency`` copies
``Document.agency``, and on PostgreSQL a GIN index on ``(agency_id, vector)`` (``btree_gin``) answers
"these words in this agency" in one index look-up instead of walking every document of the agency.

Made to run on a live database (docs/deploy.md, upgrades): the column is added without a default or a
constraint (no table rewrite), filled in batches of 5,000 rows each committed on its own, and the index is
built ``CONCURRENTLY`` — so the migration is not atomic on PostgreSQL. Running it again is harmless."""

from django.db import migrations, models

BATCH = 5_000
PG_INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS documents_searchentry_agency_vector "
    "ON documents_searchentry USING gin (agency_id, vector)"
)
# SQLite rebuilds a table for some changes and loses its triggers (migration 0010): make sure they stand.
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS documents_searchentry_ai AFTER INSERT ON documents_searchentry BEGIN "
    "INSERT INTO documents_searchentry_fts(rowid, meta_folded, body_folded) "
    "VALUES (new.document_id, new.meta_folded, new.body_folded); END",
    "CREATE TRIGGER IF NOT EXISTS documents_searchentry_ad AFTER DELETE ON documents_searchentry BEGIN "
    "INSERT INTO documents_searchentry_fts(documents_searchentry_fts, rowid, meta_folded, body_folded) "
    "VALUES ('delete', old.document_id, old.meta_folded, old.body_folded); END",
    "CREATE TRIGGER IF NOT EXISTS documents_searchentry_au AFTER UPDATE ON documents_searchentry BEGIN "
    "INSERT INTO documents_searchentry_fts(documents_searchentry_fts, rowid, meta_folded, body_folded) "
    "VALUES ('delete', old.document_id, old.meta_folded, old.body_folded); "
    "INSERT INTO documents_searchentry_fts(rowid, meta_folded, body_folded) "
    "VALUES (new.document_id, new.meta_folded, new.body_folded); END",
]


def fill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(document_id), max(document_id) FROM documents_searchentry WHERE agency_id IS NULL")
        low, high = cursor.fetchone()
    if low is None:
        return
    for start in range(low, high + 1, BATCH):
        # one short transaction per batch: the rows of a batch are locked only while it runs
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE documents_searchentry SET agency_id = (SELECT d.agency_id FROM documents_document d "
                "WHERE d.id = documents_searchentry.document_id) "
                "WHERE document_id >= %s AND document_id < %s AND agency_id IS NULL",
                [start, start + BATCH],
            )  # the migration is not atomic: each batch commits by itself


def index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute(PG_INDEX)


def unindex(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS documents_searchentry_agency_vector")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY, and the fill committed batch by batch

    dependencies = [
        ("directory", "0001_initial"),
        ("documents", "0014_seen_receipts"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=models.deletion.DO_NOTHING,
                related_name="+",
                to="directory.unit",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index, unindex),
    ]
