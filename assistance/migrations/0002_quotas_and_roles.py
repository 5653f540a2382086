"""The plan's quotas (ch. 9 §1: 科级干部 3 户, 一般干部 2 户) and who may do what with pairings.

Town clerks pair, hand over, record visits and measures for their town; village clerks record visits and
measures for their village; the district office also keeps the cadre roster and the quotas; sector officers
read.
"""

from django.db import migrations

QUOTAS = {"科级干部": 3, "一般干部": 2}
READ = ["view_cadre", "view_pairing", "view_visit", "view_measure"]
GRANTS = {
    "village_clerk": [*READ, "add_visit", "add_measure", "change_measure"],
    "town_clerk": [*READ, "add_pairing", "change_pairing", "add_visit", "add_measure", "change_measure"],
    "district_officer": [
        *READ,
        "add_cadre",
        "change_cadre",
        "add_pairing",
        "change_pairing",
        "add_visit",
        "change_visit",
        "add_measure",
        "change_measure",
        "view_pairingquota",
        "change_pairingquota",
    ],
    "sector_officer": READ,
}


def forward(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    PairingQuota = apps.get_model("assistance", "PairingQuota")
    for rank, households in QUOTAS.items():
        PairingQuota.objects.get_or_create(rank=rank, defaults={"households": households})

    app_config = apps.get_app_config("assistance")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        perms = Permission.objects.filter(content_type__app_label="assistance", codename__in=codenames)
        if perms.count() != len(codenames):
            raise RuntimeError(f"permissions not found for {role}: {codenames}")
        Group.objects.get(name=role).permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
