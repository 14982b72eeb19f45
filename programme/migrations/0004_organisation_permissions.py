"""What each role may do with the programme's organisation.

The programme office (administrator) keeps the bodies, members, meetings, tasks and which
department each user works in; the leading team reads all of it, every department's tasks
among it; the EPB and the auditors read the bodies and meetings, see their own department's
tasks and may mark those done.
"""

from django.db import migrations

from benxi_cp.roles import grant

MODELS = ["body", "member", "meeting", "task", "userprofile"]
READ = ["view_body", "view_member", "view_meeting", "view_task", "view_userprofile"]

MATRIX = {
    "administrator": [
        *(f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")),
        "view_all_tasks",
        "complete_own_task",
        "view_remindersent",
    ],
    "leadership": [*READ, "view_all_tasks"],
    "epb_staff": [*READ, "complete_own_task"],
    "auditor": [*READ, "complete_own_task"],
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "programme", MATRIX)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0003_organisation"),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
