from importlib import import_module

import benxi_cp.models
import benxi_cp.validators
import datetime
import django.core.validators
import django.db.models.deletion
import programme.models
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# The replaced migrations' data and SQL steps (migration, index of the operation), run
# as they were, in their order, after the tables are made. The squash keeps the replaced
# files (deployed databases need them) and takes the steps from them.
REPLACED_STEPS = [
    ("0002_outreach_roles_and_rules", 0),  # permissions
    ("0002_outreach_roles_and_rules", 1),  # install
    ("0004_organisation_permissions", 0),  # forwards
    ("0006_environmental_investment_permissions", 0),  # forwards
]


def _steps():
    return [
        import_module(f"programme.migrations.{name}").Migration.operations[index]
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
        ("programme", "0001_training_policies_incentives"),
        ("programme", "0002_outreach_roles_and_rules"),
        ("programme", "0003_organisation"),
        ("programme", "0004_organisation_permissions"),
        ("programme", "0005_environmental_investment"),
        ("programme", "0006_environmental_investment_permissions"),
        ("programme", "0007_mail_language_names"),
        ("programme", "0008_investment_year_validator"),
        ("programme", "0009_training_materials_on_the_shared_stored_document"),
    ]

    initial = True

    dependencies = [
        ("audits", "0006_audit_rules_and_lock"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("benxi_cp", "0002_roles"),
        ("enterprises", "0011_edit_versions"),
        ("targets", "0004_edit_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalPolicy",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created"),
                ),
                (
                    "updated",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                ("title", models.CharField(max_length=255, verbose_name="title")),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("national", "National"),
                            ("provincial", "Provincial"),
                            ("municipal", "Municipal"),
                        ],
                        max_length=16,
                        verbose_name="level",
                    ),
                ),
                (
                    "issuer",
                    models.CharField(max_length=200, verbose_name="issuing authority"),
                ),
                (
                    "number",
                    models.CharField(
                        blank=True,
                        help_text="The issuer's number (文号).",
                        max_length=64,
                        verbose_name="document number",
                    ),
                ),
                ("issued_on", models.DateField(verbose_name="issued on")),
                (
                    "effective_on",
                    models.DateField(blank=True, null=True, verbose_name="effective from"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("in_force", "In force"),
                            ("revised", "Revised"),
                            ("repealed", "Repealed"),
                        ],
                        default="in_force",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("pollution_charge", "Pollution discharge charge"),
                            ("cp_fund", "CP fund"),
                            ("reward", "Reward"),
                            ("loan", "Loan"),
                            ("permit", "Discharge permit"),
                            ("other", "Other"),
                        ],
                        max_length=24,
                        verbose_name="kind",
                    ),
                ),
                ("summary", models.TextField(blank=True, verbose_name="summary")),
                (
                    "document",
                    models.TextField(blank=True, max_length=200, verbose_name="document"),
                ),
                (
                    "document_name",
                    models.CharField(blank=True, max_length=200, verbose_name="file name"),
                ),
                (
                    "document_type",
                    models.CharField(blank=True, max_length=100, verbose_name="content type"),
                ),
                (
                    "document_size",
                    models.PositiveIntegerField(default=0, verbose_name="size (bytes)"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical policy or regulation",
                "verbose_name_plural": "historical policies and regulations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTrainingEvent",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created"),
                ),
                (
                    "updated",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("training", "Training"), ("outreach", "Outreach")],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                (
                    "audience",
                    models.CharField(
                        choices=[
                            ("decision_makers", "Top decision-makers of the municipality"),
                            ("authorities", "Managing departments of the authorities"),
                            (
                                "enterprises",
                                "Enterprises' legal persons, managers and engineers",
                            ),
                            ("auditors", "CP auditors"),
                            ("public", "Mass organisations and the public"),
                        ],
                        max_length=24,
                        verbose_name="audience",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("held_on", models.DateField(verbose_name="date")),
                (
                    "place",
                    models.CharField(blank=True, max_length=200, verbose_name="place"),
                ),
                (
                    "organiser",
                    models.CharField(blank=True, max_length=200, verbose_name="organiser"),
                ),
                (
                    "hours",
                    models.DecimalField(
                        decimal_places=1,
                        help_text="The length of the event in hours (per participant).",
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(999),
                        ],
                        verbose_name="hours",
                    ),
                ),
                (
                    "other_participants",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Participants not from an enterprise of the register (officials, the public).",
                        verbose_name="other participants",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical training or outreach event",
                "verbose_name_plural": "historical training and outreach events",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Policy",
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
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                ("title", models.CharField(max_length=255, verbose_name="title")),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("national", "National"),
                            ("provincial", "Provincial"),
                            ("municipal", "Municipal"),
                        ],
                        max_length=16,
                        verbose_name="level",
                    ),
                ),
                (
                    "issuer",
                    models.CharField(max_length=200, verbose_name="issuing authority"),
                ),
                (
                    "number",
                    models.CharField(
                        blank=True,
                        help_text="The issuer's number (文号).",
                        max_length=64,
                        verbose_name="document number",
                    ),
                ),
                ("issued_on", models.DateField(verbose_name="issued on")),
                (
                    "effective_on",
                    models.DateField(blank=True, null=True, verbose_name="effective from"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("in_force", "In force"),
                            ("revised", "Revised"),
                            ("repealed", "Repealed"),
                        ],
                        default="in_force",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("pollution_charge", "Pollution discharge charge"),
                            ("cp_fund", "CP fund"),
                            ("reward", "Reward"),
                            ("loan", "Loan"),
                            ("permit", "Discharge permit"),
                            ("other", "Other"),
                        ],
                        max_length=24,
                        verbose_name="kind",
                    ),
                ),
                ("summary", models.TextField(blank=True, verbose_name="summary")),
                (
                    "document",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=programme.models.policy_path,
                        verbose_name="document",
                    ),
                ),
                (
                    "document_name",
                    models.CharField(blank=True, max_length=200, verbose_name="file name"),
                ),
                (
                    "document_type",
                    models.CharField(blank=True, max_length=100, verbose_name="content type"),
                ),
                (
                    "document_size",
                    models.PositiveIntegerField(default=0, verbose_name="size (bytes)"),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "policy or regulation",
                "verbose_name_plural": "policies and regulations",
                "ordering": ["-issued_on", "title"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("effective_on__isnull", True),
                            ("effective_on__gte", models.F("issued_on")),
                            _connector="OR",
                        ),
                        name="programme_policy_effective_after_issue",
                        violation_error_message="A policy takes effect on or after the day it is issued.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("document_size__lte", 20971520)),
                        name="programme_policy_size_limit",
                        violation_error_message="A document holds between 1 byte and 20 MB.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("number", ""), _negated=True),
                        fields=("issuer", "number"),
                        name="programme_policy_one_number_per_issuer",
                        violation_error_message="This issuer already has a policy with this number.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalIncentive",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created"),
                ),
                (
                    "updated",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("cp_fund_grant", "CP fund grant"),
                            ("reward", "Reward"),
                            ("loan", "Loan"),
                            ("other", "Other"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                (
                    "amount_10k_yuan",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="amount (10k yuan)",
                    ),
                ),
                ("granted_on", models.DateField(verbose_name="granted on")),
                (
                    "decision_number",
                    models.CharField(blank=True, max_length=64, verbose_name="decision number"),
                ),
                ("decision", models.TextField(blank=True, verbose_name="decision")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "audit",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The CP audit of the same enterprise that the incentive rewards, if any.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="audits.audit",
                        verbose_name="audit rewarded",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
                (
                    "policy",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programme.policy",
                        verbose_name="granted under",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical incentive",
                "verbose_name_plural": "historical incentives",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="TrainingEvent",
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
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("training", "Training"), ("outreach", "Outreach")],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                (
                    "audience",
                    models.CharField(
                        choices=[
                            ("decision_makers", "Top decision-makers of the municipality"),
                            ("authorities", "Managing departments of the authorities"),
                            (
                                "enterprises",
                                "Enterprises' legal persons, managers and engineers",
                            ),
                            ("auditors", "CP auditors"),
                            ("public", "Mass organisations and the public"),
                        ],
                        max_length=24,
                        verbose_name="audience",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("held_on", models.DateField(verbose_name="date")),
                (
                    "place",
                    models.CharField(blank=True, max_length=200, verbose_name="place"),
                ),
                (
                    "organiser",
                    models.CharField(blank=True, max_length=200, verbose_name="organiser"),
                ),
                (
                    "hours",
                    models.DecimalField(
                        decimal_places=1,
                        help_text="The length of the event in hours (per participant).",
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(999),
                        ],
                        verbose_name="hours",
                    ),
                ),
                (
                    "other_participants",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Participants not from an enterprise of the register (officials, the public).",
                        verbose_name="other participants",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "training or outreach event",
                "verbose_name_plural": "training and outreach events",
                "ordering": ["-held_on", "title"],
                "indexes": [
                    models.Index(fields=["held_on", "audience"], name="programme_event_date_aud")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("held_on", "title"),
                        name="programme_trainingevent_one_per_date_and_title",
                        violation_error_message="An event with this title is already recorded on this date.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("hours__gt", 0), ("hours__lt", 1000)),
                        name="programme_trainingevent_hours_range",
                        violation_error_message="An event lasts more than 0 and less than 1000 hours.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalTrainingParticipation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "participants",
                    models.PositiveIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="participants",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programme.trainingevent",
                        verbose_name="event",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical participation in training",
                "verbose_name_plural": "historical participation in training",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Incentive",
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
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("cp_fund_grant", "CP fund grant"),
                            ("reward", "Reward"),
                            ("loan", "Loan"),
                            ("other", "Other"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                (
                    "amount_10k_yuan",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="amount (10k yuan)",
                    ),
                ),
                ("granted_on", models.DateField(verbose_name="granted on")),
                (
                    "decision_number",
                    models.CharField(blank=True, max_length=64, verbose_name="decision number"),
                ),
                ("decision", models.TextField(blank=True, verbose_name="decision")),
                (
                    "audit",
                    models.ForeignKey(
                        blank=True,
                        help_text="The CP audit of the same enterprise that the incentive rewards, if any.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="incentives",
                        to="audits.audit",
                        verbose_name="audit rewarded",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="incentives",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
                (
                    "policy",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="incentives",
                        to="programme.policy",
                        verbose_name="granted under",
                    ),
                ),
            ],
            options={
                "verbose_name": "incentive",
                "verbose_name_plural": "incentives",
                "ordering": ["-granted_on", "enterprise__code"],
                "permissions": [
                    ("view_all_incentives", "Can view the incentives of every enterprise")
                ],
                "indexes": [
                    models.Index(
                        fields=["granted_on", "kind"], name="programme_incentive_date_kind"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("amount_10k_yuan__gte", 0)),
                        name="programme_incentive_amount_non_negative",
                        violation_error_message="An amount is never negative.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("decision_number", ""), _negated=True),
                        fields=("decision_number", "enterprise", "kind"),
                        name="programme_incentive_one_per_decision",
                        violation_error_message="This decision already grants this enterprise an incentive of this kind.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TrainingParticipation",
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
                    "participants",
                    models.PositiveIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="participants",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="training_participations",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participations",
                        to="programme.trainingevent",
                        verbose_name="event",
                    ),
                ),
            ],
            options={
                "verbose_name": "participation in training",
                "verbose_name_plural": "participation in training",
                "ordering": ["event", "enterprise__code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("event", "enterprise"),
                        name="programme_trainingparticipation_one_per_enterprise",
                        violation_error_message="An enterprise is listed once per event.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("participants__gt", 0)),
                        name="programme_trainingparticipation_participants_positive",
                        violation_error_message="An enterprise listed sends at least one participant.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Body",
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
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                ("code", models.SlugField(max_length=32, unique=True, verbose_name="code")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("leading_team", "Leading team"),
                            ("office", "Programme office"),
                            ("working_group", "Working group"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="Chinese name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=100, verbose_name="English name"),
                ),
                (
                    "established",
                    models.DateField(blank=True, null=True, verbose_name="established"),
                ),
                ("description", models.TextField(blank=True, verbose_name="remit")),
                (
                    "description_en",
                    models.TextField(blank=True, verbose_name="remit (English)"),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        help_text="The body this one works under (the office under the leading team).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="programme.body",
                        verbose_name="under",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "body",
                "verbose_name_plural": "bodies",
                "ordering": ["code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code", ""), _negated=True),
                        name="programme_body_code_not_empty",
                        violation_error_message="The code cannot be empty.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind__in", ["leading_team", "office", "working_group"])
                        ),
                        name="programme_body_kind_valid",
                        violation_error_message="Unknown kind of body.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("parent__isnull", True),
                            models.Q(("parent", models.F("pk")), _negated=True),
                            _connector="OR",
                        ),
                        name="programme_body_not_own_parent",
                        violation_error_message="A body cannot work under itself.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalBody",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created"),
                ),
                (
                    "updated",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                ("code", models.SlugField(max_length=32, verbose_name="code")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("leading_team", "Leading team"),
                            ("office", "Programme office"),
                            ("working_group", "Working group"),
                        ],
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="Chinese name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=100, verbose_name="English name"),
                ),
                (
                    "established",
                    models.DateField(blank=True, null=True, verbose_name="established"),
                ),
                ("description", models.TextField(blank=True, verbose_name="remit")),
                (
                    "description_en",
                    models.TextField(blank=True, verbose_name="remit (English)"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The body this one works under (the office under the leading team).",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programme.body",
                        verbose_name="under",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical body",
                "verbose_name_plural": "historical bodies",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMeeting",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created"),
                ),
                (
                    "updated",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                (
                    "title",
                    models.CharField(blank=True, max_length=200, verbose_name="title"),
                ),
                (
                    "place",
                    models.CharField(blank=True, max_length=200, verbose_name="place"),
                ),
                ("minutes", models.TextField(blank=True, verbose_name="minutes")),
                (
                    "decisions",
                    models.TextField(
                        blank=True,
                        help_text="What the meeting decided, one decision a line.",
                        verbose_name="decisions",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programme.body",
                        verbose_name="body",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical meeting",
                "verbose_name_plural": "historical meetings",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMember",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created"),
                ),
                (
                    "updated",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                ("person_name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "position",
                    models.CharField(
                        blank=True,
                        help_text="Their office, e.g. mayor.",
                        max_length=100,
                        verbose_name="position",
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("leader", "Leader"),
                            ("deputy_leader", "Deputy leader"),
                            ("director", "Director"),
                            ("deputy_director", "Deputy director"),
                            ("member", "Member"),
                            ("liaison", "Liaison officer"),
                        ],
                        max_length=16,
                        verbose_name="role",
                    ),
                ),
                ("term_start", models.DateField(verbose_name="term start")),
                (
                    "term_end",
                    models.DateField(
                        blank=True,
                        help_text="Empty while the term runs.",
                        null=True,
                        verbose_name="term end",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programme.body",
                        verbose_name="body",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="targets.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user account",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical member",
                "verbose_name_plural": "historical members",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Meeting",
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
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                (
                    "title",
                    models.CharField(blank=True, max_length=200, verbose_name="title"),
                ),
                (
                    "place",
                    models.CharField(blank=True, max_length=200, verbose_name="place"),
                ),
                ("minutes", models.TextField(blank=True, verbose_name="minutes")),
                (
                    "decisions",
                    models.TextField(
                        blank=True,
                        help_text="What the meeting decided, one decision a line.",
                        verbose_name="decisions",
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meetings",
                        to="programme.body",
                        verbose_name="body",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "meeting",
                "verbose_name_plural": "meetings",
                "ordering": ["-date", "body"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("date__gte", datetime.date(1949, 1, 1)),
                            ("date__lte", datetime.date(2100, 12, 31)),
                        ),
                        name="programme_meeting_date_range",
                        violation_error_message="The date must lie between 1949 and 2100.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalTask",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created"),
                ),
                (
                    "updated",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                ("text", models.TextField(verbose_name="task")),
                ("due_date", models.DateField(verbose_name="due date")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("done", "Done"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "done_date",
                    models.DateField(blank=True, null=True, verbose_name="done on"),
                ),
                (
                    "note",
                    models.TextField(
                        blank=True,
                        help_text="How it was done, or why not.",
                        verbose_name="note",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="targets.department",
                        verbose_name="owner department",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The meeting that gave the task (empty: given outside a meeting).",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programme.meeting",
                        verbose_name="meeting",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical task",
                "verbose_name_plural": "historical tasks",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Member",
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
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                ("person_name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "position",
                    models.CharField(
                        blank=True,
                        help_text="Their office, e.g. mayor.",
                        max_length=100,
                        verbose_name="position",
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("leader", "Leader"),
                            ("deputy_leader", "Deputy leader"),
                            ("director", "Director"),
                            ("deputy_director", "Deputy director"),
                            ("member", "Member"),
                            ("liaison", "Liaison officer"),
                        ],
                        max_length=16,
                        verbose_name="role",
                    ),
                ),
                ("term_start", models.DateField(verbose_name="term start")),
                (
                    "term_end",
                    models.DateField(
                        blank=True,
                        help_text="Empty while the term runs.",
                        null=True,
                        verbose_name="term end",
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="programme.body",
                        verbose_name="body",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="body_members",
                        to="targets.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="body_seats",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user account",
                    ),
                ),
            ],
            options={
                "verbose_name": "member",
                "verbose_name_plural": "members",
                "ordering": ["body", "role", "person_name", "-term_start"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "role__in",
                                [
                                    "leader",
                                    "deputy_leader",
                                    "director",
                                    "deputy_director",
                                    "member",
                                    "liaison",
                                ],
                            )
                        ),
                        name="programme_member_role_valid",
                        violation_error_message="Unknown role.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("term_end__isnull", True),
                            ("term_end__gte", models.F("term_start")),
                            _connector="OR",
                        ),
                        name="programme_member_term_end_after_start",
                        violation_error_message="A term cannot end before it starts.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("person_name", ""), _negated=True),
                        name="programme_member_name_not_empty",
                        violation_error_message="The name cannot be empty.",
                    ),
                    models.UniqueConstraint(
                        fields=("body", "person_name", "role", "term_start"),
                        name="programme_member_one_seat_per_term",
                        violation_error_message="This person already has this role on this body from that date.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ReminderSent",
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
                    "week",
                    models.DateField(
                        help_text="The Monday of the week it was sent in.",
                        verbose_name="week",
                    ),
                ),
                ("sent", models.DateTimeField(auto_now_add=True, verbose_name="sent")),
                ("items", models.PositiveIntegerField(default=0, verbose_name="items")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders_sent",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "reminder sent",
                "verbose_name_plural": "reminders sent",
                "ordering": ["-week", "user"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "week"),
                        name="programme_remindersent_one_per_week",
                        violation_error_message="This user has had this week's reminder.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Task",
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
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                ("text", models.TextField(verbose_name="task")),
                ("due_date", models.DateField(verbose_name="due date")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("done", "Done"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "done_date",
                    models.DateField(blank=True, null=True, verbose_name="done on"),
                ),
                (
                    "note",
                    models.TextField(
                        blank=True,
                        help_text="How it was done, or why not.",
                        verbose_name="note",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tasks",
                        to="targets.department",
                        verbose_name="owner department",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        blank=True,
                        help_text="The meeting that gave the task (empty: given outside a meeting).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tasks",
                        to="programme.meeting",
                        verbose_name="meeting",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "task",
                "verbose_name_plural": "tasks",
                "ordering": ["due_date", "pk"],
                "permissions": [
                    ("view_all_tasks", "Can see the tasks of every department"),
                    ("complete_own_task", "Can mark their own department's tasks done"),
                ],
                "indexes": [
                    models.Index(
                        fields=["department", "status", "due_date"],
                        name="task_dept_status_due",
                    ),
                    models.Index(fields=["status", "due_date"], name="task_status_due"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["open", "done", "cancelled"])),
                        name="programme_task_status_valid",
                        violation_error_message="Unknown status.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "done"), _negated=True),
                            ("done_date__isnull", False),
                            _connector="OR",
                        ),
                        name="programme_task_done_has_date",
                        violation_error_message="A done task needs the date it was done.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "open"), _negated=True),
                            ("done_date__isnull", True),
                            _connector="OR",
                        ),
                        name="programme_task_open_has_no_done_date",
                        violation_error_message="An open task has no done date; mark it done.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("text", ""), _negated=True),
                        name="programme_task_text_not_empty",
                        violation_error_message="Say what the task is.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalUserProfile",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created"),
                ),
                (
                    "updated",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        blank=True,
                        choices=[("zh-hans", "Chinese"), ("en", "English")],
                        help_text="The language of their e-mails; empty: Chinese.",
                        max_length=16,
                        verbose_name="language",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="targets.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical staff member",
                "verbose_name_plural": "historical staff",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="UserProfile",
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
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        blank=True,
                        choices=[("zh-hans", "Chinese"), ("en", "English")],
                        help_text="The language of their e-mails; empty: Chinese.",
                        max_length=16,
                        verbose_name="language",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="staff",
                        to="targets.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="programme_profile",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "staff member",
                "verbose_name_plural": "staff",
                "ordering": ["user__username"],
            },
        ),
        migrations.CreateModel(
            name="EnvironmentalInvestment",
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
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        help_text="The year the money was (or is to be) spent.",
                        validators=[benxi_cp.validators.validate_year],
                        verbose_name="year",
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("treatment", "Pollution treatment facilities"),
                            ("monitoring", "Environmental monitoring"),
                            ("greening", "Greening"),
                            ("other", "Other environmental investment"),
                        ],
                        max_length=16,
                        verbose_name="category",
                    ),
                ),
                ("project", models.CharField(max_length=200, verbose_name="project")),
                (
                    "amount_10k_yuan",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="amount (10k yuan)",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("own", "Enterprise's own funds"),
                            ("bank_loan", "Bank loan"),
                            ("government", "Government or CP fund"),
                            ("charge_refund", "Pollution charge refund"),
                            ("other", "Other source"),
                        ],
                        max_length=16,
                        verbose_name="source of funds",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("planned", "Planned"), ("completed", "Completed")],
                        default="completed",
                        help_text="Only completed projects count in the investment trend.",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="environmental_investments",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "environmental investment",
                "verbose_name_plural": "environmental investments",
                "ordering": ["-year", "enterprise__code", "project"],
                "permissions": [
                    (
                        "view_all_investments",
                        "Can view every enterprise's environmental investment",
                    )
                ],
                "indexes": [
                    models.Index(fields=["status", "year"], name="programme_envinv_status_year")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("enterprise", "year", "project"),
                        name="programme_environmentalinvestment_one_row_per_project",
                        violation_error_message="This enterprise already has a project of this name in this year.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("amount_10k_yuan__gte", 0)),
                        name="programme_environmentalinvestment_amount_non_negative",
                        violation_error_message="An investment cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("year__gte", 1949), ("year__lte", 2100)),
                        name="programme_environmentalinvestment_year_range",
                        violation_error_message="The year is out of range.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("project", ""), _negated=True),
                        name="programme_environmentalinvestment_project_not_empty",
                        violation_error_message="The project needs a name.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "category__in",
                                ["treatment", "monitoring", "greening", "other"],
                            )
                        ),
                        name="programme_environmentalinvestment_category_valid",
                        violation_error_message="Unknown category.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "source__in",
                                [
                                    "own",
                                    "bank_loan",
                                    "government",
                                    "charge_refund",
                                    "other",
                                ],
                            )
                        ),
                        name="programme_environmentalinvestment_source_valid",
                        violation_error_message="Unknown source of funds.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["planned", "completed"])),
                        name="programme_environmentalinvestment_status_valid",
                        violation_error_message="Unknown status.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalEnvironmentalInvestment",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created"),
                ),
                (
                    "updated",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated"),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        help_text="The year the money was (or is to be) spent.",
                        validators=[benxi_cp.validators.validate_year],
                        verbose_name="year",
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("treatment", "Pollution treatment facilities"),
                            ("monitoring", "Environmental monitoring"),
                            ("greening", "Greening"),
                            ("other", "Other environmental investment"),
                        ],
                        max_length=16,
                        verbose_name="category",
                    ),
                ),
                ("project", models.CharField(max_length=200, verbose_name="project")),
                (
                    "amount_10k_yuan",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="amount (10k yuan)",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("own", "Enterprise's own funds"),
                            ("bank_loan", "Bank loan"),
                            ("government", "Government or CP fund"),
                            ("charge_refund", "Pollution charge refund"),
                            ("other", "Other source"),
                        ],
                        max_length=16,
                        verbose_name="source of funds",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("planned", "Planned"), ("completed", "Completed")],
                        default="completed",
                        help_text="Only completed projects count in the investment trend.",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical environmental investment",
                "verbose_name_plural": "historical environmental investments",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="TrainingMaterial",
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
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "file",
                    models.FileField(
                        max_length=200,
                        upload_to=benxi_cp.models.stored_document_path,
                        verbose_name="file",
                    ),
                ),
                ("filename", models.CharField(max_length=200, verbose_name="file name")),
                (
                    "content_type",
                    models.CharField(max_length=100, verbose_name="content type"),
                ),
                ("size_bytes", models.PositiveIntegerField(verbose_name="size (bytes)")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="materials",
                        to="programme.trainingevent",
                        verbose_name="event",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "training material",
                "verbose_name_plural": "training materials",
                "ordering": ["event", "created"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("size_bytes__gt", 0), ("size_bytes__lte", 20971520)),
                        name="programme_trainingmaterial_size_limit",
                        violation_error_message="A document holds between 1 byte and 20 MB.",
                    )
                ],
            },
        ),
        migrations.RunPython(replaced_steps, replaced_steps_reversed),
    ]
