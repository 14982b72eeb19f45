"""Who may do what with the monitoring values: the EPB enters and corrects them (and the
programme office with it); the leading team reads them."""

from django.db import migrations

from benxi_cp.roles import grant

MODEL = "monitoringvalue"
WRITE = [f"{action}_{MODEL}" for action in ("view", "add", "change", "delete")]

MATRIX = {
    "administrator": WRITE,
    "epb_staff": WRITE,
    "leadership": [f"view_{MODEL}"],
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "permits", MATRIX)


class Migration(migrations.Migration):
    dependencies = [("permits", "0003_monitoring_values")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
