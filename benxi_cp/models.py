"""What every app shares: the audit-trail base models, stored documents and the site's own
flags."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models, transaction
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from benxi_cp.files import MAX_DOCUMENT_BYTES


class TrackedModel(models.Model):
    """Abstract base: when a row was created and changed, and by whom."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True

    def stamp(self, user) -> None:
        """Record `user` as the author of this change (and of the row, when it is new)."""
        if user is not None and user.is_authenticated:
            if self._state.adding and self.created_by_id is None:
                self.created_by = user
            self.updated_by = user


def stored_document_path(document: "StoredDocument", filename: str) -> str:
    """Where a document's file is stored: its model's folder and a generated name (what users
    call their files never reaches the file system), keeping the file's extension."""
    return f"{document.folder()}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class StoredDocument(TrackedModel):
    """Abstract base of an uploaded file kept with a record (an audit's documents, a training
    event's materials): the file, the name and type its user gave it, and its size, which the
    database holds within MAX_DOCUMENT_BYTES. One download view hands them back
    (benxi_cp.views.DownloadView)."""

    file = models.FileField(_("file"), upload_to=stored_document_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size_bytes__gt=0, size_bytes__lte=MAX_DOCUMENT_BYTES),
                name="%(app_label)s_%(class)s_size_limit",
                violation_error_message=_("A document holds between 1 byte and 20 MB."),
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    def folder(self) -> str:
        """The folder of the media storage its files go to (e.g. "<app>/<record id>")."""
        raise NotImplementedError

    @property
    def download(self) -> tuple:
        """(the stored file, the name to give it, its content type), for DownloadView."""
        return self.file, self.filename, self.content_type


class EditConflict(Exception):
    """The record was saved by someone else after the form being saved read it."""

    def __init__(self, instance: models.Model, read_version: int):
        super().__init__(f"{instance._meta.label} {instance.pk}: read at version {read_version}")
        self.instance = instance
        self.read_version = read_version


class VersionedModel(models.Model):
    """Abstract base: a counter of the row's saves, so that an edit form that read version
    n cannot overwrite a version n+1 it never saw (benxi_cp/versions.py).

    The check is a compare-and-swap in the database: `UPDATE … SET version = n+1 WHERE
    id = ? AND version = n`, in the save's transaction, before the row is written; no row
    matched means someone else's save came first (EditConflict), and nothing is written.
    Saves that did not read a version for a user (the workflow, computations) count on.
    Rows inserted without the ORM (COPY, bulk inserts) start at 1 by the column's default.
    """

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        db_default=1,
        editable=False,
        help_text=_("Counts the saves of this record; an edit form keeps the one it read."),
    )

    # Derived fields a model keeps up to date itself: a save of these alone (update_fields)
    # is no edit, and leaves the version as it is.
    derived_fields: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        expected = getattr(self, "_read_version", None)
        if self._state.adding or self.pk is None:
            if expected:  # the form read a stored row, which is gone now
                raise EditConflict(self, expected)
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        derived = self.derived_fields | {"updated"}
        if expected is None and update_fields is not None and set(update_fields) <= derived:
            return super().save(*args, **kwargs)
        if update_fields is not None and "version" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "version"]
        if expected is None:
            self.version = (self.version or 0) + 1
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or self._state.db
        # As Django's own save: no savepoint, a failed write fails the caller's transaction.
        # A refusal has written nothing, and leaves that transaction usable.
        with transaction.atomic(using=using, savepoint=False):
            claimed = (
                type(self)
                ._base_manager.using(using)
                .filter(pk=self.pk, version=expected)
                .update(version=expected + 1)
            )
            if claimed:
                self.version = expected + 1
                self._read_version = None
                return super().save(*args, **kwargs)
        raise EditConflict(self, expected)

    def expect_version(self, version: int | None) -> None:
        """Make the next save of this row refuse (EditConflict) if it is no longer at
        `version` (0: the row did not exist when the form was read)."""
        self._read_version = version


class SiteFlag(models.Model):
    """A named flag about this installation, such as whether the demo data is loaded."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    value = models.CharField(_("value"), max_length=255, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("site flag")
        verbose_name_plural = _("site flags")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

    DEMO_LOADED = "demo_loaded"


class DataVersion(models.Model):
    """The token of one scope of the programme's records, replaced whenever they change.

    Database triggers on the data apps' tables (installed after each migrate by
    `benxi_cp.datacache.install_triggers`) replace a scope's token when a transaction that
    wrote it commits, so cached figures (`benxi_cp.datacache.cached`) keyed on the tokens of
    their scopes never outlive their records, whatever wrote them: a form, the admin, an
    import's bulk insert or COPY, a queryset update, raw SQL.
    """

    scope = models.CharField(_("scope"), max_length=32, primary_key=True)
    token = models.BigIntegerField(_("token"), help_text=_("A random number, never reused."))

    class Meta:
        ordering = ["scope"]
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.scope}={self.token}"


def import_storage():
    """Where the files of import jobs were kept before jobs had one table (the migrations
    that made and moved them name it)."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.IMPORT_SPOOL_DIR)


