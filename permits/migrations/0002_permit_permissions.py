"""Who may do what with the permits.

The EPB issues and changes permits (and the programme office with it); the leading team
reads them. Auditors do not see permits: they are the EPB's regulatory records."""

from django.db import migrations

from benxi_cp.roles import grant

MODELS = ("permit", "outlet", "limit", "permitrevision")
READ = [f"view_{model}" for model in MODELS]
WRITE = [*READ, "add_permit", "change_permit", "delete_permit"]

MATRIX = {
    "administrator": WRITE,
    "epb_staff": WRITE,
    "leadership": READ,
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "permits", MATRIX)


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0001_permits_outlets_limits"),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
