from django.db import migrations


def forwards(apps, schema_editor):
    from orgs.units import load_units

    load_units(apps.get_model("orgs", "AdministrativeUnit"), apps.get_model("orgs", "UnitSuccession"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
