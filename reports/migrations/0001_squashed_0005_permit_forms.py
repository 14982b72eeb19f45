from importlib import import_module

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The replaced migrations' data and SQL steps (migration, index of the operation), run
# as they were, in their order, after the tables are made. The squash keeps the replaced
# files (deployed databases need them) and takes the steps from them.
REPLACED_STEPS = [
    ("0002_role_permissions", 0),  # forwards
    ("0003_closed_years", 10),  # grant_closing
    ("0003_closed_years", 11),  # noop
]


def _steps():
    return [
        import_module(f"reports.migrations.{name}").Migration.operations[index]
        for name, index in REPLACED_STEPS
    ]


def replaced_steps(apps, schema_editor):
    """One RunPython for all the steps: the historical models are rendered once, not once a
    step (what made a fresh migrate slow)."""
    for step in _steps():
        step.code(apps, schema_editor)


def replaced_steps_reversed(apps, schema_editor):
    for step in reversed(_steps()):
        step.reverse_code(apps, schema_editor)


class Migration(migrations.Migration):
    replaces = [
        ("reports", "0001_report_access"),
        ("reports", "0002_role_permissions"),
        ("reports", "0003_closed_years"),
        ("reports", "0004_training_form"),
        ("reports", "0005_permit_forms"),
    ]

    initial = True

    dependencies = [
        ("audits", "0004_audit_list_order_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("benxi_cp", "0002_roles"),
        ("enterprises", "0009_unlock_pending"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
            ],
            options={
                "verbose_name": "reports access",
                "verbose_name_plural": "reports access",
                "permissions": [
                    (
                        "view_dashboard",
                        "Can read the programme dashboard, charts and comparisons",
                    ),
                    ("view_annual_forms", "Can read and download the annual report forms"),
                    ("view_epb_dashboard", "Can read the EPB dashboard"),
                ],
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="YearClosing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("closed_at", models.DateTimeField(verbose_name="closed at")),
                (
                    "closed_by_name",
                    models.CharField(max_length=150, verbose_name="closed by (name)"),
                ),
                (
                    "reopened_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="reopened at"),
                ),
                (
                    "reopened_by_name",
                    models.CharField(blank=True, max_length=150, verbose_name="reopened by (name)"),
                ),
                (
                    "reopen_reason",
                    models.TextField(blank=True, verbose_name="reason for reopening"),
                ),
                (
                    "closed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="closed by",
                    ),
                ),
                (
                    "reopened_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reopened by",
                    ),
                ),
            ],
            options={
                "verbose_name": "closing of a year",
                "verbose_name_plural": "closings of years",
                "ordering": ["-year", "-closed_at"],
                "permissions": [("close_year", "Can close a year and reopen it")],
                "default_permissions": ("view",),
                "indexes": [models.Index(fields=["year", "reopened_at"], name="closing_year_open")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("reopened_at__isnull", True)),
                        fields=("year",),
                        name="reports_yearclosing_closed_once",
                        violation_error_message="This year is already closed.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("reopen_reason", ""),
                                ("reopened_at__isnull", True),
                                ("reopened_by_name", ""),
                            ),
                            models.Q(
                                ("reopened_at__isnull", False),
                                models.Q(("reopen_reason", ""), _negated=True),
                                models.Q(("reopened_by_name", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="reports_yearclosing_reopened_with_reason",
                        violation_error_message="A year is reopened by someone, with a reason.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("reopened_at__isnull", True),
                            ("reopened_at__gte", models.F("closed_at")),
                            _connector="OR",
                        ),
                        name="reports_yearclosing_reopened_after_closed",
                        violation_error_message="A year is reopened after it was closed.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("year__gte", 1949), ("year__lte", 2100)),
                        name="reports_yearclosing_year_range",
                        violation_error_message="The year is out of range.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RecordCopy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "form",
                    models.CharField(
                        choices=[
                            ("programme", "Programme summary"),
                            ("audits", "CP audit status of enterprises"),
                            ("discharge", "Pollution discharge by enterprise"),
                            ("options", "Options by aspect and fee class"),
                            ("targets", "Target progress"),
                            ("training", "Training and outreach"),
                            ("compliance", "Compliance with the permits"),
                            ("fees", "Environmental protection tax"),
                        ],
                        max_length=16,
                        verbose_name="form",
                    ),
                ),
                (
                    "fmt",
                    models.CharField(
                        choices=[("pdf", "PDF"), ("xlsx", "XLSX"), ("json", "JSON")],
                        max_length=8,
                        verbose_name="format",
                    ),
                ),
                ("content", models.BinaryField(verbose_name="content")),
                ("size_bytes", models.PositiveIntegerField(verbose_name="size (bytes)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                (
                    "closing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="copies",
                        to="reports.yearclosing",
                        verbose_name="closing",
                    ),
                ),
            ],
            options={
                "verbose_name": "copy of record",
                "verbose_name_plural": "copies of record",
                "ordering": ["closing", "form", "fmt"],
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("closing", "form", "fmt"),
                        name="reports_recordcopy_one_per_form_and_format",
                        violation_error_message="This closing already has this file.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("size_bytes__gt", 0)),
                        name="reports_recordcopy_not_empty",
                        violation_error_message="A copy of record is never empty.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "form__in",
                                [
                                    "programme",
                                    "audits",
                                    "discharge",
                                    "options",
                                    "targets",
                                    "training",
                                    "compliance",
                                    "fees",
                                ],
                            ),
                            ("fmt__in", ["pdf", "xlsx", "json"]),
                        ),
                        name="reports_recordcopy_form_and_format_valid",
                        violation_error_message="Unknown form or format.",
                    ),
                ],
            },
        ),
        migrations.RunPython(replaced_steps, replaced_steps_reversed),
    ]
