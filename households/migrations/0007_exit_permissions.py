"""Who runs the exit procedure: village and town clerks the village steps, the district office approves."""

from django.db import migrations

GRANTS = {
    "village_clerk": ["propose_exit", "view_exitcase"],
    "town_clerk": ["propose_exit", "view_exitcase"],
    "district_officer": ["propose_exit", "approve_exit", "view_exitcase", "view_recomputerun"],
    "sector_officer": ["view_exitcase"],
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
    dependencies = [("households", "0006_exit_procedure")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
