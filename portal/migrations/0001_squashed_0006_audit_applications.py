from importlib import import_module

import benxi_cp.models
import django.db.models.deletion
import django.utils.timezone
import portal.models
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# The replaced migrations' data and SQL steps (migration, index of the operation), run
# as they were, in their order, after the tables are made. The squash keeps the replaced
# files (deployed databases need them) and takes the steps from them.
REPLACED_STEPS = [
    ("0002_enterprise_user_role", 0),  # permissions
    ("0004_amendments_and_copies_of_record", 3),  # number_signatures
]


def _steps():
    return [
        import_module(f"portal.migrations.{name}").Migration.operations[index]
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
        ("portal", "0001_enterprise_accounts"),
        ("portal", "0002_enterprise_user_role"),
        ("portal", "0003_signatures"),
        ("portal", "0004_amendments_and_copies_of_record"),
        ("portal", "0005_deadline_reminders"),
        ("portal", "0006_audit_applications"),
    ]

    initial = True

    dependencies = [
        ("audits", "0007_audit_documents_on_the_shared_stored_document"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("benxi_cp", "0002_roles"),
        ("enterprises", "0015_enterprise_contact_email"),
    ]

    operations = [
        migrations.CreateModel(
            name="Grant",
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
                    "level",
                    models.CharField(
                        choices=[
                            ("viewer", "Viewer"),
                            ("preparer", "Preparer"),
                            ("signatory", "Signatory"),
                        ],
                        max_length=16,
                        verbose_name="level",
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("legal_rep", "Legal representative (法定代表人)"),
                            (
                                "authorised",
                                "Authorised in writing by the legal representative",
                            ),
                        ],
                        default="",
                        max_length=16,
                        verbose_name="signs as",
                    ),
                ),
                (
                    "letter",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=portal.models.letter_path,
                        verbose_name="letter of authorisation",
                    ),
                ),
                (
                    "letter_name",
                    models.CharField(blank=True, max_length=200, verbose_name="file name"),
                ),
                (
                    "letter_type",
                    models.CharField(blank=True, max_length=100, verbose_name="content type"),
                ),
                (
                    "letter_bytes",
                    models.PositiveIntegerField(default=0, verbose_name="size (bytes)"),
                ),
                (
                    "approved_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="approved at"),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="revoked at"),
                ),
                (
                    "revoke_reason",
                    models.TextField(blank=True, verbose_name="reason for revoking"),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="approved by",
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="grants",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="revoked by",
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="enterprise_grants",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                (
                    "signing_failures",
                    models.PositiveSmallIntegerField(
                        default=0, verbose_name="failed signing attempts"
                    ),
                ),
            ],
            options={
                "verbose_name": "enterprise grant",
                "verbose_name_plural": "enterprise grants",
                "ordering": ["enterprise__code", "user__username"],
                "permissions": [
                    ("use_portal", "Can use the enterprise portal (enterprise users only)"),
                    ("approve_signatory", "Can approve and revoke enterprise grants"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("revoked_at__isnull", True)),
                        fields=("user", "enterprise"),
                        name="portal_grant_one_live_per_user_enterprise",
                        violation_error_message="This person already holds a grant for the enterprise.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("level", "signatory"),
                                models.Q(("basis", ""), _negated=True),
                            ),
                            models.Q(("level", "signatory"), _negated=True),
                            _connector="OR",
                        ),
                        name="portal_grant_signatory_has_basis",
                        violation_error_message="A signatory signs as the legal representative or as a person authorised in writing.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("basis", "authorised"), _negated=True),
                            models.Q(("letter", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="portal_grant_authorised_has_letter",
                        violation_error_message="A person authorised in writing needs the letter.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("approved_at__isnull", True),
                            ("level", "signatory"),
                            _connector="OR",
                        ),
                        name="portal_grant_only_signatories_approved",
                        violation_error_message="Only signatory grants are approved.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("letter_bytes__lte", 20971520)),
                        name="portal_grant_letter_size_limit",
                        violation_error_message="A letter holds at most 20 MB.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Invitation",
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
                ("email", models.EmailField(max_length=254, verbose_name="e-mail address")),
                ("full_name", models.CharField(max_length=150, verbose_name="full name")),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("viewer", "Viewer"),
                            ("preparer", "Preparer"),
                            ("signatory", "Signatory"),
                        ],
                        max_length=16,
                        verbose_name="level",
                    ),
                ),
                (
                    "basis",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("legal_rep", "Legal representative (法定代表人)"),
                            (
                                "authorised",
                                "Authorised in writing by the legal representative",
                            ),
                        ],
                        default="",
                        max_length=16,
                        verbose_name="signs as",
                    ),
                ),
                (
                    "letter",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to=portal.models.letter_path,
                        verbose_name="letter of authorisation",
                    ),
                ),
                (
                    "letter_name",
                    models.CharField(blank=True, max_length=200, verbose_name="file name"),
                ),
                (
                    "letter_type",
                    models.CharField(blank=True, max_length=100, verbose_name="content type"),
                ),
                (
                    "letter_bytes",
                    models.PositiveIntegerField(default=0, verbose_name="size (bytes)"),
                ),
                (
                    "token_digest",
                    models.CharField(editable=False, max_length=64, unique=True),
                ),
                ("expires_at", models.DateTimeField(verbose_name="expires at")),
                (
                    "accepted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="accepted at"),
                ),
                (
                    "withdrawn_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="withdrawn at"),
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="portal_invitations",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "grant",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="invitation",
                        to="portal.grant",
                        verbose_name="grant",
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
                "verbose_name": "invitation",
                "verbose_name_plural": "invitations",
                "ordering": ["-created"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("accepted_at__isnull", True),
                            ("withdrawn_at__isnull", True),
                            _connector="OR",
                        ),
                        name="portal_invitation_accepted_or_withdrawn",
                        violation_error_message="An invitation is accepted or withdrawn, not both.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("basis", "authorised"), _negated=True),
                            models.Q(("letter", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="portal_invitation_authorised_has_letter",
                        violation_error_message="A person authorised in writing needs the letter.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Signature",
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
                ("signed_at", models.DateTimeField(verbose_name="signed at")),
                (
                    "ip_address",
                    models.GenericIPAddressField(blank=True, null=True, verbose_name="address"),
                ),
                (
                    "user_agent",
                    models.CharField(blank=True, max_length=300, verbose_name="browser"),
                ),
                (
                    "document",
                    models.TextField(verbose_name="document signed (canonical JSON)"),
                ),
                (
                    "document_sha256",
                    models.CharField(max_length=64, verbose_name="SHA-256 of the document"),
                ),
                (
                    "statement_version",
                    models.CharField(max_length=16, verbose_name="certification statement"),
                ),
                ("method", models.CharField(max_length=32, verbose_name="method")),
                (
                    "grant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signatures",
                        to="portal.grant",
                        verbose_name="grant",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signatures",
                        to="enterprises.dischargereport",
                        verbose_name="report",
                    ),
                ),
                (
                    "signer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="signed by",
                    ),
                ),
                (
                    "number",
                    models.PositiveSmallIntegerField(default=1, verbose_name="version"),
                ),
            ],
            options={
                "verbose_name": "signature",
                "verbose_name_plural": "signatures",
                "ordering": ["-signed_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("document_sha256__regex", "^[0-9a-f]{64}$")),
                        name="portal_signature_sha256_hex",
                        violation_error_message="The hash is 64 hexadecimal digits.",
                    ),
                    models.UniqueConstraint(
                        fields=("report", "number"),
                        name="portal_signature_one_per_version",
                        violation_error_message="This version of the report is signed already.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1)),
                        name="portal_signature_number_positive",
                        violation_error_message="Versions are numbered from 1.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Amendment",
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
                ("number", models.PositiveSmallIntegerField(verbose_name="version")),
                ("reason", models.TextField(verbose_name="reason for the amendment")),
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
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="amendments",
                        to="enterprises.dischargereport",
                        verbose_name="report",
                    ),
                ),
                (
                    "signature",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="amendment",
                        to="portal.signature",
                        verbose_name="signature",
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
                "verbose_name": "amendment",
                "verbose_name_plural": "amendments",
                "ordering": ["report", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("report", "number"),
                        name="portal_amendment_one_per_version",
                        violation_error_message="This version of the report has its amendment already.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("signature__isnull", True)),
                        fields=("report",),
                        name="portal_amendment_one_open_per_report",
                        violation_error_message="An amendment of this report is open already.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 2)),
                        name="portal_amendment_number_after_first",
                        violation_error_message="An amendment is version 2 or later.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True),
                        name="portal_amendment_has_reason",
                        violation_error_message="An amendment needs a reason.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CopyOfRecord",
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
                    "file_sha256",
                    models.CharField(max_length=64, verbose_name="SHA-256 of the file"),
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
                    "signature",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="copy",
                        to="portal.signature",
                        verbose_name="signature",
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
                "verbose_name": "copy of record",
                "verbose_name_plural": "copies of record",
                "ordering": ["-created"],
                "abstract": False,
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("size_bytes__gt", 0), ("size_bytes__lte", 20971520)),
                        name="portal_copyofrecord_size_limit",
                        violation_error_message="A document holds between 1 byte and 20 MB.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DeadlineReminder",
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
                ("period_kind", models.CharField(max_length=1, verbose_name="period kind")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "period_number",
                    models.PositiveSmallIntegerField(verbose_name="period number"),
                ),
                ("reason", models.CharField(max_length=16, verbose_name="reason")),
                (
                    "sent_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent at"),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deadline_reminders",
                        to="enterprises.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deadline_reminders",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "deadline reminder",
                "verbose_name_plural": "deadline reminders",
                "ordering": ["-sent_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "user",
                            "enterprise",
                            "period_kind",
                            "year",
                            "period_number",
                        ),
                        name="portal_deadlinereminder_once_per_person_and_deadline",
                        violation_error_message="This person was reminded of this deadline already.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditApplication",
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
                        verbose_name="applies for",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("submitted", "Submitted"),
                            ("accepted", "Accepted for review"),
                            ("returned", "Returned"),
                        ],
                        default="submitted",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "submitted_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="submitted at"
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
                ),
                (
                    "return_reason",
                    models.TextField(blank=True, verbose_name="reason for return"),
                ),
                (
                    "audit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
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
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
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
            ],
            options={
                "verbose_name": "assessment or acceptance application",
                "verbose_name_plural": "assessment and acceptance applications",
                "ordering": ["-submitted_at"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "submitted")),
                        fields=("audit", "stage"),
                        name="portal_auditapplication_one_open_per_audit_stage",
                        violation_error_message="This audit has an application for this stage waiting already.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "returned"), _negated=True),
                            models.Q(("return_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="portal_auditapplication_return_has_reason",
                        violation_error_message="A returned application needs its reason.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status", "submitted"),
                            models.Q(("decided_at__isnull", False), ("decided_by__isnull", False)),
                            _connector="OR",
                        ),
                        name="portal_auditapplication_decision_has_who_and_when",
                        violation_error_message="A decision needs who made it and when.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalAuditApplication",
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
                        verbose_name="applies for",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("submitted", "Submitted"),
                            ("accepted", "Accepted for review"),
                            ("returned", "Returned"),
                        ],
                        default="submitted",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "submitted_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="submitted at"
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
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
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
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
            ],
            options={
                "verbose_name": "historical assessment or acceptance application",
                "verbose_name_plural": "historical assessment and acceptance applications",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ApplicationDocument",
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
                    "kind",
                    models.CharField(
                        choices=[
                            ("report", "Audit report (送审稿)"),
                            ("performance", "Performance table (绩效表)"),
                        ],
                        max_length=16,
                        verbose_name="document",
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
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents",
                        to="portal.auditapplication",
                        verbose_name="application",
                    ),
                ),
            ],
            options={
                "verbose_name": "application document",
                "verbose_name_plural": "application documents",
                "ordering": ["application", "kind"],
                "abstract": False,
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("size_bytes__gt", 0), ("size_bytes__lte", 20971520)),
                        name="portal_applicationdocument_size_limit",
                        violation_error_message="A document holds between 1 byte and 20 MB.",
                    ),
                    models.UniqueConstraint(
                        fields=("application", "kind"),
                        name="portal_applicationdocument_one_of_each_kind",
                        violation_error_message="An application has one document of each kind.",
                    ),
                ],
            },
        ),
        migrations.RunPython(replaced_steps, replaced_steps_reversed),
    ]
