"""What each role may do with CP audits.

An auditor holds view and change permissions, but `Audit.objects.for_user` limits them
to the audits whose team includes them; only the programme office, the EPB and the
leading team may see every audit (view_all_audits), and only the first two may write
all of them and record assessment, acceptance and demonstration.
"""

from django.db import migrations

from benxi_cp.roles import grant

EVERYTHING = [
    f"{action}_{model}"
    for model in (
        "audit",
        "auditstep",
        "option",
        "optionreduction",
        "optionfeasibility",
        "materialbalanceline",
        "auditdocument",
    )
    for action in ("view", "add", "change", "delete")
]
VIEW = [
    "view_audit",
    "view_auditstep",
    "view_option",
    "view_optionreduction",
    "view_optionfeasibility",
    "view_materialbalanceline",
    "view_auditdocument",
]

MATRIX = {
    "administrator": [*EVERYTHING, "view_all_audits", "assess_audit"],
    "epb_staff": [*EVERYTHING, "view_all_audits", "assess_audit"],
    "auditor": [
        *VIEW,
        "serve_on_audit_team",
        "change_audit",
        "change_auditstep",
        "add_option",
        "change_option",
        "delete_option",
        "add_optionreduction",
        "change_optionreduction",
        "delete_optionreduction",
        "add_optionfeasibility",
        "change_optionfeasibility",
        "add_materialbalanceline",
        "change_materialbalanceline",
        "delete_materialbalanceline",
        "add_auditdocument",
        "delete_auditdocument",
    ],
    "leadership": [*VIEW, "view_all_audits"],
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "audits", MATRIX)


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0002_feasibility_balance_documents"),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
