"""Who may import and export ledgers: the town clerks for their town and the district office."""

from django.db import migrations

GRANTS = {
    "town_clerk": ["import_ledger", "export_ledger", "view_ledgerimport"],
    "district_officer": ["import_ledger", "export_ledger", "view_ledgerimport"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("households")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        perms = Permission.objects.filter(content_type__app_label="households", codename__in=codenames)
        if perms.count() != len(codenames):
            raise RuntimeError(f"permissions not found for {role}: {codenames}")
        Group.objects.get(name=role).permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("households", "0003_ledger_import")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
