"""Administrators manage the users, their roles and passwords, and log-in lockouts in the app."""

from django.db import migrations

from benxi_cp.roles import grant

USERS = {"administrator": ["view_user", "add_user", "change_user"]}
LOCKOUTS = {"administrator": ["view_accessattempt", "delete_accessattempt"]}


def grant_user_management(apps, schema_editor):
    grant(apps, schema_editor, "auth", USERS)
    grant(apps, schema_editor, "axes", LOCKOUTS)


def revoke_user_management(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_label, matrix in (("auth", USERS), ("axes", LOCKOUTS)):
        for role, codenames in matrix.items():
            perms = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            for group in Group.objects.filter(name=role):
                group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("benxi_cp", "0004_scoped_data_versions"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant_user_management, revoke_user_management)]
