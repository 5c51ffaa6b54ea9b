"""Delivery and StatusChange move from ``exchange`` down to ``documents`` (layer 3), so that the outgoing
flow records deliveries without importing the exchange. State only: the tables keep their names
(``exchange_delivery``, ``exchange_statuschange``) and their rows; ``exchange`` 0004 drops the models
from its own state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_unit_address_email"),
        ("documents", "0008_attachment_versions"),
        ("exchange", "0003_delivery_paper_no_address"),  # the tables exist
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Delivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("organ_name", models.CharField(max_length=200)),
                        ("organ_id", models.CharField(blank=True, max_length=35)),
                        (
                            "transport",
                            models.CharField(
                                choices=[
                                    ("internal", "Liên thông nội bộ"),
                                    ("axis", "Trục liên thông văn bản quốc gia"),
                                    ("paper", "Gửi bản giấy"),
                                    ("none", "Chưa có địa chỉ liên thông"),
                                ],
                                max_length=10,
                            ),
                        ),
                        (
                            "business_type",
                            models.PositiveSmallIntegerField(
                                choices=[(0, "Gửi mới"), (1, "Thu hồi"), (2, "Cập nhật"), (3, "Thay thế")], default=0
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("00", "Chờ gửi liên thông"),
                                    ("01", "Đã đến"),
                                    ("02", "Từ chối tiếp nhận"),
                                    ("03", "Đã tiếp nhận, vào sổ"),
                                    ("04", "Lãnh đạo đã phân công xử lý"),
                                    ("05", "Đang xử lý"),
                                    ("06", "Hoàn thành xử lý"),
                                    ("13", "Yêu cầu lấy lại"),
                                    ("15", "Đồng ý cập nhật, lấy lại"),
                                    ("16", "Từ chối cập nhật, lấy lại"),
                                    ("GG", "Gửi bản giấy"),
                                    ("KD", "Chưa có địa chỉ liên thông"),
                                ],
                                default="00",
                                max_length=2,
                            ),
                        ),
                        ("status_at", models.DateTimeField()),
                        ("also_paper", models.BooleanField(default=False)),
                        ("recalled_at", models.DateTimeField(blank=True, null=True)),
                        ("recall_pending", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField()),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="documents.document",
                            ),
                        ),
                        (
                            "incoming_document",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="delivered_by",
                                to="documents.document",
                                verbose_name="bản nhận",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="directory.unit",
                                verbose_name="nơi nhận",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "gửi văn bản",
                        "verbose_name_plural": "gửi văn bản",
                        "db_table": "exchange_delivery",
                        "ordering": ["document", "organ_name", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="StatusChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("00", "Chờ gửi liên thông"),
                                    ("01", "Đã đến"),
                                    ("02", "Từ chối tiếp nhận"),
                                    ("03", "Đã tiếp nhận, vào sổ"),
                                    ("04", "Lãnh đạo đã phân công xử lý"),
                                    ("05", "Đang xử lý"),
                                    ("06", "Hoàn thành xử lý"),
                                    ("13", "Yêu cầu lấy lại"),
                                    ("15", "Đồng ý cập nhật, lấy lại"),
                                    ("16", "Từ chối cập nhật, lấy lại"),
                                    ("GG", "Gửi bản giấy"),
                                    ("KD", "Chưa có địa chỉ liên thông"),
                                ],
                                max_length=2,
                            ),
                        ),
                        ("text", models.CharField(blank=True, max_length=500)),
                        ("staff", models.CharField(blank=True, max_length=150)),
                        ("created_at", models.DateTimeField()),
                        (
                            "delivery",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="changes",
                                to="documents.delivery",
                            ),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="documents.documentevent",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "exchange_statuschange",
                        "ordering": ["delivery", "created_at", "id"],
                    },
                ),
                migrations.AddIndex(
                    model_name="delivery",
                    index=models.Index(fields=["transport", "status"], name="delivery_queue_idx"),
                ),
                migrations.AddConstraint(
                    model_name="delivery",
                    constraint=models.UniqueConstraint(fields=("document", "unit"), name="delivery_unique"),
                ),
                migrations.AddConstraint(
                    model_name="statuschange",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("event__isnull", False)), fields=("event",), name="status_change_event_once"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
