import unicodedata

from django.db import migrations


def seed(apps, schema_editor):
    from qlvb.documents.types_data import DOCUMENT_TYPES

    DocumentType = apps.get_model("documents", "DocumentType")
    for ordinal, (name, abbreviation) in enumerate(DOCUMENT_TYPES, start=1):
        DocumentType.objects.update_or_create(
            name=unicodedata.normalize("NFC", name),
            defaults={"abbreviation": unicodedata.normalize("NFC", abbreviation), "ordinal": ordinal},
        )


def unseed(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
