"""Who may do what with the environmental investment register.

The programme office (administrator) and the EPB enter and correct it; the leading team
reads every enterprise's; auditors read those of the enterprises whose audits they serve on
(`view_environmentalinvestment` without `view_all_investments`: the model's scope)."""

from django.db import migrations

from benxi_cp.roles import grant

MODEL = "environmentalinvestment"
WRITE = [f"{action}_{MODEL}" for action in ("view", "add", "change", "delete")]

MATRIX = {
    "administrator": [*WRITE, "view_all_investments"],
    "epb_staff": [*WRITE, "view_all_investments"],
    "leadership": [f"view_{MODEL}", "view_all_investments"],
    "auditor": [f"view_{MODEL}"],
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "programme", MATRIX)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0005_environmental_investment"),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
