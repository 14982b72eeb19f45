"""Who may do what with training and outreach, policies and incentives; and the database's
own check that the audit an incentive rewards is an audit of the incentive's enterprise.

The programme office (administrator) keeps the registers. The EPB and the leading team read
them all. Auditors read training and policies, and the incentives of the enterprises of the
audits they serve on (Incentive.objects.for_user).
"""

from django.db import migrations

from benxi_cp.roles import grant

ALL_ACTIONS = ("view", "add", "change", "delete")
MODELS = ("trainingevent", "trainingparticipation", "trainingmaterial", "policy", "incentive")
EVERYTHING = [f"{action}_{model}" for model in MODELS for action in ALL_ACTIONS]
VIEW = [f"view_{model}" for model in MODELS]

MATRIX = {
    "administrator": [*EVERYTHING, "view_all_incentives"],
    "epb_staff": [*VIEW, "view_all_incentives"],
    "leadership": [*VIEW, "view_all_incentives"],
    "auditor": VIEW,
}

# The audit of an incentive is one of its enterprise's: a rule over two tables, so a trigger.
MESSAGE = "programme_incentive_audit_enterprise"
SQLITE = [
    f"""
    CREATE TRIGGER programme_incentive_audit_enterprise_{event}
    BEFORE {event} ON programme_incentive
    FOR EACH ROW WHEN NEW.audit_id IS NOT NULL AND NEW.enterprise_id IS NOT
        (SELECT enterprise_id FROM audits_audit WHERE id = NEW.audit_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE")
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS programme_incentive_audit_enterprise_{event};"
    for event in ("INSERT", "UPDATE")
]
POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION programme_incentive_audit_enterprise() RETURNS trigger AS $$
    BEGIN
        IF NEW.audit_id IS NOT NULL AND NEW.enterprise_id IS DISTINCT FROM
            (SELECT enterprise_id FROM audits_audit WHERE id = NEW.audit_id) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER programme_incentive_audit_enterprise
    BEFORE INSERT OR UPDATE OF audit_id, enterprise_id ON programme_incentive
    FOR EACH ROW EXECUTE FUNCTION programme_incentive_audit_enterprise();
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS programme_incentive_audit_enterprise ON programme_incentive;",
    "DROP FUNCTION IF EXISTS programme_incentive_audit_enterprise();",
]


def permissions(apps, schema_editor):
    grant(apps, schema_editor, "programme", MATRIX)


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def install(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def uninstall(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0001_training_policies_incentives"),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(permissions, migrations.RunPython.noop),
        migrations.RunPython(install, uninstall),
    ]
