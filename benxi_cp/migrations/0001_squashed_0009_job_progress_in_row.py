from importlib import import_module

import benxi_cp.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The replaced migrations' data and SQL steps (migration, index of the operation), run
# as they were, in their order, after the tables are made. The squash keeps the replaced
# files (deployed databases need them) and takes the steps from them.
REPLACED_STEPS = [
    ("0002_roles", 0),  # create_roles
    ("0004_scoped_data_versions", 0),  # drop_old_triggers
    ("0005_administrators_manage_users", 0),  # grant_user_management
]


def _steps():
    return [
        import_module(f"benxi_cp.migrations.{name}").Migration.operations[index]
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
        ("benxi_cp", "0001_initial"),
        ("benxi_cp", "0002_roles"),
        ("benxi_cp", "0003_data_version"),
        ("benxi_cp", "0004_scoped_data_versions"),
        ("benxi_cp", "0005_administrators_manage_users"),
        ("benxi_cp", "0006_import_jobs"),
        ("benxi_cp", "0007_background_jobs"),
        ("benxi_cp", "0008_jobs_in_one_table"),
        ("benxi_cp", "0009_job_progress_in_row"),
    ]

    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteFlag",
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
                ("key", models.CharField(max_length=64, unique=True, verbose_name="key")),
                (
                    "value",
                    models.CharField(blank=True, max_length=255, verbose_name="value"),
                ),
                ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
            ],
            options={
                "verbose_name": "site flag",
                "verbose_name_plural": "site flags",
                "ordering": ["key"],
            },
        ),
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "scope",
                    models.CharField(
                        max_length=32,
                        primary_key=True,
                        serialize=False,
                        verbose_name="scope",
                    ),
                ),
                (
                    "token",
                    models.BigIntegerField(
                        help_text="A random number, never reused.", verbose_name="token"
                    ),
                ),
            ],
            options={
                "verbose_name": "data version",
                "verbose_name_plural": "data versions",
                "ordering": ["scope"],
            },
        ),
        migrations.CreateModel(
            name="Job",
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
                ("kind", models.CharField(max_length=32, verbose_name="kind")),
                (
                    "params",
                    models.JSONField(blank=True, default=dict, verbose_name="parameters"),
                ),
                (
                    "dry_run",
                    models.BooleanField(
                        default=False,
                        help_text="A check that writes nothing; its user confirms the real run.",
                        verbose_name="check only",
                    ),
                ),
                (
                    "language",
                    models.CharField(blank=True, max_length=16, verbose_name="language"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "waiting for the worker"),
                            ("running", "running"),
                            ("checked", "checked: waiting for your confirmation"),
                            ("refused", "refused: nothing written"),
                            ("done", "done"),
                            ("failed", "stopped on an error"),
                        ],
                        default="queued",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "created",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
                (
                    "started",
                    models.DateTimeField(blank=True, null=True, verbose_name="started"),
                ),
                (
                    "finished",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished"),
                ),
                (
                    "attempts",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="How many times a worker started it.",
                        verbose_name="attempts",
                    ),
                ),
                (
                    "worker",
                    models.CharField(
                        blank=True,
                        help_text="The worker that ran it last.",
                        max_length=100,
                        verbose_name="worker",
                    ),
                ),
                (
                    "lost",
                    models.BooleanField(
                        default=False,
                        help_text="The worker running it stopped before it ended.",
                        verbose_name="worker lost",
                    ),
                ),
                ("done", models.PositiveIntegerField(default=0, verbose_name="done")),
                ("total", models.PositiveIntegerField(default=0, verbose_name="to do")),
                (
                    "result",
                    models.JSONField(blank=True, default=dict, verbose_name="result"),
                ),
                (
                    "messages",
                    models.JSONField(blank=True, default=list, verbose_name="messages"),
                ),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        storage=benxi_cp.models.job_storage,
                        upload_to="files/",
                        verbose_name="file",
                    ),
                ),
                (
                    "filename",
                    models.CharField(blank=True, max_length=255, verbose_name="file name"),
                ),
                (
                    "content_type",
                    models.CharField(blank=True, max_length=100, verbose_name="content type"),
                ),
                ("size", models.PositiveBigIntegerField(default=0, verbose_name="size")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="jobs",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                (
                    "beat",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the worker running it last gave a sign of life.",
                        null=True,
                        verbose_name="last heartbeat",
                    ),
                ),
                (
                    "stage",
                    models.CharField(blank=True, max_length=64, verbose_name="stage"),
                ),
            ],
            options={
                "verbose_name": "background job",
                "verbose_name_plural": "background jobs",
                "ordering": ["-created", "-pk"],
                "indexes": [
                    models.Index(fields=["user", "-created"], name="job_user_created"),
                    models.Index(fields=["status"], name="job_status"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind", ""), _negated=True),
                        name="benxi_cp_job_kind",
                        violation_error_message="A job needs a kind.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "status__in",
                                [
                                    "queued",
                                    "running",
                                    "checked",
                                    "refused",
                                    "done",
                                    "failed",
                                ],
                            )
                        ),
                        name="benxi_cp_job_status",
                        violation_error_message="Unknown status of a job.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("done__lte", models.F("total"))),
                        name="benxi_cp_job_steps",
                        violation_error_message="A job cannot have done more than it has to do.",
                    ),
                ],
            },
        ),
        migrations.RunPython(replaced_steps, replaced_steps_reversed),
    ]
