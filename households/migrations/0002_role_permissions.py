"""What each role may do with the registry (DESIGN §4). Scope (which households) comes from the user's area."""

from django.db import migrations

CLERK = [
    "view_household",
    "add_household",
    "change_household",
    "view_person",
    "add_person",
    "change_person",
    "view_householdincome",
    "add_householdincome",
    "change_householdincome",
    "view_povertystandard",
]
GRANTS = {
    "village_clerk": CLERK,
    "town_clerk": CLERK,
    "district_officer": [
        *CLERK,
        "change_household_status",
        "add_povertystandard",
        "change_povertystandard",
        "view_householdstatuschange",
    ],
    "sector_officer": ["view_household", "view_person", "view_householdincome", "view_povertystandard"],
    "auditor": [],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; create them now to grant them.
    app_config = apps.get_app_config("households")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.get(name=role)
        perms = Permission.objects.filter(content_type__app_label="households", codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions not found: {sorted(missing)}")
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("households", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
