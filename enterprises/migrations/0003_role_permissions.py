"""What each role may do in the enterprise register."""

from django.db import migrations

from benxi_cp.roles import grant

MATRIX = {
    "administrator": [
        "view_enterprise",
        "add_enterprise",
        "change_enterprise",
        "delete_enterprise",
        "view_pollutant",
        "add_pollutant",
        "change_pollutant",
    ],
    "epb_staff": ["view_enterprise", "add_enterprise", "change_enterprise", "view_pollutant"],
    "auditor": ["view_enterprise", "view_pollutant"],
    "leadership": ["view_enterprise", "view_pollutant"],
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "enterprises", MATRIX)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_pollutant_catalogue"),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
