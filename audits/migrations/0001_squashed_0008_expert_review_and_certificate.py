from importlib import import_module

import audits.models.review
import benxi_cp.models
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# The replaced migrations' data and SQL steps (migration, index of the operation), run
# as they were, in their order, after the tables are made. The squash keeps the replaced
# files (deployed databases need them) and takes the steps from them.
REPLACED_STEPS = [
    ("0003_role_permissions", 0),  # forwards
    ("0006_audit_rules_and_lock", 19),  # actual_figures
    ("0006_audit_rules_and_lock", 20),  # unlock_permissions
    ("0006_audit_rules_and_lock", 21),  # noop
]


def _steps():
    return [
        import_module(f"audits.migrations.{name}").Migration.operations[index]
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
        ("audits", "0001_initial"),
        ("audits", "0002_feasibility_balance_documents"),
        ("audits", "0003_role_permissions"),
        ("audits", "0004_audit_list_order_index"),
        ("audits", "0005_edit_versions"),
        ("audits", "0006_audit_rules_and_lock"),
        ("audits", "0007_audit_documents_on_the_shared_stored_document"),
        ("audits", "0008_expert_review_and_certificate"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("benxi_cp", "0002_roles"),
        ("enterprises", "0007_report_period_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="Audit",
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
                    "ref",
                    models.CharField(max_length=32, unique=True, verbose_name="reference"),
                ),
                ("started_on", models.DateField(verbose_name="started on")),
                (
                    "focus",
                    models.CharField(blank=True, max_length=255, verbose_name="audit focus"),
                ),
                (
                    "cp_lead",
                    models.CharField(
                        blank=True,
                        help_text="The enterprise's CP leader.",
                        max_length=100,
                        verbose_name="enterprise CP lead",
                    ),
                ),
                (
                    "steps_completed",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="How many of the eight steps are done, in order.",
                        verbose_name="steps completed",
                    ),
                ),
                (
                    "assessment",
                    models.CharField(
                        blank=True,
                        choices=[("pass", "Pass"), ("fail", "Fail")],
                        max_length=8,
                        verbose_name="assessment",
                    ),
                ),
                (
                    "assessed_on",
                    models.DateField(blank=True, null=True, verbose_name="assessed on"),
                ),
                (
                    "assessment_score",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="assessment score",
                    ),
                ),
                (
                    "acceptance",
                    models.CharField(
                        blank=True,
                        choices=[("pass", "Pass"), ("fail", "Fail")],
                        max_length=8,
                        verbose_name="acceptance",
                    ),
                ),
                (
                    "accepted_by",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("national_centre", "National CP Centre"),
                            ("municipality", "Municipality"),
                        ],
                        max_length=16,
                        verbose_name="accepted by",
                    ),
                ),
                (
                    "accepted_on",
                    models.DateField(blank=True, null=True, verbose_name="accepted on"),
                ),
                (
                    "demonstration",
                    models.BooleanField(default=False, verbose_name="demonstration enterprise"),
                ),
                (
                    "demonstration_on",
                    models.DateField(blank=True, null=True, verbose_name="named demonstration on"),
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
                        related_name="audits",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "team",
                    models.ManyToManyField(
                        blank=True,
                        related_name="cp_audits",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="audit team",
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
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "CP audit",
                "verbose_name_plural": "CP audits",
                "ordering": ["-started_on", "ref"],
                "indexes": [
                    models.Index(
                        fields=["enterprise", "started_on"], name="audit_enterprise_started"
                    ),
                    models.Index(
                        fields=["acceptance", "accepted_by"], name="audit_acceptance_body"
                    ),
                    models.Index(fields=["-started_on", "ref"], name="audit_list_order"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("steps_completed__lte", 8)),
                        name="audits_audit_steps_range",
                        violation_error_message="An audit has eight steps.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("assessment", ""),
                            models.Q(("assessed_on__isnull", False), ("steps_completed", 8)),
                            _connector="OR",
                        ),
                        name="audits_audit_assessment_after_eight_steps",
                        violation_error_message="An assessment needs all eight steps completed and an assessment date.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("assessed_on__isnull", True),
                            ("assessed_on__gte", models.F("started_on")),
                            _connector="OR",
                        ),
                        name="audits_audit_assessed_after_start",
                        violation_error_message="The assessment cannot be dated before the audit started.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("assessment_score__isnull", True),
                            models.Q(("assessment_score__gte", 0), ("assessment_score__lte", 100)),
                            _connector="OR",
                        ),
                        name="audits_audit_score_range",
                        violation_error_message="The assessment score is between 0 and 100.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("acceptance", ""),
                            models.Q(
                                ("accepted_on__isnull", False),
                                ("assessment", "pass"),
                                models.Q(("accepted_by", ""), _negated=True),
                                ("accepted_on__gte", models.F("assessed_on")),
                            ),
                            _connector="OR",
                        ),
                        name="audits_audit_acceptance_after_passed_assessment",
                        violation_error_message="An acceptance needs a passed assessment, an accepting body and a date not before the assessment.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("demonstration", False),
                            ("acceptance", "pass"),
                            _connector="OR",
                        ),
                        name="audits_audit_demonstration_after_acceptance",
                        violation_error_message="Only an enterprise whose audit passed acceptance can be a demonstration enterprise.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("assessment", ""), _negated=True),
                            models.Q(
                                ("assessed_on__isnull", True),
                                ("assessment_score__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="audits_audit_assessment_details_need_assessment",
                        violation_error_message="An assessment date or score needs an assessment result.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("acceptance", ""), _negated=True),
                            models.Q(("accepted_by", ""), ("accepted_on__isnull", True)),
                            _connector="OR",
                        ),
                        name="audits_audit_acceptance_details_need_acceptance",
                        violation_error_message="An accepting body or acceptance date needs an acceptance result.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("demonstration_on__isnull", True),
                            models.Q(
                                ("demonstration", True),
                                ("demonstration_on__gte", models.F("accepted_on")),
                            ),
                            _connector="OR",
                        ),
                        name="audits_audit_demonstration_after_accepted_on",
                        violation_error_message="An enterprise is named a demonstration enterprise on or after its acceptance.",
                    ),
                ],
                "permissions": [
                    ("view_all_audits", "Can see every audit and option"),
                    ("serve_on_audit_team", "Can serve on audit teams"),
                    ("assess_audit", "Can record assessment, acceptance and demonstration"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Option",
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
                ("code", models.CharField(max_length=16, verbose_name="code")),
                ("title", models.CharField(max_length=255, verbose_name="title")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "aspect",
                    models.CharField(
                        choices=[
                            ("raw_materials_energy", "Raw materials and energy"),
                            ("technology", "Technology and process"),
                            ("equipment", "Equipment"),
                            ("process_control", "Process control"),
                            ("product", "Product"),
                            ("waste", "Waste reuse and recycling"),
                            ("management", "Management"),
                            ("employees", "Employees"),
                        ],
                        max_length=24,
                        verbose_name="aspect",
                    ),
                ),
                (
                    "fee_class",
                    models.CharField(
                        choices=[
                            ("low_no", "No/low-fee"),
                            ("medium_high", "Medium/high-fee"),
                        ],
                        max_length=16,
                        verbose_name="fee class",
                    ),
                ),
                (
                    "step",
                    models.PositiveSmallIntegerField(
                        default=4,
                        help_text="The audit step the option came from.",
                        verbose_name="from step",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("rejected", "Rejected at screening"),
                            ("selected", "Selected at screening"),
                            ("feasible", "Feasible"),
                            ("not_feasible", "Not feasible"),
                            ("implemented", "Implemented"),
                        ],
                        default="proposed",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "investment_10k_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="As estimated before implementation; kept when the actual one is entered.",
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="estimated investment (10k yuan)",
                    ),
                ),
                (
                    "annual_benefit_10k_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="estimated annual economic benefit (10k yuan/year)",
                    ),
                ),
                (
                    "implemented_on",
                    models.DateField(blank=True, null=True, verbose_name="implemented on"),
                ),
                (
                    "audit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="options",
                        to="audits.audit",
                        verbose_name="audit",
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
                    "actual_annual_benefit_10k_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="What the implemented option brings in a year, as measured.",
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="actual annual economic benefit (10k yuan/year)",
                    ),
                ),
                (
                    "actual_investment_10k_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="What the implemented option cost. The programme figures count it; where it is empty they count the estimate, and say so.",
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="actual investment (10k yuan)",
                    ),
                ),
            ],
            options={
                "verbose_name": "CP option",
                "verbose_name_plural": "CP options",
                "ordering": ["audit", "code"],
                "indexes": [
                    models.Index(
                        fields=["fee_class", "status", "implemented_on"],
                        name="option_fee_status_date",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("audit", "code"),
                        name="audits_option_code_unique_in_audit",
                        violation_error_message="This code is already used in the audit.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("investment_10k_yuan__isnull", True),
                                ("investment_10k_yuan__gte", 0),
                                _connector="OR",
                            ),
                            models.Q(
                                ("annual_benefit_10k_yuan__isnull", True),
                                ("annual_benefit_10k_yuan__gte", 0),
                                _connector="OR",
                            ),
                        ),
                        name="audits_option_amounts_non_negative",
                        violation_error_message="Investment and benefit cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("implemented_on__isnull", False), ("status", "implemented")),
                            models.Q(
                                models.Q(("status", "implemented"), _negated=True),
                                ("implemented_on__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="audits_option_implemented_has_date",
                        violation_error_message="An implemented option needs its implementation date; other options have none.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("fee_class", "medium_high"),
                            ("investment_10k_yuan__isnull", True),
                            ("status__in", ["feasible", "not_feasible", "implemented"]),
                            _negated=True,
                        ),
                        name="audits_option_medium_high_needs_investment",
                        violation_error_message="A medium/high-fee option needs its investment before it is feasible or implemented.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("step__gte", 1), ("step__lte", 8)),
                        name="audits_option_step_range",
                        violation_error_message="Steps are numbered 1 to 8.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("actual_investment_10k_yuan__isnull", True),
                                ("actual_investment_10k_yuan__gte", 0),
                                _connector="OR",
                            ),
                            models.Q(
                                ("actual_annual_benefit_10k_yuan__isnull", True),
                                ("actual_annual_benefit_10k_yuan__gte", 0),
                                _connector="OR",
                            ),
                        ),
                        name="audits_option_actual_amounts_non_negative",
                        violation_error_message="Investment and benefit cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status", "implemented"),
                            models.Q(
                                ("actual_annual_benefit_10k_yuan__isnull", True),
                                ("actual_investment_10k_yuan__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="audits_option_actual_only_when_implemented",
                        violation_error_message="Only an implemented option has actual figures.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="OptionReduction",
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
                    "amount_per_year",
                    models.DecimalField(
                        decimal_places=4,
                        help_text="In the pollutant's unit per year.",
                        max_digits=16,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="reduction per year",
                    ),
                ),
                (
                    "option",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reductions",
                        to="audits.option",
                        verbose_name="option",
                    ),
                ),
                (
                    "pollutant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="enterprises.pollutant",
                        verbose_name="pollutant",
                    ),
                ),
            ],
            options={
                "verbose_name": "option reduction",
                "verbose_name_plural": "option reductions",
                "ordering": ["option", "pollutant__position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("option", "pollutant"),
                        name="audits_optionreduction_one_per_pollutant",
                        violation_error_message="This pollutant already has a reduction for the option.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("amount_per_year__gte", 0)),
                        name="audits_optionreduction_amount_non_negative",
                        violation_error_message="A reduction cannot be negative.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditStep",
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
                ("number", models.PositiveSmallIntegerField(verbose_name="step")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_started", "Not started"),
                            ("in_progress", "In progress"),
                            ("completed", "Completed"),
                        ],
                        default="not_started",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "started_on",
                    models.DateField(blank=True, null=True, verbose_name="started on"),
                ),
                (
                    "completed_on",
                    models.DateField(blank=True, null=True, verbose_name="completed on"),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                (
                    "checklist",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Keys of the deliverables done.",
                        verbose_name="deliverables done",
                    ),
                ),
                (
                    "audit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="steps",
                        to="audits.audit",
                        verbose_name="audit",
                    ),
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
            ],
            options={
                "verbose_name": "audit step",
                "verbose_name_plural": "audit steps",
                "ordering": ["audit", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("audit", "number"),
                        name="audits_auditstep_one_per_number",
                        violation_error_message="An audit has each step once.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1), ("number__lte", 8)),
                        name="audits_auditstep_number_range",
                        violation_error_message="Steps are numbered 1 to 8.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("completed_on__isnull", True),
                            ("started_on__isnull", True),
                            ("completed_on__gte", models.F("started_on")),
                            _connector="OR",
                        ),
                        name="audits_auditstep_completed_after_start",
                        violation_error_message="A step cannot be completed before it started.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("completed_on__isnull", True),
                            ("status", "completed"),
                            _connector="OR",
                        ),
                        name="audits_auditstep_completion_date_when_completed",
                        violation_error_message="Only a completed step has a completion date.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["not_started", "in_progress", "completed"])
                        ),
                        name="audits_auditstep_status_valid",
                        violation_error_message="Unknown step status.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalAudit",
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
                    "ref",
                    models.CharField(db_index=True, max_length=32, verbose_name="reference"),
                ),
                ("started_on", models.DateField(verbose_name="started on")),
                (
                    "focus",
                    models.CharField(blank=True, max_length=255, verbose_name="audit focus"),
                ),
                (
                    "cp_lead",
                    models.CharField(
                        blank=True,
                        help_text="The enterprise's CP leader.",
                        max_length=100,
                        verbose_name="enterprise CP lead",
                    ),
                ),
                (
                    "steps_completed",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="How many of the eight steps are done, in order.",
                        verbose_name="steps completed",
                    ),
                ),
                (
                    "assessment",
                    models.CharField(
                        blank=True,
                        choices=[("pass", "Pass"), ("fail", "Fail")],
                        max_length=8,
                        verbose_name="assessment",
                    ),
                ),
                (
                    "assessed_on",
                    models.DateField(blank=True, null=True, verbose_name="assessed on"),
                ),
                (
                    "assessment_score",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="assessment score",
                    ),
                ),
                (
                    "acceptance",
                    models.CharField(
                        blank=True,
                        choices=[("pass", "Pass"), ("fail", "Fail")],
                        max_length=8,
                        verbose_name="acceptance",
                    ),
                ),
                (
                    "accepted_by",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("national_centre", "National CP Centre"),
                            ("municipality", "Municipality"),
                        ],
                        max_length=16,
                        verbose_name="accepted by",
                    ),
                ),
                (
                    "accepted_on",
                    models.DateField(blank=True, null=True, verbose_name="accepted on"),
                ),
                (
                    "demonstration",
                    models.BooleanField(default=False, verbose_name="demonstration enterprise"),
                ),
                (
                    "demonstration_on",
                    models.DateField(blank=True, null=True, verbose_name="named demonstration on"),
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
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical CP audit",
                "verbose_name_plural": "historical CP audits",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalAuditStep",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveSmallIntegerField(verbose_name="step")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_started", "Not started"),
                            ("in_progress", "In progress"),
                            ("completed", "Completed"),
                        ],
                        default="not_started",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "started_on",
                    models.DateField(blank=True, null=True, verbose_name="started on"),
                ),
                (
                    "completed_on",
                    models.DateField(blank=True, null=True, verbose_name="completed on"),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                (
                    "checklist",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Keys of the deliverables done.",
                        verbose_name="deliverables done",
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
                    "audit",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="audits.audit",
                        verbose_name="audit",
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
                    "version",
                    models.PositiveIntegerField(
                        db_default=1,
                        default=1,
                        editable=False,
                        help_text="Counts the saves of this record; an edit form keeps the one it read.",
                        verbose_name="version",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical audit step",
                "verbose_name_plural": "historical audit steps",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="MaterialBalanceLine",
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
                    "direction",
                    models.CharField(
                        choices=[("input", "Input"), ("output", "Output")],
                        max_length=8,
                        verbose_name="input or output",
                    ),
                ),
                ("item", models.CharField(max_length=120, verbose_name="item")),
                (
                    "quantity",
                    models.DecimalField(
                        decimal_places=3,
                        max_digits=16,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="quantity",
                    ),
                ),
                (
                    "unit",
                    models.CharField(
                        help_text="Inputs and outputs are balanced per unit, e.g. t/a or m³/a.",
                        max_length=20,
                        verbose_name="unit",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="position"),
                ),
                (
                    "audit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="balance_lines",
                        to="audits.audit",
                        verbose_name="audit",
                    ),
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
            ],
            options={
                "verbose_name": "material balance line",
                "verbose_name_plural": "material balance lines",
                "ordering": ["audit", "direction", "position", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("quantity__gte", 0)),
                        name="audits_materialbalanceline_quantity_non_negative",
                        violation_error_message="A quantity cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("direction__in", ["input", "output"])),
                        name="audits_materialbalanceline_direction_valid",
                        violation_error_message="A balance line is an input or an output.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalOptionFeasibility",
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
                    "investment_10k_yuan",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="total investment I (10k yuan)",
                    ),
                ),
                (
                    "annual_net_saving_10k_yuan",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="annual net saving P (10k yuan/year)",
                    ),
                ),
                (
                    "depreciation_years",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="depreciation period Y (years)",
                    ),
                ),
                (
                    "tax_rate_pct",
                    models.DecimalField(
                        decimal_places=2,
                        default=33,
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="income tax rate (%)",
                    ),
                ),
                (
                    "discount_rate_pct",
                    models.DecimalField(
                        decimal_places=2,
                        help_text="The discount or loan rate the IRR is compared with.",
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="discount rate (%)",
                    ),
                ),
                (
                    "life_years",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="life of the option (years)",
                    ),
                ),
                (
                    "technical_evaluation",
                    models.TextField(blank=True, verbose_name="technical evaluation"),
                ),
                (
                    "environmental_evaluation",
                    models.TextField(blank=True, verbose_name="environmental evaluation"),
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
                    "option",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="audits.option",
                        verbose_name="option",
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
                    "negative_npv_reason",
                    models.TextField(
                        blank=True,
                        help_text="Required when the option is concluded feasible (or implemented) although its net present value is negative: why it is worth doing.",
                        verbose_name="reason to go ahead despite a negative NPV",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical feasibility analysis",
                "verbose_name_plural": "historical feasibility analyses",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="OptionFeasibility",
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
                    "investment_10k_yuan",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="total investment I (10k yuan)",
                    ),
                ),
                (
                    "annual_net_saving_10k_yuan",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=12,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="annual net saving P (10k yuan/year)",
                    ),
                ),
                (
                    "depreciation_years",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="depreciation period Y (years)",
                    ),
                ),
                (
                    "tax_rate_pct",
                    models.DecimalField(
                        decimal_places=2,
                        default=33,
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="income tax rate (%)",
                    ),
                ),
                (
                    "discount_rate_pct",
                    models.DecimalField(
                        decimal_places=2,
                        help_text="The discount or loan rate the IRR is compared with.",
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="discount rate (%)",
                    ),
                ),
                (
                    "life_years",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="life of the option (years)",
                    ),
                ),
                (
                    "technical_evaluation",
                    models.TextField(blank=True, verbose_name="technical evaluation"),
                ),
                (
                    "environmental_evaluation",
                    models.TextField(blank=True, verbose_name="environmental evaluation"),
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
                    "option",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feasibility",
                        to="audits.option",
                        verbose_name="option",
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
                    "negative_npv_reason",
                    models.TextField(
                        blank=True,
                        help_text="Required when the option is concluded feasible (or implemented) although its net present value is negative: why it is worth doing.",
                        verbose_name="reason to go ahead despite a negative NPV",
                    ),
                ),
            ],
            options={
                "verbose_name": "feasibility analysis",
                "verbose_name_plural": "feasibility analyses",
                "ordering": ["option"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("annual_net_saving_10k_yuan__gte", 0),
                            ("investment_10k_yuan__gte", 0),
                        ),
                        name="audits_optionfeasibility_amounts_non_negative",
                        violation_error_message="Investment and saving cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("depreciation_years__gte", 1), ("life_years__gte", 1)),
                        name="audits_optionfeasibility_years_positive",
                        violation_error_message="Depreciation period and life are at least one year.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("tax_rate_pct__gte", 0),
                            ("tax_rate_pct__lte", 100),
                            ("discount_rate_pct__gte", 0),
                            ("discount_rate_pct__lte", 100),
                        ),
                        name="audits_optionfeasibility_rates_range",
                        violation_error_message="Rates are between 0 and 100%.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalOption",
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
                ("code", models.CharField(max_length=16, verbose_name="code")),
                ("title", models.CharField(max_length=255, verbose_name="title")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "aspect",
                    models.CharField(
                        choices=[
                            ("raw_materials_energy", "Raw materials and energy"),
                            ("technology", "Technology and process"),
                            ("equipment", "Equipment"),
                            ("process_control", "Process control"),
                            ("product", "Product"),
                            ("waste", "Waste reuse and recycling"),
                            ("management", "Management"),
                            ("employees", "Employees"),
                        ],
                        max_length=24,
                        verbose_name="aspect",
                    ),
                ),
                (
                    "fee_class",
                    models.CharField(
                        choices=[
                            ("low_no", "No/low-fee"),
                            ("medium_high", "Medium/high-fee"),
                        ],
                        max_length=16,
                        verbose_name="fee class",
                    ),
                ),
                (
                    "step",
                    models.PositiveSmallIntegerField(
                        default=4,
                        help_text="The audit step the option came from.",
                        verbose_name="from step",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("rejected", "Rejected at screening"),
                            ("selected", "Selected at screening"),
                            ("feasible", "Feasible"),
                            ("not_feasible", "Not feasible"),
                            ("implemented", "Implemented"),
                        ],
                        default="proposed",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "investment_10k_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="As estimated before implementation; kept when the actual one is entered.",
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="estimated investment (10k yuan)",
                    ),
                ),
                (
                    "annual_benefit_10k_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="estimated annual economic benefit (10k yuan/year)",
                    ),
                ),
                (
                    "implemented_on",
                    models.DateField(blank=True, null=True, verbose_name="implemented on"),
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
                    "audit",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="audits.audit",
                        verbose_name="audit",
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
                    "actual_annual_benefit_10k_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="What the implemented option brings in a year, as measured.",
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="actual annual economic benefit (10k yuan/year)",
                    ),
                ),
                (
                    "actual_investment_10k_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="What the implemented option cost. The programme figures count it; where it is empty they count the estimate, and say so.",
                        max_digits=12,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(0)],
                        verbose_name="actual investment (10k yuan)",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical CP option",
                "verbose_name_plural": "historical CP options",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="AuditUnlock",
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
                    "unlocked_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="unlocked at"),
                ),
                ("reason", models.TextField(verbose_name="reason")),
                (
                    "relocked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="locked again at"),
                ),
                (
                    "audit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="unlocks",
                        to="audits.audit",
                        verbose_name="audit",
                    ),
                ),
                (
                    "relocked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="locked again by",
                    ),
                ),
                (
                    "unlocked_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="unlocked by",
                    ),
                ),
            ],
            options={
                "verbose_name": "audit unlock",
                "verbose_name_plural": "audit unlocks",
                "ordering": ["-unlocked_at", "-pk"],
                "permissions": [("unlock_audit", "Can unlock accepted audits")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True),
                        name="audits_auditunlock_reason_required",
                        violation_error_message="An unlock needs a reason.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("relocked_at__isnull", True)),
                        fields=("audit",),
                        name="audits_auditunlock_one_open_per_audit",
                        violation_error_message="The audit is already unlocked.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("relocked_at__isnull", True), ("relocked_by__isnull", True)),
                            ("relocked_at__isnull", False),
                            _connector="OR",
                        ),
                        name="audits_auditunlock_relocked_by_with_date",
                        violation_error_message="Who locked the audit again needs the date.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditDocument",
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
                    "audit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents",
                        to="audits.audit",
                        verbose_name="audit",
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
                    "step",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents",
                        to="audits.auditstep",
                        verbose_name="step",
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
                "verbose_name": "audit document",
                "verbose_name_plural": "audit documents",
                "ordering": ["step__number", "created"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("size_bytes__gt", 0), ("size_bytes__lte", 20971520)),
                        name="audits_auditdocument_size_limit",
                        violation_error_message="A document holds between 1 byte and 20 MB.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ExpertReview",
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
                    "stage",
                    models.CharField(
                        choices=[
                            ("assessment", "Assessment (评估)"),
                            ("acceptance", "Acceptance (验收)"),
                        ],
                        max_length=16,
                        verbose_name="stage",
                    ),
                ),
                (
                    "panel",
                    models.TextField(
                        help_text="The experts' names, one a line.",
                        verbose_name="expert panel",
                    ),
                ),
                ("reviewed_on", models.DateField(verbose_name="reviewed on")),
                (
                    "score",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="score",
                    ),
                ),
                (
                    "pass_mark",
                    models.DecimalField(
                        decimal_places=1,
                        default=audits.models.review.default_pass_mark,
                        editable=False,
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="pass mark",
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("pass", "Pass"),
                            ("conditional", "Pass with conditions"),
                            ("fail", "Fail"),
                        ],
                        max_length=16,
                        verbose_name="decision",
                    ),
                ),
                ("conditions", models.TextField(blank=True, verbose_name="conditions")),
                (
                    "certificate_on",
                    models.DateField(blank=True, null=True, verbose_name="certificate dated"),
                ),
                (
                    "valid_until",
                    models.DateField(blank=True, null=True, verbose_name="certificate valid until"),
                ),
                (
                    "audit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="audits.audit",
                        verbose_name="audit",
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
                "verbose_name": "expert review",
                "verbose_name_plural": "expert reviews",
                "ordering": ["-reviewed_on", "-pk"],
                "indexes": [models.Index(fields=["valid_until"], name="review_certificate_expiry")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("pass_mark__gte", 0),
                            ("pass_mark__lte", 100),
                            ("score__gte", 0),
                            ("score__lte", 100),
                        ),
                        name="audits_expertreview_scores_0_to_100",
                        violation_error_message="Scores are between 0 and 100.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("decision", "fail"),
                            ("score__gte", models.F("pass_mark")),
                            _connector="OR",
                        ),
                        name="audits_expertreview_pass_needs_pass_mark",
                        violation_error_message="A score below the pass mark cannot be a pass.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("decision", "conditional"), _negated=True),
                            models.Q(("conditions", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="audits_expertreview_conditions_stated",
                        violation_error_message="A pass with conditions needs its conditions.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("certificate_on__isnull", True),
                                ("valid_until__isnull", True),
                            ),
                            models.Q(
                                ("certificate_on__gte", models.F("reviewed_on")),
                                ("decision__in", ["pass", "conditional"]),
                                ("stage", "acceptance"),
                                ("valid_until__gt", models.F("certificate_on")),
                            ),
                            _connector="OR",
                        ),
                        name="audits_expertreview_certificate_of_passed_acceptance",
                        violation_error_message="A certificate belongs to a passed acceptance, dated on or after its review, and is valid after its date.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalExpertReview",
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
                    "stage",
                    models.CharField(
                        choices=[
                            ("assessment", "Assessment (评估)"),
                            ("acceptance", "Acceptance (验收)"),
                        ],
                        max_length=16,
                        verbose_name="stage",
                    ),
                ),
                (
                    "panel",
                    models.TextField(
                        help_text="The experts' names, one a line.",
                        verbose_name="expert panel",
                    ),
                ),
                ("reviewed_on", models.DateField(verbose_name="reviewed on")),
                (
                    "score",
                    models.DecimalField(
                        decimal_places=1,
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="score",
                    ),
                ),
                (
                    "pass_mark",
                    models.DecimalField(
                        decimal_places=1,
                        default=audits.models.review.default_pass_mark,
                        editable=False,
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="pass mark",
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("pass", "Pass"),
                            ("conditional", "Pass with conditions"),
                            ("fail", "Fail"),
                        ],
                        max_length=16,
                        verbose_name="decision",
                    ),
                ),
                ("conditions", models.TextField(blank=True, verbose_name="conditions")),
                (
                    "certificate_on",
                    models.DateField(blank=True, null=True, verbose_name="certificate dated"),
                ),
                (
                    "valid_until",
                    models.DateField(blank=True, null=True, verbose_name="certificate valid until"),
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
                    "audit",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="audits.audit",
                        verbose_name="audit",
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
                "verbose_name": "historical expert review",
                "verbose_name_plural": "historical expert reviews",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="CertificateReminder",
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
                    "threshold",
                    models.CharField(
                        choices=[
                            ("expiring", "Expiring within 6 months"),
                            ("expired", "Expired"),
                        ],
                        max_length=16,
                        verbose_name="threshold",
                    ),
                ),
                (
                    "sent_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent at"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="certificate_reminders",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders",
                        to="audits.expertreview",
                        verbose_name="expert review",
                    ),
                ),
            ],
            options={
                "verbose_name": "certificate reminder",
                "verbose_name_plural": "certificate reminders",
                "ordering": ["-sent_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "review", "threshold"),
                        name="audits_certificatereminder_once_per_threshold",
                        violation_error_message="This person was reminded of this certificate already.",
                    )
                ],
            },
        ),
        migrations.RunPython(replaced_steps, replaced_steps_reversed),
    ]
