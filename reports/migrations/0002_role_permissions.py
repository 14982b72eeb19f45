"""What each role may read in the reports: everyone the programme summary, the charts and
the annual forms; the EPB (and the programme office) their own dashboard."""

from django.db import migrations

from benxi_cp.roles import grant

MATRIX = {
    "administrator": ["view_dashboard", "view_annual_forms", "view_epb_dashboard"],
    "epb_staff": ["view_dashboard", "view_annual_forms", "view_epb_dashboard"],
    "auditor": ["view_dashboard", "view_annual_forms"],
    "leadership": ["view_dashboard", "view_annual_forms"],
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "reports", MATRIX)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_report_access"),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
