from importlib import import_module

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# The replaced migrations' data and SQL steps (migration, index of the operation), run
# as they were, in their order, after the tables are made. The squash keeps the replaced
# files (deployed databases need them) and takes the steps from them.
REPLACED_STEPS = [
    ("0002_pollutant_catalogue", 0),  # seed
    ("0003_role_permissions", 0),  # forwards
    ("0006_discharge_permissions", 0),  # forwards
    ("0008_annual_discharge_ledger", 1),  # fill_ledger
    ("0009_unlock_pending", 1),  # noop
    ("0010_separation_of_duties", 3),  # noop
    ("0010_separation_of_duties", 4),  # entered_by_from_history
    ("0012_enterprise_lookup_indexes", 0),  # apply
]


def _steps():
    return [
        import_module(f"enterprises.migrations.{name}").Migration.operations[index]
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
        ("enterprises", "0001_initial"),
        ("enterprises", "0002_pollutant_catalogue"),
        ("enterprises", "0003_role_permissions"),
        ("enterprises", "0004_discharge_reports"),
        ("enterprises", "0005_reliability_flags_and_unlocks"),
        ("enterprises", "0006_discharge_permissions"),
        ("enterprises", "0007_report_period_index"),
        ("enterprises", "0008_annual_discharge_ledger"),
        ("enterprises", "0009_unlock_pending"),
        ("enterprises", "0010_separation_of_duties"),
        ("enterprises", "0011_edit_versions"),
        ("enterprises", "0012_enterprise_lookup_indexes"),
        ("enterprises", "0013_reliability_scaled_history_check"),
        ("enterprises", "0014_reliability_flags_from_permits"),
        ("enterprises", "0015_enterprise_contact_email"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="Pollutant",
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
                ("code", models.CharField(max_length=16, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=100, verbose_name="Chinese name")),
                ("name_en", models.CharField(max_length=100, verbose_name="English name")),
                ("unit", models.CharField(max_length=20, verbose_name="unit")),
                (
                    "medium",
                    models.CharField(
                        choices=[
                            ("water", "Water"),
                            ("air", "Air"),
                            ("solid", "Solid waste"),
                            ("resource", "Resource use"),
                        ],
                        max_length=16,
                        verbose_name="medium",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=100, verbose_name="position"),
                ),
            ],
            options={
                "verbose_name": "pollutant",
                "verbose_name_plural": "pollutants",
                "ordering": ["position", "code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code__regex", "^[A-Z0-9_]+$")),
                        name="enterprises_pollutant_code_format",
                        violation_error_message="A pollutant code uses capital letters, digits and _.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Enterprise",
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
                    "code",
                    models.CharField(
                        help_text="Unified social credit code (18 characters) or the older local code.",
                        max_length=32,
                        unique=True,
                        verbose_name="code",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="Registered name, usually Chinese.",
                        max_length=200,
                        verbose_name="name",
                    ),
                ),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=200, verbose_name="English name"),
                ),
                (
                    "sector",
                    models.CharField(
                        choices=[
                            ("iron_steel", "Iron and steel"),
                            ("coal", "Coal"),
                            ("building_materials", "Building materials"),
                            ("chemicals", "Chemicals"),
                            ("power", "Power"),
                            ("nonferrous", "Non-ferrous metals"),
                            ("machinery", "Machinery"),
                            ("light_industry", "Light industry"),
                            ("pharmaceuticals", "Pharmaceuticals"),
                            ("other", "Other"),
                        ],
                        max_length=32,
                        verbose_name="sector",
                    ),
                ),
                (
                    "district",
                    models.CharField(blank=True, max_length=100, verbose_name="district"),
                ),
                (
                    "ownership",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("state", "State-owned"),
                            ("collective", "Collective"),
                            ("private", "Private"),
                            ("foreign", "Foreign-invested"),
                            ("joint", "Joint venture"),
                            ("other", "Other"),
                        ],
                        max_length=16,
                        verbose_name="ownership",
                    ),
                ),
                (
                    "size",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("large", "Large"),
                            ("medium", "Medium"),
                            ("small", "Small"),
                        ],
                        max_length=8,
                        verbose_name="size",
                    ),
                ),
                (
                    "state_large_medium",
                    models.BooleanField(
                        default=False,
                        help_text="The base of the programme's coverage rate.",
                        verbose_name="state-owned large or medium",
                    ),
                ),
                (
                    "employees",
                    models.IntegerField(blank=True, null=True, verbose_name="employees"),
                ),
                (
                    "address",
                    models.CharField(blank=True, max_length=255, verbose_name="address"),
                ),
                (
                    "contact_person",
                    models.CharField(blank=True, max_length=100, verbose_name="contact person"),
                ),
                (
                    "phone",
                    models.CharField(blank=True, max_length=50, verbose_name="phone"),
                ),
                (
                    "cp_status",
                    models.CharField(
                        choices=[
                            ("none", "Not in the programme"),
                            ("auditing", "Audit under way"),
                            ("assessed", "Audit assessed"),
                            ("accepted", "Audit accepted"),
                            ("demonstration", "Demonstration enterprise"),
                        ],
                        default="none",
                        editable=False,
                        help_text="Follows from the enterprise's audits.",
                        max_length=16,
                        verbose_name="CP status",
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
                    "contact_email",
                    models.EmailField(
                        blank=True,
                        help_text="The enterprise's registered address: acknowledgements of its signed submissions go there too.",
                        max_length=254,
                        verbose_name="contact e-mail",
                    ),
                ),
            ],
            options={
                "verbose_name": "enterprise",
                "verbose_name_plural": "enterprises",
                "ordering": ["code"],
                "indexes": [
                    models.Index(fields=["sector", "district"], name="enterprise_sector_district")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("employees__isnull", True),
                            ("employees__gte", 0),
                            _connector="OR",
                        ),
                        name="enterprises_enterprise_employees_non_negative",
                        violation_error_message="The number of employees cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("code", ""), _negated=True),
                        name="enterprises_enterprise_code_not_empty",
                        violation_error_message="The code cannot be empty.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "sector__in",
                                [
                                    "iron_steel",
                                    "coal",
                                    "building_materials",
                                    "chemicals",
                                    "power",
                                    "nonferrous",
                                    "machinery",
                                    "light_industry",
                                    "pharmaceuticals",
                                    "other",
                                ],
                            )
                        ),
                        name="enterprises_enterprise_sector_valid",
                        violation_error_message="Unknown sector.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="DischargeReport",
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
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "period_kind",
                    models.CharField(
                        choices=[("Y", "Year"), ("Q", "Quarter"), ("M", "Month")],
                        default="Y",
                        max_length=1,
                        verbose_name="period",
                    ),
                ),
                (
                    "period_number",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="0 for a year, 1–4 for a quarter, 1–12 for a month.",
                        verbose_name="period number",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("verified", "Verified"),
                            ("returned", "Returned"),
                        ],
                        default="draft",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "output_10k_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        verbose_name="output value (10k yuan)",
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="submitted at"),
                ),
                (
                    "verified_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="verified at"),
                ),
                (
                    "returned_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="returned at"),
                ),
                (
                    "return_reason",
                    models.TextField(blank=True, verbose_name="reason for return"),
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
                        related_name="discharge_reports",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "returned_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="returned by",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitted by",
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
                    "verified_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="verified by",
                    ),
                ),
                (
                    "grade",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("A", "A (reliable)"),
                            ("B", "B (minor doubts)"),
                            ("C", "C (doubtful)"),
                            ("D", "D (unreliable)"),
                        ],
                        editable=False,
                        help_text="Follows from the reliability flags; empty until the report is checked.",
                        max_length=1,
                        verbose_name="reliability grade",
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
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
                "verbose_name": "discharge report",
                "verbose_name_plural": "discharge reports",
                "ordering": ["-year", "enterprise__code", "period_kind", "period_number"],
                "indexes": [
                    models.Index(
                        fields=["year", "period_kind", "status"],
                        name="report_year_kind_status",
                    ),
                    models.Index(fields=["status", "year"], name="report_status_year"),
                    models.Index(
                        fields=["year", "period_kind", "period_number"],
                        name="report_period",
                    ),
                    models.Index(fields=["status", "submitted_at"], name="report_status_submitted"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("enterprise", "year", "period_kind", "period_number"),
                        name="enterprises_dischargereport_one_per_period",
                        violation_error_message="This enterprise already has a report for this period.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("period_kind", "Y"), ("period_number", 0)),
                            models.Q(
                                ("period_kind", "Q"),
                                ("period_number__gte", 1),
                                ("period_number__lte", 4),
                            ),
                            models.Q(
                                ("period_kind", "M"),
                                ("period_number__gte", 1),
                                ("period_number__lte", 12),
                            ),
                            _connector="OR",
                        ),
                        name="enterprises_dischargereport_period_valid",
                        violation_error_message="A quarter is 1–4, a month 1–12, a year has no number.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("year__gte", 1949), ("year__lte", 2100)),
                        name="enterprises_dischargereport_year_range",
                        violation_error_message="The year is out of range.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("output_10k_yuan__isnull", True),
                            ("output_10k_yuan__gte", 0),
                            _connector="OR",
                        ),
                        name="enterprises_dischargereport_output_non_negative",
                        violation_error_message="The output value cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("grade__in", ["", "A", "B", "C", "D"])),
                        name="enterprises_dischargereport_grade_valid",
                        violation_error_message="Unknown reliability grade.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["draft", "submitted", "verified", "returned"])
                        ),
                        name="enterprises_dischargereport_status_valid",
                        violation_error_message="Unknown report status.",
                    ),
                ],
                "permissions": [
                    ("verify_dischargereport", "Can verify or return discharge reports"),
                    ("unlock_dischargereport", "Can unlock verified discharge reports"),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalDischargeValue",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=4,
                        help_text="In the pollutant's unit.",
                        max_digits=16,
                        verbose_name="amount",
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        choices=[
                            ("measured_continuous", "Measured (continuous monitoring)"),
                            ("measured_sampling", "Measured (sampling)"),
                            ("calculated", "Calculated"),
                            ("estimated", "Estimated"),
                        ],
                        default="estimated",
                        max_length=24,
                        verbose_name="basis",
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
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "pollutant",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="enterprises.pollutant",
                        verbose_name="pollutant",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="enterprises.dischargereport",
                        verbose_name="report",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical discharge value",
                "verbose_name_plural": "historical discharge values",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="DischargeValue",
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
                    "amount",
                    models.DecimalField(
                        decimal_places=4,
                        help_text="In the pollutant's unit.",
                        max_digits=16,
                        verbose_name="amount",
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        choices=[
                            ("measured_continuous", "Measured (continuous monitoring)"),
                            ("measured_sampling", "Measured (sampling)"),
                            ("calculated", "Calculated"),
                            ("estimated", "Estimated"),
                        ],
                        default="estimated",
                        max_length=24,
                        verbose_name="basis",
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
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="values",
                        to="enterprises.dischargereport",
                        verbose_name="report",
                    ),
                ),
            ],
            options={
                "verbose_name": "discharge value",
                "verbose_name_plural": "discharge values",
                "ordering": ["report", "pollutant__position"],
                "indexes": [
                    models.Index(fields=["pollutant", "report"], name="value_pollutant_report")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("report", "pollutant"),
                        name="enterprises_dischargevalue_one_per_pollutant",
                        violation_error_message="This pollutant is already in the report.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("amount__gte", 0)),
                        name="enterprises_dischargevalue_amount_non_negative",
                        violation_error_message="An amount cannot be negative.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AnnualDischarge",
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
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=4,
                        help_text="In the pollutant's unit.",
                        max_digits=20,
                        verbose_name="annual amount",
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        choices=[("Y", "Year"), ("Q", "Quarter"), ("M", "Month")],
                        help_text="The annual report, four quarterly reports or twelve monthly reports.",
                        max_length=1,
                        verbose_name="figure from",
                    ),
                ),
                (
                    "verified",
                    models.BooleanField(
                        help_text="From verified reports only; otherwise a provisional figure from reports not yet verified.",
                        verbose_name="verified",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="annual_discharge",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
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
                "verbose_name": "annual discharge",
                "verbose_name_plural": "annual discharge",
                "ordering": ["-year", "enterprise", "pollutant__position"],
                "indexes": [
                    models.Index(
                        fields=["year", "pollutant", "verified"],
                        name="ledger_year_pollutant",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("enterprise", "year", "pollutant"),
                        name="enterprises_annualdischarge_one_per_pollutant_year",
                        violation_error_message="The ledger holds one figure per enterprise, year and pollutant.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("amount__gte", 0)),
                        name="enterprises_annualdischarge_amount_non_negative",
                        violation_error_message="An amount cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("basis__in", ["Y", "Q", "M"])),
                        name="enterprises_annualdischarge_basis_valid",
                        violation_error_message="Unknown period kind.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ReportUnlock",
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
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="unlocks",
                        to="enterprises.dischargereport",
                        verbose_name="report",
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
                (
                    "pending",
                    models.BooleanField(
                        default=False,
                        help_text="Set while the unlock is being applied to the report.",
                        verbose_name="not yet applied",
                    ),
                ),
            ],
            options={
                "verbose_name": "report unlock",
                "verbose_name_plural": "report unlocks",
                "ordering": ["-unlocked_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True),
                        name="enterprises_reportunlock_reason_required",
                        violation_error_message="An unlock needs a reason.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalDischargeReport",
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
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "period_kind",
                    models.CharField(
                        choices=[("Y", "Year"), ("Q", "Quarter"), ("M", "Month")],
                        default="Y",
                        max_length=1,
                        verbose_name="period",
                    ),
                ),
                (
                    "period_number",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="0 for a year, 1–4 for a quarter, 1–12 for a month.",
                        verbose_name="period number",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("verified", "Verified"),
                            ("returned", "Returned"),
                        ],
                        default="draft",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "output_10k_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        verbose_name="output value (10k yuan)",
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="submitted at"),
                ),
                (
                    "verified_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="verified at"),
                ),
                (
                    "returned_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="returned at"),
                ),
                (
                    "return_reason",
                    models.TextField(blank=True, verbose_name="reason for return"),
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
                    "returned_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="returned by",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitted by",
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
                    "verified_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="verified by",
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
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
                "verbose_name": "historical discharge report",
                "verbose_name_plural": "historical discharge reports",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ReliabilityFlag",
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
                    "code",
                    models.CharField(
                        choices=[
                            ("empty", "No values"),
                            ("missing", "Pollutant missing"),
                            ("negative", "Negative value"),
                            ("zero", "Zero against a large history"),
                            ("outlier", "Far from own history"),
                            ("scaled", "Far from own history scaled to the period"),
                            ("yoy", "Year-on-year change over ±50%"),
                            ("subperiods", "Sub-periods disagree with the year"),
                            ("solid_balance", "Solid waste does not balance"),
                            ("intensity", "Intensity far from the sector"),
                            ("estimated", "Estimated value"),
                            ("above_permit", "Above the permitted quantity"),
                            ("monitored", "Inconsistent with monitoring"),
                        ],
                        max_length=16,
                        verbose_name="check",
                    ),
                ),
                (
                    "severity",
                    models.CharField(
                        choices=[
                            ("info", "Note"),
                            ("warning", "Warning"),
                            ("serious", "Serious"),
                        ],
                        max_length=8,
                        verbose_name="severity",
                    ),
                ),
                (
                    "params",
                    models.JSONField(blank=True, default=dict, verbose_name="details"),
                ),
                (
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="found at"),
                ),
                (
                    "pollutant",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="enterprises.pollutant",
                        verbose_name="pollutant",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="flags",
                        to="enterprises.dischargereport",
                        verbose_name="report",
                    ),
                ),
                (
                    "value",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="flags",
                        to="enterprises.dischargevalue",
                        verbose_name="value",
                    ),
                ),
            ],
            options={
                "verbose_name": "reliability flag",
                "verbose_name_plural": "reliability flags",
                "ordering": ["report", "id"],
                "indexes": [models.Index(fields=["severity", "code"], name="flag_severity_code")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("severity__in", ["info", "warning", "serious"])),
                        name="enterprises_reliabilityflag_severity_valid",
                        violation_error_message="Unknown severity.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "code__in",
                                [
                                    "empty",
                                    "missing",
                                    "negative",
                                    "zero",
                                    "outlier",
                                    "scaled",
                                    "yoy",
                                    "subperiods",
                                    "solid_balance",
                                    "intensity",
                                    "estimated",
                                    "above_permit",
                                    "monitored",
                                ],
                            )
                        ),
                        name="enterprises_reliabilityflag_code_valid",
                        violation_error_message="Unknown reliability check.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalEnterprise",
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
                    "code",
                    models.CharField(
                        db_index=True,
                        help_text="Unified social credit code (18 characters) or the older local code.",
                        max_length=32,
                        verbose_name="code",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="Registered name, usually Chinese.",
                        max_length=200,
                        verbose_name="name",
                    ),
                ),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=200, verbose_name="English name"),
                ),
                (
                    "sector",
                    models.CharField(
                        choices=[
                            ("iron_steel", "Iron and steel"),
                            ("coal", "Coal"),
                            ("building_materials", "Building materials"),
                            ("chemicals", "Chemicals"),
                            ("power", "Power"),
                            ("nonferrous", "Non-ferrous metals"),
                            ("machinery", "Machinery"),
                            ("light_industry", "Light industry"),
                            ("pharmaceuticals", "Pharmaceuticals"),
                            ("other", "Other"),
                        ],
                        max_length=32,
                        verbose_name="sector",
                    ),
                ),
                (
                    "district",
                    models.CharField(blank=True, max_length=100, verbose_name="district"),
                ),
                (
                    "ownership",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("state", "State-owned"),
                            ("collective", "Collective"),
                            ("private", "Private"),
                            ("foreign", "Foreign-invested"),
                            ("joint", "Joint venture"),
                            ("other", "Other"),
                        ],
                        max_length=16,
                        verbose_name="ownership",
                    ),
                ),
                (
                    "size",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("large", "Large"),
                            ("medium", "Medium"),
                            ("small", "Small"),
                        ],
                        max_length=8,
                        verbose_name="size",
                    ),
                ),
                (
                    "state_large_medium",
                    models.BooleanField(
                        default=False,
                        help_text="The base of the programme's coverage rate.",
                        verbose_name="state-owned large or medium",
                    ),
                ),
                (
                    "employees",
                    models.IntegerField(blank=True, null=True, verbose_name="employees"),
                ),
                (
                    "address",
                    models.CharField(blank=True, max_length=255, verbose_name="address"),
                ),
                (
                    "contact_person",
                    models.CharField(blank=True, max_length=100, verbose_name="contact person"),
                ),
                (
                    "phone",
                    models.CharField(blank=True, max_length=50, verbose_name="phone"),
                ),
                (
                    "cp_status",
                    models.CharField(
                        choices=[
                            ("none", "Not in the programme"),
                            ("auditing", "Audit under way"),
                            ("assessed", "Audit assessed"),
                            ("accepted", "Audit accepted"),
                            ("demonstration", "Demonstration enterprise"),
                        ],
                        default="none",
                        editable=False,
                        help_text="Follows from the enterprise's audits.",
                        max_length=16,
                        verbose_name="CP status",
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
                    "contact_email",
                    models.EmailField(
                        blank=True,
                        help_text="The enterprise's registered address: acknowledgements of its signed submissions go there too.",
                        max_length=254,
                        verbose_name="contact e-mail",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical enterprise",
                "verbose_name_plural": "historical enterprises",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(replaced_steps, replaced_steps_reversed),
    ]
