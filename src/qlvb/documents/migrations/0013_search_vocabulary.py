"""The vocabulary of the files' text (``searchindex.SearchWord``): a typing slip in a search is corrected
against it when the metadata has no close word. Filled here from the bodies already indexed; on PostgreSQL a
trigram GIN index serves the look-up of the words near a slip."""

import re

from django.db import migrations, models

WORD = re.compile(r"\b[a-z]{2,24}\b")


def fill(apps, schema_editor):
    entry, word = apps.get_model("documents", "SearchEntry"), apps.get_model("documents", "SearchWord")
    seen: set[str] = set()
    bodies = entry.objects.exclude(body_folded="").values_list("body_folded", flat=True)
    for body in bodies.iterator(chunk_size=500):
        new = set(WORD.findall(body)) - seen
        if new:
            word.objects.bulk_create([word(word=w) for w in sorted(new)], ignore_conflicts=True, batch_size=2000)
            seen |= new
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_word_trgm ON documents_searchword USING gin (word gin_trgm_ops)"
        )


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_word_trgm")


class Migration(migrations.Migration):
    dependencies = [("documents", "0012_assigns_tasks")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[("word", models.CharField(max_length=24, primary_key=True, serialize=False))],
            options={"verbose_name": "từ trong nội dung tệp", "verbose_name_plural": "từ trong nội dung tệp"},
        ),
        migrations.RunPython(fill, unfill),
    ]
