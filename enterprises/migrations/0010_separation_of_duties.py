"""Separation of duties: who last entered a report's values (whoever did, or submitted it,
may not verify it), and the index of the "verify next" queue."""

from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# Going back, the lock triggers (made after every migrate, reading every data column of the
# report) go first, as in 0009: the operation stands after the fields, so that it runs
# before their removal.
drop_lock_triggers = import_module("enterprises.migrations.0009_unlock_pending").drop_triggers


def drop_triggers(apps, schema_editor):
    """The lock triggers, and on SQLite the figure cache's triggers too: removing a column
    remakes the table there, which their statements disturb. Every migrate makes both anew
    (enterprises.locks, benxi_cp.datacache)."""
    drop_lock_triggers(apps, schema_editor)
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                ["benxi_touch_%"],
            )
            names = [name for (name,) in cursor.fetchall()]
        for name in names:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def entered_by_from_history(apps, schema_editor):
    """Reports not yet verified: the last user who wrote one of their values (verified
    reports are locked, and their verifier is already recorded)."""
    report_model = apps.get_model("enterprises", "DischargeReport")
    history = apps.get_model("enterprises", "HistoricalDischargeValue")
    last_writer = (
        history.objects.filter(report_id=OuterRef("pk"), history_user__isnull=False)
        .order_by("-history_date", "-history_id")
        .values("history_user")[:1]
    )
    report_model.objects.exclude(status="verified").filter(entered_by__isnull=True).update(
        entered_by=Subquery(last_writer)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0009_unlock_pending"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="dischargereport",
            name="entered_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Who last saved the report's values (the grid, an import, the admin).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="values entered by",
            ),
        ),
        migrations.AddField(
            model_name="historicaldischargereport",
            name="entered_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                help_text="Who last saved the report's values (the grid, an import, the admin).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="values entered by",
            ),
        ),
        migrations.AddIndex(
            model_name="dischargereport",
            index=models.Index(fields=["status", "submitted_at"], name="report_status_submitted"),
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_triggers),
        migrations.RunPython(entered_by_from_history, migrations.RunPython.noop),
    ]
