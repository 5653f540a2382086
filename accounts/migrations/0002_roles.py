"""The roles of DESIGN §4 as Django groups. Their permissions are granted by each app's own migration."""

from django.db import migrations

ROLES = ["village_clerk", "town_clerk", "district_officer", "sector_officer", "auditor"]

# The district office administers users and the area tree in the admin.
DISTRICT_PERMISSIONS = ["view_area", "add_area", "change_area", "view_user", "add_user", "change_user"]


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; create them now to grant them.
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    district = Group.objects.get(name="district_officer")
    district.permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__in=DISTRICT_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
