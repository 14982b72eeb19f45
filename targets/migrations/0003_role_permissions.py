"""What each role may do with the target system.

The programme office (administrator) owns it; the EPB enters and corrects actual values,
which the views limit to environmental indicators (only `enter_any_actual` lifts that);
auditors and the leading team read.
"""

from django.db import migrations

from benxi_cp.roles import grant

MODELS = ["department", "indicator", "target", "actual"]
VIEW = [f"view_{model}" for model in MODELS]

MATRIX = {
    "administrator": [
        *(f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")),
        "enter_any_actual",
        "recompute_actual",
    ],
    "epb_staff": [*VIEW, "add_actual", "change_actual"],
    "auditor": VIEW,
    "leadership": VIEW,
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "targets", MATRIX)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0002_constraints_and_permissions"),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
