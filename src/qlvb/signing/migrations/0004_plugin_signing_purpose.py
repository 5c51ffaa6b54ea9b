from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("signing", "0003_plugin_signing"),
    ]

    operations = [
        migrations.AddField(
            model_name="pluginsigning",
            name="purpose",
            field=models.CharField(blank=True, default="", max_length=60),
        ),
    ]
