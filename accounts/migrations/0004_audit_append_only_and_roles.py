"""The audit log is append-only on PostgreSQL (a trigger refuses UPDATE and DELETE, whoever asks), and the two
security roles of 等保2.0's separation of duties: the auditor reads the audit log and nothing else; the
security administrator unlocks locked accounts."""

from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_append_only();
"""

GRANTS = {"auditor": ["view_auditevent"], "security_admin": ["unlock_user"]}


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get_or_create(name="security_admin")
    for role, codenames in GRANTS.items():
        perms = Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
        if perms.count() != len(codenames):
            raise RuntimeError(f"permissions not found for {role}: {codenames}")
        Group.objects.get(name=role).permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_and_login_policy")]

    operations = [
        migrations.RunPython(append_only, drop_append_only),
        migrations.RunPython(roles, migrations.RunPython.noop),
    ]
