"""A try in flight on the axis outbox (issue 17, "a worker killed in the middle of an axis send: nothing
sent twice"): ``sending_token``, ``sending_since``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchange", "0006_axis_connections_and_directory")]

    operations = [
        migrations.AddField(
            model_name="outboxitem",
            name="sending_token",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="outboxitem", name="sending_since", field=models.DateTimeField(blank=True, null=True)
        ),
    ]
