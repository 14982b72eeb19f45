"""The fifth role, enterprise user (a group), and who may do what with enterprise accounts.

The EPB and the programme office invite enterprise users, see their grants, and approve and
revoke signatory grants. Enterprise users hold only `use_portal`, which marks them as
enterprise users: every record they see is scoped to their enterprises (benxi_cp/scoping.py).
"""

from django.db import migrations

from benxi_cp.roles import grant

STAFF = ["view_grant", "view_invitation", "add_invitation", "approve_signatory"]
MATRIX = {
    "administrator": STAFF,
    "epb_staff": STAFF,
    "enterprise_user": ["use_portal"],
}


def permissions(apps, schema_editor):
    grant(apps, schema_editor, "portal", MATRIX)


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="enterprise_user").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_enterprise_accounts"),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [migrations.RunPython(permissions, remove_role)]
