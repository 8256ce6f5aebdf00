import datetime

from django.db import migrations


def forwards(apps, schema_editor):
    from books.profiles import REGULATION_213_2020

    RegulationProfile = apps.get_model("books", "RegulationProfile")
    Term = apps.get_model("books", "Term")
    RegulationProfile.objects.get_or_create(
        code="213/2020",
        defaults={
            "name": "Quy định 213-QĐ/TW (2020) và Hướng dẫn 33-HD/BTCTW",
            "effective_from": datetime.date(2020, 1, 2),
            "rules": REGULATION_213_2020,
        },
    )
    if not Term.objects.exists():
        Term.objects.create(start_year=2025, end_year=2030, status="open")


class Migration(migrations.Migration):
    dependencies = [("books", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
