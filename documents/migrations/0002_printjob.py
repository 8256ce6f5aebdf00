import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import books.clock
import documents.models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("orgs", "0002_load_units"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PrintJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "token",
                    models.CharField(
                        default=documents.models.new_token, editable=False, max_length=40, unique=True
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="năm")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Đang chờ"),
                            ("running", "Đang chuẩn bị"),
                            ("done", "Đã xong"),
                            ("failed", "Không in được"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("letter_count", models.PositiveIntegerField(default=0, verbose_name="số giấy giới thiệu")),
                (
                    "file",
                    models.FileField(blank=True, max_length=200, upload_to=documents.models.print_upload_to),
                ),
                ("message", models.TextField(blank=True, verbose_name="lý do không in được")),
                ("seconds", models.FloatField(blank=True, null=True, verbose_name="thời gian chạy (giây)")),
                ("created_at", models.DateTimeField(default=books.clock.now)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "committee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.organisation"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "lần in giấy giới thiệu cả năm",
                "verbose_name_plural": "các lần in giấy giới thiệu cả năm",
                "indexes": [
                    models.Index(fields=["committee", "year", "created_at"], name="documents_p_committ_d04214_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["queued", "running"])),
                        fields=("committee", "year"),
                        name="one_working_print_job_per_committee_year",
                    )
                ],
            },
        ),
    ]
