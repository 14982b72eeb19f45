from importlib import import_module

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# The replaced migrations' data and SQL steps (migration, index of the operation), run
# as they were, in their order, after the tables are made. The squash keeps the replaced
# files (deployed databases need them) and takes the steps from them.
REPLACED_STEPS = [
    ("0003_role_permissions", 0),  # forwards
]


def _steps():
    return [
        import_module(f"targets.migrations.{name}").Migration.operations[index]
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
        ("targets", "0001_initial"),
        ("targets", "0002_constraints_and_permissions"),
        ("targets", "0003_role_permissions"),
        ("targets", "0004_edit_versions"),
    ]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("benxi_cp", "0002_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="Department",
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
                ("code", models.SlugField(max_length=32, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=100, verbose_name="Chinese name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=100, verbose_name="English name"),
                ),
                (
                    "duties",
                    models.TextField(
                        blank=True,
                        help_text="What the department answers for in the programme (the duty of its targets).",
                        verbose_name="duties",
                    ),
                ),
                (
                    "duties_en",
                    models.TextField(blank=True, verbose_name="duties (English)"),
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
                "verbose_name": "department",
                "verbose_name_plural": "departments",
                "ordering": ["code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code", ""), _negated=True),
                        name="targets_department_code_not_empty",
                        violation_error_message="The code cannot be empty.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Indicator",
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
                ("code", models.SlugField(max_length=48, unique=True, verbose_name="code")),
                (
                    "dimension",
                    models.CharField(
                        choices=[
                            ("economic", "Economic"),
                            ("resource", "Resource"),
                            ("environmental", "Environmental"),
                            ("social", "Social"),
                        ],
                        max_length=16,
                        verbose_name="dimension",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="Chinese name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=200, verbose_name="English name"),
                ),
                ("unit", models.CharField(max_length=40, verbose_name="unit")),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("higher", "Higher is better"),
                            ("lower", "Lower is better"),
                        ],
                        max_length=8,
                        verbose_name="direction",
                    ),
                ),
                (
                    "computation",
                    models.CharField(
                        blank=True,
                        help_text="Empty when actual values are entered; else the computation that gives them.",
                        max_length=64,
                        verbose_name="computation",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=100, verbose_name="position"),
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
                        related_name="indicators",
                        to="targets.department",
                        verbose_name="responsible department",
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
                    "unit_en",
                    models.CharField(
                        blank=True,
                        help_text="Empty: the same as the unit.",
                        max_length=40,
                        verbose_name="unit (English)",
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
                "verbose_name": "indicator",
                "verbose_name_plural": "indicators",
                "ordering": ["dimension", "position", "code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code", ""), _negated=True),
                        name="targets_indicator_code_not_empty",
                        violation_error_message="The code cannot be empty.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "dimension__in",
                                ["economic", "resource", "environmental", "social"],
                            )
                        ),
                        name="targets_indicator_dimension_valid",
                        violation_error_message="Unknown dimension.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("direction__in", ["higher", "lower"])),
                        name="targets_indicator_direction_valid",
                        violation_error_message="Unknown direction.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Actual",
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
                    "value",
                    models.DecimalField(decimal_places=4, max_digits=18, verbose_name="value"),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("entered", "Entered"),
                            ("computed", "Computed from the records"),
                        ],
                        default="entered",
                        max_length=16,
                        verbose_name="source",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=255, verbose_name="note")),
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
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="actuals",
                        to="targets.indicator",
                        verbose_name="indicator",
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
                "verbose_name": "actual value",
                "verbose_name_plural": "actual values",
                "ordering": ["indicator", "year"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("indicator", "year"),
                        name="targets_actual_one_per_year",
                        violation_error_message="This indicator already has a value for that year.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("year__gte", 1949), ("year__lte", 2100)),
                        name="targets_actual_year_range",
                        violation_error_message="The year must lie between 1949 and 2100.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("source__in", ["entered", "computed"])),
                        name="targets_actual_source_valid",
                        violation_error_message="Unknown source.",
                    ),
                ],
                "permissions": [
                    (
                        "enter_any_actual",
                        "Can enter actual values of indicators of every dimension",
                    ),
                    ("recompute_actual", "Can recompute the computed indicators"),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalActual",
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
                    "value",
                    models.DecimalField(decimal_places=4, max_digits=18, verbose_name="value"),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("entered", "Entered"),
                            ("computed", "Computed from the records"),
                        ],
                        default="entered",
                        max_length=16,
                        verbose_name="source",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=255, verbose_name="note")),
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
                    "indicator",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="targets.indicator",
                        verbose_name="indicator",
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
                "verbose_name": "historical actual value",
                "verbose_name_plural": "historical actual values",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalIndicator",
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
                ("code", models.SlugField(max_length=48, verbose_name="code")),
                (
                    "dimension",
                    models.CharField(
                        choices=[
                            ("economic", "Economic"),
                            ("resource", "Resource"),
                            ("environmental", "Environmental"),
                            ("social", "Social"),
                        ],
                        max_length=16,
                        verbose_name="dimension",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="Chinese name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=200, verbose_name="English name"),
                ),
                ("unit", models.CharField(max_length=40, verbose_name="unit")),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("higher", "Higher is better"),
                            ("lower", "Lower is better"),
                        ],
                        max_length=8,
                        verbose_name="direction",
                    ),
                ),
                (
                    "computation",
                    models.CharField(
                        blank=True,
                        help_text="Empty when actual values are entered; else the computation that gives them.",
                        max_length=64,
                        verbose_name="computation",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=100, verbose_name="position"),
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
                        verbose_name="responsible department",
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
                    "unit_en",
                    models.CharField(
                        blank=True,
                        help_text="Empty: the same as the unit.",
                        max_length=40,
                        verbose_name="unit (English)",
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
                "verbose_name": "historical indicator",
                "verbose_name_plural": "historical indicators",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalTarget",
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
                    "baseline_year",
                    models.PositiveSmallIntegerField(verbose_name="baseline year"),
                ),
                (
                    "baseline_value",
                    models.DecimalField(
                        decimal_places=4, max_digits=18, verbose_name="baseline value"
                    ),
                ),
                ("goal_year", models.PositiveSmallIntegerField(verbose_name="goal year")),
                (
                    "goal_value",
                    models.DecimalField(decimal_places=4, max_digits=18, verbose_name="goal value"),
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
                    "indicator",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="targets.indicator",
                        verbose_name="indicator",
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
                "verbose_name": "historical target",
                "verbose_name_plural": "historical targets",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Target",
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
                    "baseline_year",
                    models.PositiveSmallIntegerField(verbose_name="baseline year"),
                ),
                (
                    "baseline_value",
                    models.DecimalField(
                        decimal_places=4, max_digits=18, verbose_name="baseline value"
                    ),
                ),
                ("goal_year", models.PositiveSmallIntegerField(verbose_name="goal year")),
                (
                    "goal_value",
                    models.DecimalField(decimal_places=4, max_digits=18, verbose_name="goal value"),
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
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="targets",
                        to="targets.indicator",
                        verbose_name="indicator",
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
                "verbose_name": "target",
                "verbose_name_plural": "targets",
                "ordering": ["indicator", "goal_year"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("indicator", "goal_year"),
                        name="targets_target_one_per_goal_year",
                        violation_error_message="This indicator already has a target for that goal year.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("goal_year__gt", models.F("baseline_year"))),
                        name="targets_target_goal_after_baseline",
                        violation_error_message="The goal year must come after the baseline year.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("baseline_year__gte", 1949), ("goal_year__lte", 2100)),
                        name="targets_target_year_range",
                        violation_error_message="The years must lie between 1949 and 2100.",
                    ),
                ],
            },
        ),
        migrations.RunPython(replaced_steps, replaced_steps_reversed),
    ]
