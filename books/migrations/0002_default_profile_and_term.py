from django.db import migrations


def forwards(apps, schema_editor):
    from books.profiles import ensure_default_profile_and_term

    ensure_default_profile_and_term(apps.get_model("books", "RegulationProfile"), apps.get_model("books", "Term"))


class Migration(migrations.Migration):
    dependencies = [("books", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
