# The import keeps the checked rows (their SHA-256) and may expire (issue 6, "Import").

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("spreadsheets", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberimport",
            name="checked_digest",
            field=models.CharField(blank=True, max_length=64, verbose_name="SHA-256 của các dòng đã kiểm tra"),
        ),
        migrations.AlterField(
            model_name="memberimport",
            name="status",
            field=models.CharField(
                choices=[
                    ("checking", "Đang kiểm tra tệp"),
                    ("refused", "Tệp không dùng được"),
                    ("invalid", "Có lỗi, chưa nhập"),
                    ("ready", "Hợp lệ, chờ nhập"),
                    ("importing", "Đang nhập"),
                    ("done", "Đã nhập"),
                    ("failed", "Không nhập được, chưa ghi gì"),
                    ("expired", "Quá hạn, chưa nhập"),
                ],
                default="checking",
                max_length=10,
            ),
        ),
    ]
