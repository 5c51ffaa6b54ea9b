"""The hand-over of each electronic delivery by its own task (issue 17, "deliveries fan out as tasks"):
``carried_at``, ``carry_attempts``, ``carry_error``, ``carry_failed``. The deliveries already carried (an
internal copy received, or a status past 00) get ``carried_at`` from their status time."""

from django.db import migrations, models


def carried_before(apps, schema_editor):
    Delivery = apps.get_model("documents", "Delivery")
    Delivery.objects.filter(carried_at__isnull=True, incoming_document__isnull=False).update(
        carried_at=models.F("status_at")
    )
    Delivery.objects.filter(carried_at__isnull=True, transport__in=("internal", "axis")).exclude(status="00").update(
        carried_at=models.F("status_at")
    )


class Migration(migrations.Migration):
    dependencies = [("documents", "0015_searchentry_agency")]

    operations = [
        migrations.AddField(
            model_name="delivery", name="carried_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="delivery", name="carry_attempts", field=models.PositiveSmallIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="delivery",
            name="carry_error",
            field=models.CharField(blank=True, default="", max_length=500),
        ),
        migrations.AddField(model_name="delivery", name="carry_failed", field=models.BooleanField(default=False)),
        migrations.RunPython(carried_before, migrations.RunPython.noop),
    ]