class JobStorage(LazyObject):
    """STORAGES["jobs"], looked up when first used (and again after the setting changes)."""

    def _setup(self):
        self._wrapped = storages["jobs"]


JOB_STORAGE = JobStorage()


@receiver(setting_changed)
def _jobs_storage_changed(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        JOB_STORAGE._wrapped = empty


def job_storage():
    """Where the files of background jobs are kept (STORAGES["jobs"]: a folder, or the bucket
    under `jobs/`): the file a job reads (an upload to import) until it ends for good, the
    file it made (a form) until it is cleaned up."""
    return JOB_STORAGE


class JobStatus(models.TextChoices):
    """Where a job stands (Job); a kind may name a status in its own words."""

    QUEUED = "queued", _("waiting for the worker")
    RUNNING = "running", _("running")
    CHECKED = "checked", _("checked: waiting for your confirmation")
    REFUSED = "refused", _("refused: nothing written")
    DONE = "done", _("done")
    FAILED = "failed", _("stopped on an error")


class Job(models.Model):
    """Work the background worker does for one user (benxi_cp/jobs.py): an import of a
    large file, an annual form's file for a large year, the closing of a year. Its kind,
    declared by the app whose work it is, names it and does it; this row says where it
    stands, what it found and which file it holds.

    queued → running → done | refused | failed | checked; a checked job (a check that
    writes nothing, `dry_run`) is confirmed by its user and queued again for real; a failed
    one may be tried again, with the file it kept. A running job whose worker stopped
    (killed, its machine restarted) is found by its heartbeat and marked failed, `lost`."""

    Status = JobStatus

    # Nothing under way: its page stops following it.
    FINISHED = (JobStatus.CHECKED, JobStatus.REFUSED, JobStatus.DONE, JobStatus.FAILED)
    # Ended for good: the file it read is let go (a failed job keeps it to be tried again).
    ENDED = (JobStatus.REFUSED, JobStatus.DONE)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    kind = models.CharField(_("kind"), max_length=32)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    dry_run = models.BooleanField(
        _("check only"),
        default=False,
        help_text=_("A check that writes nothing; its user confirms the real run."),
    )
    language = models.CharField(_("language"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times a worker started it.")
    )
    worker = models.CharField(
        _("worker"), max_length=100, blank=True, help_text=_("The worker that ran it last.")
    )
    lost = models.BooleanField(
        _("worker lost"),
        default=False,
        help_text=_("The worker running it stopped before it ended."),
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("to do"), default=0)
    # While it runs on PostgreSQL, the worker's progress and heartbeat (benxi_cp/jobs.py);
    # on SQLite they are in a file beside the database.
    stage = models.CharField(_("stage"), max_length=64, blank=True)
    beat = models.DateTimeField(
        _("last heartbeat"),
        null=True,
        blank=True,
        help_text=_("When the worker running it last gave a sign of life."),
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    messages = models.JSONField(_("messages"), default=list, blank=True)
    file = models.FileField(_("file"), upload_to="files/", storage=job_storage, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            # "My jobs": a user's latest jobs.
            models.Index(fields=["user", "-created"], name="job_user_created"),
            # The worker's and the pages' look for jobs under way (their heartbeats).
            models.Index(fields=["status"], name="job_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=""),
                name="%(app_label)s_%(class)s_kind",
                violation_error_message=_("A job needs a kind."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values),
                name="%(app_label)s_%(class)s_status",
                violation_error_message=_("Unknown status of a job."),
            ),
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")),
                name="%(app_label)s_%(class)s_steps",
                violation_error_message=_("A job cannot have done more than it has to do."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def kind_declared(self):
        """Its kind (benxi_cp.jobs.JobKind), as its app registered it; None if gone."""
        from benxi_cp.registry import registry

        return registry.job_kinds.get(self.kind)

    @property
    def description(self) -> str:
        """What the job does, in the language of the page that shows it (its kind says)."""
        kind = self.kind_declared
        return str(kind.describe(self)) if kind else self.kind

    @property
    def status_label(self) -> str:
        """Where it stands, in its kind's words (an import is "imported" when done)."""
        from django.utils.translation import gettext

        if self.status == JobStatus.FAILED and self.lost:
            return gettext("stopped: its worker was lost")
        kind = self.kind_declared
        if kind and self.status in kind.status_labels:
            return str(kind.status_labels[self.status])
        return str(JobStatus(self.status).label)
