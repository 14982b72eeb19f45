"""What each role may do with discharge reports: EPB staff and administrators enter, import
and verify; only administrators unlock; auditors and the leading team read."""

from django.db import migrations

from benxi_cp.roles import grant

READ = [
    "view_dischargereport",
    "view_dischargevalue",
    "view_reliabilityflag",
    "view_reportunlock",
]
ENTER = [
    "add_dischargereport",
    "change_dischargereport",
    "add_dischargevalue",
    "change_dischargevalue",
    "delete_dischargevalue",
    "verify_dischargereport",
]

MATRIX = {
    "administrator": [*READ, *ENTER, "delete_dischargereport", "unlock_dischargereport"],
    "epb_staff": [*READ, *ENTER],
    "auditor": READ,
    "leadership": READ,
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "enterprises", MATRIX)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0005_reliability_flags_and_unlocks")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
