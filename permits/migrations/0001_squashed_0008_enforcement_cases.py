from importlib import import_module

import datetime
import django.db.models.deletion
import permits.models
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# The replaced migrations' data and SQL steps (migration, index of the operation), run
# as they were, in their order, after the tables are made. The squash keeps the replaced
# files (deployed databases need them) and takes the steps from them.
REPLACED_STEPS = [
    ("0002_permit_permissions", 0),  # forwards
    ("0004_monitoring_permissions", 0),  # forwards
    ("0006_tax_tables_and_permissions", 0),  # forwards
    ("0008_enforcement_cases", 21),  # grant_cases
]


def _steps():
    return [
        import_module(f"permits.migrations.{name}").Migration.operations[index]
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
        ("permits", "0001_permits_outlets_limits"),
        ("permits", "0002_permit_permissions"),
        ("permits", "0003_monitoring_values"),
        ("permits", "0004_monitoring_permissions"),
        ("permits", "0005_environmental_protection_tax"),
        ("permits", "0006_tax_tables_and_permissions"),
        ("permits", "0007_dates_within_the_years"),
        ("permits", "0008_enforcement_cases"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("benxi_cp", "0002_roles"),
        ("enterprises", "0013_reliability_scaled_history_check"),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalPermit",
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
                    "number",
                    models.CharField(
                        db_index=True,
                        help_text="The permit's number, unique in the city.",
                        max_length=40,
                        verbose_name="permit number",
                    ),
                ),
                (
                    "valid_from",
                    models.DateField(help_text="First day in force.", verbose_name="valid from"),
                ),
                (
                    "valid_to",
                    models.DateField(help_text="Last day in force.", verbose_name="valid to"),
                ),
                (
                    "issuer",
                    models.CharField(blank=True, max_length=200, verbose_name="issued by"),
                ),
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
                (
                    "revision",
                    models.PositiveIntegerField(
                        default=1,
                        editable=False,
                        help_text="Counts the permit's renewals and changes; the first issue is version 1.",
                        verbose_name="version",
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
                "verbose_name": "historical discharge permit",
                "verbose_name_plural": "historical discharge permits",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Permit",
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
                    "number",
                    models.CharField(
                        help_text="The permit's number, unique in the city.",
                        max_length=40,
                        unique=True,
                        verbose_name="permit number",
                    ),
                ),
                (
                    "valid_from",
                    models.DateField(help_text="First day in force.", verbose_name="valid from"),
                ),
                (
                    "valid_to",
                    models.DateField(help_text="Last day in force.", verbose_name="valid to"),
                ),
                (
                    "issuer",
                    models.CharField(blank=True, max_length=200, verbose_name="issued by"),
                ),
                (
                    "document",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=permits.models.permit_document_path,
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
                    "revision",
                    models.PositiveIntegerField(
                        default=1,
                        editable=False,
                        help_text="Counts the permit's renewals and changes; the first issue is version 1.",
                        verbose_name="version",
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
                        related_name="permits",
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
                "verbose_name": "discharge permit",
                "verbose_name_plural": "discharge permits",
                "ordering": ["enterprise__code", "-valid_from"],
                "indexes": [
                    models.Index(
                        fields=["enterprise", "valid_from", "valid_to"],
                        name="permit_enterprise_days",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("number", ""), _negated=True),
                        name="permits_permit_number_not_empty",
                        violation_error_message="A permit needs a number.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("valid_to__gte", models.F("valid_from"))),
                        name="permits_permit_valid_to_after_from",
                        violation_error_message="A permit's last day cannot be before its first day.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("revision__gte", 1)),
                        name="permits_permit_revision_positive",
                        violation_error_message="A permit's version starts at 1.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("valid_from__gte", datetime.date(1949, 1, 1)),
                            ("valid_from__lte", datetime.date(2100, 12, 31)),
                            ("valid_to__gte", datetime.date(1949, 1, 1)),
                            ("valid_to__lte", datetime.date(2100, 12, 31)),
                        ),
                        name="permits_permit_dates_in_range",
                        violation_error_message="The date must lie between 1949 and 2100.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Outlet",
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
                ("code", models.CharField(max_length=16, verbose_name="outlet")),
                (
                    "kind",
                    models.CharField(
                        choices=[("water", "Waste water"), ("air", "Waste gas")],
                        max_length=8,
                        verbose_name="outlet kind",
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[("main", "Main outlet"), ("general", "General outlet")],
                        default="main",
                        max_length=8,
                        verbose_name="category",
                    ),
                ),
                (
                    "permit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outlets",
                        to="permits.permit",
                        verbose_name="permit",
                    ),
                ),
            ],
            options={
                "verbose_name": "outlet",
                "verbose_name_plural": "outlets",
                "ordering": ["permit", "code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("permit", "code"),
                        name="permits_outlet_one_per_code",
                        violation_error_message="The permit has an outlet of this code already.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("code", ""), _negated=True),
                        name="permits_outlet_code_not_empty",
                        violation_error_message="An outlet needs a code.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["water", "air"])),
                        name="permits_outlet_kind_valid",
                        violation_error_message="An outlet discharges water or air.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("category__in", ["main", "general"])),
                        name="permits_outlet_category_valid",
                        violation_error_message="Unknown outlet category.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Limit",
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
                    "basis",
                    models.CharField(
                        choices=[
                            ("hourly_mean", "Hourly mean"),
                            ("daily_mean", "Daily mean"),
                            ("annual_total", "Annual total"),
                        ],
                        max_length=16,
                        verbose_name="basis",
                    ),
                ),
                (
                    "value",
                    models.DecimalField(
                        decimal_places=4,
                        help_text="In the limit's unit.",
                        max_digits=14,
                        verbose_name="limit",
                    ),
                ),
                ("unit", models.CharField(max_length=8, verbose_name="unit")),
                (
                    "monitoring",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("continuous", "Continuous"),
                            ("daily", "Daily"),
                            ("monthly", "Monthly"),
                            ("quarterly", "Quarterly"),
                        ],
                        max_length=16,
                        verbose_name="required monitoring",
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
                    "outlet",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty for an annual total.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="limits",
                        to="permits.outlet",
                        verbose_name="outlet",
                    ),
                ),
                (
                    "permit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="limits",
                        to="permits.permit",
                        verbose_name="permit",
                    ),
                ),
            ],
            options={
                "verbose_name": "limit",
                "verbose_name_plural": "limits",
                "ordering": ["permit", "outlet__code", "pollutant__position", "basis"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("outlet__isnull", False)),
                        fields=("permit", "outlet", "pollutant", "basis"),
                        name="permits_limit_one_per_outlet_pollutant_basis",
                        violation_error_message="The permit has a limit of this pollutant and basis at this outlet already.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("outlet__isnull", True)),
                        fields=("permit", "pollutant", "basis"),
                        name="permits_limit_one_annual_total_per_pollutant",
                        violation_error_message="The permit has an annual total of this pollutant already.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("value__gt", 0)),
                        name="permits_limit_value_positive",
                        violation_error_message="A limit is greater than zero.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("basis__in", ["hourly_mean", "daily_mean", "annual_total"])
                        ),
                        name="permits_limit_basis_valid",
                        violation_error_message="Unknown basis.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("monitoring", ""),
                            (
                                "monitoring__in",
                                ["continuous", "daily", "monthly", "quarterly"],
                            ),
                            _connector="OR",
                        ),
                        name="permits_limit_monitoring_valid",
                        violation_error_message="Unknown monitoring frequency.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("basis", "annual_total"),
                                ("monitoring", ""),
                                ("outlet__isnull", True),
                                ("unit", "t"),
                            ),
                            models.Q(
                                ("basis__in", ["hourly_mean", "daily_mean"]),
                                ("outlet__isnull", False),
                                ("unit__in", ["mg/L", "mg/m3"]),
                            ),
                            _connector="OR",
                        ),
                        name="permits_limit_basis_fits_outlet_and_unit",
                        violation_error_message="A concentration limit needs an outlet and mg/L or mg/m3; an annual total has no outlet, no monitoring and is given in t.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="PermitRevision",
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
                ("number", models.PositiveIntegerField(verbose_name="version")),
                ("valid_from", models.DateField(verbose_name="valid from")),
                ("valid_to", models.DateField(verbose_name="valid to")),
                (
                    "issuer",
                    models.CharField(blank=True, max_length=200, verbose_name="issued by"),
                ),
                ("limits", models.JSONField(default=list, verbose_name="limits")),
                (
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="The page, or the file imported.",
                        max_length=32,
                        verbose_name="entered by",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "permit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="permits.permit",
                        verbose_name="permit",
                    ),
                ),
            ],
            options={
                "verbose_name": "permit version",
                "verbose_name_plural": "permit versions",
                "ordering": ["permit", "-number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("permit", "number"),
                        name="permits_permitrevision_one_per_number",
                        violation_error_message="This permit has a version of this number already.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("valid_to__gte", models.F("valid_from"))),
                        name="permits_permitrevision_valid_to_after_from",
                        violation_error_message="A permit's last day cannot be before its first day.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalTaxEquivalent",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "medium",
                    models.CharField(
                        choices=[("water", "Water"), ("air", "Air")],
                        max_length=8,
                        verbose_name="medium",
                    ),
                ),
                (
                    "equivalent_kg",
                    models.DecimalField(
                        decimal_places=4,
                        help_text="Kilograms of the pollutant that make one pollution equivalent.",
                        max_digits=12,
                        verbose_name="equivalent (kg)",
                    ),
                ),
                (
                    "law",
                    models.CharField(
                        blank=True,
                        help_text="Where the value is laid down.",
                        max_length=255,
                        verbose_name="law cited",
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
            ],
            options={
                "verbose_name": "historical pollution equivalent",
                "verbose_name_plural": "historical pollution equivalents",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTaxRate",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "medium",
                    models.CharField(
                        choices=[("water", "Water"), ("air", "Air")],
                        db_index=True,
                        max_length=8,
                        verbose_name="medium",
                    ),
                ),
                (
                    "rate_yuan",
                    models.DecimalField(
                        decimal_places=4,
                        max_digits=10,
                        verbose_name="rate (yuan per equivalent)",
                    ),
                ),
                (
                    "law",
                    models.CharField(
                        blank=True,
                        help_text="Where the rate is laid down.",
                        max_length=255,
                        verbose_name="law cited",
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
            ],
            options={
                "verbose_name": "historical tax rate",
                "verbose_name_plural": "historical tax rates",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="TaxRate",
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
                    "medium",
                    models.CharField(
                        choices=[("water", "Water"), ("air", "Air")],
                        max_length=8,
                        unique=True,
                        verbose_name="medium",
                    ),
                ),
                (
                    "rate_yuan",
                    models.DecimalField(
                        decimal_places=4,
                        max_digits=10,
                        verbose_name="rate (yuan per equivalent)",
                    ),
                ),
                (
                    "law",
                    models.CharField(
                        blank=True,
                        help_text="Where the rate is laid down.",
                        max_length=255,
                        verbose_name="law cited",
                    ),
                ),
            ],
            options={
                "verbose_name": "tax rate",
                "verbose_name_plural": "tax rates",
                "ordering": ["medium"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("rate_yuan__gte", 0)),
                        name="permits_taxrate_rate_non_negative",
                        violation_error_message="A rate cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("medium__in", ["water", "air"])),
                        name="permits_taxrate_medium_valid",
                        violation_error_message="The tax is levied on discharge to water or air.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TaxEquivalent",
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
                    "medium",
                    models.CharField(
                        choices=[("water", "Water"), ("air", "Air")],
                        max_length=8,
                        verbose_name="medium",
                    ),
                ),
                (
                    "equivalent_kg",
                    models.DecimalField(
                        decimal_places=4,
                        help_text="Kilograms of the pollutant that make one pollution equivalent.",
                        max_digits=12,
                        verbose_name="equivalent (kg)",
                    ),
                ),
                (
                    "law",
                    models.CharField(
                        blank=True,
                        help_text="Where the value is laid down.",
                        max_length=255,
                        verbose_name="law cited",
                    ),
                ),
                (
                    "pollutant",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="enterprises.pollutant",
                        verbose_name="pollutant",
                    ),
                ),
            ],
            options={
                "verbose_name": "pollution equivalent",
                "verbose_name_plural": "pollution equivalents",
                "ordering": ["medium", "pollutant__code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("equivalent_kg__gt", 0)),
                        name="permits_taxequivalent_equivalent_positive",
                        violation_error_message="An equivalent is greater than zero.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("medium__in", ["water", "air"])),
                        name="permits_taxequivalent_medium_valid",
                        violation_error_message="The tax is levied on discharge to water or air.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="MonitoringValue",
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
                    "outlet",
                    models.CharField(
                        help_text="The outlet's code in the permit in force.",
                        max_length=16,
                        verbose_name="outlet",
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        choices=[
                            ("hourly_mean", "Hourly mean"),
                            ("daily_mean", "Daily mean"),
                            ("annual_total", "Annual total"),
                        ],
                        max_length=16,
                        verbose_name="basis",
                    ),
                ),
                ("measured_on", models.DateField(verbose_name="day")),
                (
                    "hour",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="The hour the mean starts (0–23).",
                        null=True,
                        verbose_name="hour",
                    ),
                ),
                (
                    "value",
                    models.DecimalField(decimal_places=4, max_digits=14, verbose_name="value"),
                ),
                (
                    "below_detection",
                    models.BooleanField(
                        default=False,
                        help_text="The value is the method's detection limit; the true value lies below it.",
                        verbose_name="below detection",
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("automatic", "Automatic monitoring"),
                            ("manual", "Manual sampling"),
                            ("enforcement", "Enforcement monitoring"),
                        ],
                        default="manual",
                        max_length=16,
                        verbose_name="method",
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
                        related_name="monitoring_values",
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
                "verbose_name": "monitoring value",
                "verbose_name_plural": "monitoring values",
                "ordering": ["enterprise", "outlet", "pollutant", "measured_on", "hour"],
                "indexes": [
                    models.Index(
                        fields=["measured_on", "enterprise"],
                        name="monitoring_day_enterprise",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("basis", "hourly_mean")),
                        fields=("enterprise", "outlet", "pollutant", "measured_on", "hour"),
                        name="permits_monitoringvalue_one_per_hour",
                        violation_error_message="This outlet has a value of this pollutant for this hour already.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("basis", "daily_mean")),
                        fields=("enterprise", "outlet", "pollutant", "measured_on"),
                        name="permits_monitoringvalue_one_per_day",
                        violation_error_message="This outlet has a daily value of this pollutant for this day already.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("basis", "hourly_mean"),
                                ("hour__isnull", False),
                                ("hour__lte", 23),
                            ),
                            models.Q(("basis", "daily_mean"), ("hour__isnull", True)),
                            _connector="OR",
                        ),
                        name="permits_monitoringvalue_hour_fits_basis",
                        violation_error_message="An hourly mean has its hour (0–23), a daily mean none.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("value__gte", 0)),
                        name="permits_monitoringvalue_value_non_negative",
                        violation_error_message="A concentration cannot be negative.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("method__in", ["automatic", "manual", "enforcement"])),
                        name="permits_monitoringvalue_method_valid",
                        violation_error_message="Unknown monitoring method.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("outlet", ""), _negated=True),
                        name="permits_monitoringvalue_outlet_not_empty",
                        violation_error_message="A value is measured at an outlet.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("measured_on__gte", datetime.date(1949, 1, 1)),
                            ("measured_on__lte", datetime.date(2100, 12, 31)),
                        ),
                        name="permits_monitoringvalue_day_in_range",
                        violation_error_message="The date must lie between 1949 and 2100.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="EnforcementCase",
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
                    "summary",
                    models.CharField(
                        help_text="What the case is about, in a line.",
                        max_length=200,
                        verbose_name="summary",
                    ),
                ),
                ("opened_on", models.DateField(verbose_name="opened on")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Opened"),
                            ("notified", "Notice served, rectifying"),
                            ("closed", "Closed"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "notice_number",
                    models.CharField(blank=True, max_length=60, verbose_name="notice number"),
                ),
                (
                    "notice_date",
                    models.DateField(blank=True, null=True, verbose_name="notice date"),
                ),
                (
                    "deadline",
                    models.DateField(
                        blank=True,
                        help_text="The day by which the notice orders the enterprise to rectify (限期整改).",
                        null=True,
                        verbose_name="rectification deadline",
                    ),
                ),
                (
                    "document",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=permits.models.case_document_path,
                        verbose_name="notice document",
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
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("resolved", "Resolved (rectified)"),
                            ("penalty", "Penalty imposed"),
                        ],
                        max_length=16,
                        verbose_name="outcome",
                    ),
                ),
                (
                    "closed_on",
                    models.DateField(blank=True, null=True, verbose_name="closed on"),
                ),
                (
                    "penalty_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        verbose_name="penalty (yuan)",
                    ),
                ),
                (
                    "decision_number",
                    models.CharField(
                        blank=True, max_length=60, verbose_name="penalty decision number"
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
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enforcement_cases",
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
                "verbose_name": "enforcement case",
                "verbose_name_plural": "enforcement cases",
                "ordering": ["-opened_on", "-pk"],
                "indexes": [
                    models.Index(fields=["status", "deadline"], name="case_status_deadline")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("summary", ""), _negated=True),
                        name="permits_enforcementcase_summary_not_empty",
                        violation_error_message="A case needs a summary.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["open", "notified", "closed"])),
                        name="permits_enforcementcase_status_valid",
                        violation_error_message="Unknown case status.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("outcome", ""),
                            ("outcome__in", ["resolved", "penalty"]),
                            _connector="OR",
                        ),
                        name="permits_enforcementcase_outcome_valid",
                        violation_error_message="Unknown case outcome.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status", "open"),
                            models.Q(
                                models.Q(("notice_number", ""), _negated=True),
                                ("notice_date__isnull", False),
                                ("deadline__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="permits_enforcementcase_notice_complete",
                        violation_error_message="A case past its opening has its notice: number, date and rectification deadline.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("deadline__isnull", True),
                            ("notice_date__isnull", True),
                            ("deadline__gt", models.F("notice_date")),
                            _connector="OR",
                        ),
                        name="permits_enforcementcase_deadline_after_notice",
                        violation_error_message="The rectification deadline comes after the notice.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("notice_date__isnull", True),
                            ("notice_date__gte", models.F("opened_on")),
                            _connector="OR",
                        ),
                        name="permits_enforcementcase_notice_after_opening",
                        violation_error_message="The notice cannot be dated before the case opened.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("status", "closed"),
                                models.Q(("outcome", ""), _negated=True),
                                ("closed_on__isnull", False),
                                ("closed_on__gte", models.F("opened_on")),
                            ),
                            models.Q(
                                models.Q(("status", "closed"), _negated=True),
                                ("outcome", ""),
                                ("closed_on__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="permits_enforcementcase_closed_with_outcome",
                        violation_error_message="A closed case has its outcome and the day it closed (not before it opened); an open case has neither.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("outcome", "penalty"),
                                ("penalty_yuan__gt", 0),
                                ("penalty_yuan__isnull", False),
                                models.Q(("decision_number", ""), _negated=True),
                            ),
                            models.Q(
                                models.Q(("outcome", "penalty"), _negated=True),
                                ("penalty_yuan__isnull", True),
                                ("decision_number", ""),
                            ),
                            _connector="OR",
                        ),
                        name="permits_enforcementcase_penalty_complete",
                        violation_error_message="A penalty has an amount above zero and a decision number; other outcomes have neither.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("opened_on__gte", datetime.date(1949, 1, 1)),
                            ("opened_on__lte", datetime.date(2100, 12, 31)),
                            models.Q(
                                ("notice_date__isnull", True),
                                models.Q(
                                    ("notice_date__gte", datetime.date(1949, 1, 1)),
                                    ("notice_date__lte", datetime.date(2100, 12, 31)),
                                ),
                                _connector="OR",
                            ),
                            models.Q(
                                ("deadline__isnull", True),
                                models.Q(
                                    ("deadline__gte", datetime.date(1949, 1, 1)),
                                    ("deadline__lte", datetime.date(2100, 12, 31)),
                                ),
                                _connector="OR",
                            ),
                            models.Q(
                                ("closed_on__isnull", True),
                                models.Q(
                                    ("closed_on__gte", datetime.date(1949, 1, 1)),
                                    ("closed_on__lte", datetime.date(2100, 12, 31)),
                                ),
                                _connector="OR",
                            ),
                        ),
                        name="permits_enforcementcase_dates_in_range",
                        violation_error_message="The date must lie between 1949 and 2100.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalCaseFollowUp",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("checked_on", models.DateField(verbose_name="day")),
                (
                    "result",
                    models.CharField(
                        choices=[
                            ("complies", "Complies"),
                            ("exceeds", "Still exceeds"),
                            ("not_rectified", "Not rectified"),
                        ],
                        max_length=16,
                        verbose_name="result",
                    ),
                ),
                (
                    "notes",
                    models.CharField(blank=True, max_length=500, verbose_name="notes"),
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
                    "case",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="permits.enforcementcase",
                        verbose_name="enforcement case",
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
            ],
            options={
                "verbose_name": "historical follow-up monitoring",
                "verbose_name_plural": "historical follow-up monitoring",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalCaseViolation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("exceedance", "Exceedance of a concentration limit"),
                            ("missing", "Missing required monitoring"),
                            ("quantity", "Above the permitted annual quantity"),
                            ("other", "Other (described)"),
                        ],
                        max_length=16,
                        verbose_name="violation",
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "outlet",
                    models.CharField(blank=True, max_length=16, verbose_name="outlet"),
                ),
                (
                    "description",
                    models.CharField(blank=True, max_length=300, verbose_name="description"),
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
                    "case",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="permits.enforcementcase",
                        verbose_name="enforcement case",
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
            ],
            options={
                "verbose_name": "historical violation",
                "verbose_name_plural": "historical violations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalEnforcementCase",
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
                    "summary",
                    models.CharField(
                        help_text="What the case is about, in a line.",
                        max_length=200,
                        verbose_name="summary",
                    ),
                ),
                ("opened_on", models.DateField(verbose_name="opened on")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Opened"),
                            ("notified", "Notice served, rectifying"),
                            ("closed", "Closed"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "notice_number",
                    models.CharField(blank=True, max_length=60, verbose_name="notice number"),
                ),
                (
                    "notice_date",
                    models.DateField(blank=True, null=True, verbose_name="notice date"),
                ),
                (
                    "deadline",
                    models.DateField(
                        blank=True,
                        help_text="The day by which the notice orders the enterprise to rectify (限期整改).",
                        null=True,
                        verbose_name="rectification deadline",
                    ),
                ),
                (
                    "document",
                    models.TextField(blank=True, max_length=200, verbose_name="notice document"),
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
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("resolved", "Resolved (rectified)"),
                            ("penalty", "Penalty imposed"),
                        ],
                        max_length=16,
                        verbose_name="outcome",
                    ),
                ),
                (
                    "closed_on",
                    models.DateField(blank=True, null=True, verbose_name="closed on"),
                ),
                (
                    "penalty_yuan",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        verbose_name="penalty (yuan)",
                    ),
                ),
                (
                    "decision_number",
                    models.CharField(
                        blank=True, max_length=60, verbose_name="penalty decision number"
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
                "verbose_name": "historical enforcement case",
                "verbose_name_plural": "historical enforcement cases",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="CaseViolation",
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
                    "kind",
                    models.CharField(
                        choices=[
                            ("exceedance", "Exceedance of a concentration limit"),
                            ("missing", "Missing required monitoring"),
                            ("quantity", "Above the permitted annual quantity"),
                            ("other", "Other (described)"),
                        ],
                        max_length=16,
                        verbose_name="violation",
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "outlet",
                    models.CharField(blank=True, max_length=16, verbose_name="outlet"),
                ),
                (
                    "description",
                    models.CharField(blank=True, max_length=300, verbose_name="description"),
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
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="violations",
                        to="permits.enforcementcase",
                        verbose_name="enforcement case",
                    ),
                ),
            ],
            options={
                "verbose_name": "violation",
                "verbose_name_plural": "violations",
                "ordering": ["case", "year", "outlet", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind__in", ["exceedance", "missing", "quantity", "other"])
                        ),
                        name="permits_caseviolation_kind_valid",
                        violation_error_message="Unknown kind of violation.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("kind__in", ["exceedance", "missing"]),
                                models.Q(("outlet", ""), _negated=True),
                                ("pollutant__isnull", False),
                            ),
                            models.Q(
                                ("kind", "quantity"),
                                ("outlet", ""),
                                ("pollutant__isnull", False),
                            ),
                            models.Q(
                                ("kind", "other"),
                                models.Q(("description", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="permits_caseviolation_identified",
                        violation_error_message="An exceedance or missing monitoring names its outlet and pollutant, an annual quantity its pollutant (no outlet), another violation its description.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("year__gte", 1949), ("year__lte", 2100)),
                        name="permits_caseviolation_year_in_range",
                        violation_error_message="The year must lie between 1949 and 2100.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CaseFollowUp",
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
                ("checked_on", models.DateField(verbose_name="day")),
                (
                    "result",
                    models.CharField(
                        choices=[
                            ("complies", "Complies"),
                            ("exceeds", "Still exceeds"),
                            ("not_rectified", "Not rectified"),
                        ],
                        max_length=16,
                        verbose_name="result",
                    ),
                ),
                (
                    "notes",
                    models.CharField(blank=True, max_length=500, verbose_name="notes"),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follow_ups",
                        to="permits.enforcementcase",
                        verbose_name="enforcement case",
                    ),
                ),
            ],
            options={
                "verbose_name": "follow-up monitoring",
                "verbose_name_plural": "follow-up monitoring",
                "ordering": ["case", "checked_on", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("result__in", ["complies", "exceeds", "not_rectified"])
                        ),
                        name="permits_casefollowup_result_valid",
                        violation_error_message="Unknown follow-up result.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("checked_on__gte", datetime.date(1949, 1, 1)),
                            ("checked_on__lte", datetime.date(2100, 12, 31)),
                        ),
                        name="permits_casefollowup_day_in_range",
                        violation_error_message="The date must lie between 1949 and 2100.",
                    ),
                ],
            },
        ),
        migrations.RunPython(replaced_steps, replaced_steps_reversed),
    ]
