from django.db import migrations


def load(apps, schema_editor):
    # The shipped reference data, as of this release; `victimjourney reference_load` refreshes it.
    from victimjourney.organisations.reference import shipped_organisations

    Organisation = apps.get_model("organisations", "Organisation")
    existing = set(Organisation.objects.values_list("code", flat=True))
    Organisation.objects.bulk_create([
        Organisation(code=r.code, kind=r.kind, name=r.name, force=r.force, cps_area=r.cps_area,
                     probation_region=r.probation_region, country=r.country,
                     population=r.population, shipped=True)
        for r in shipped_organisations().values() if r.code not in existing
    ])


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
