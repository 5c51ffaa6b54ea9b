"""Delivery and StatusChange now belong to ``documents`` (its migration 0009 takes them over with the same
tables): removed from this app's state only, no row moves."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0003_delivery_paper_no_address"),
        ("documents", "0009_deliveries_from_exchange"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="statuschange", name="delivery"),
                migrations.RemoveField(model_name="statuschange", name="event"),
                migrations.DeleteModel(name="Delivery"),
                migrations.DeleteModel(name="StatusChange"),
            ],
            database_operations=[],
        ),
    ]
