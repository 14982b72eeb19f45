"""What every app shares: the audit-trail base model and the site's own flags."""

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


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
    """Where the files of import jobs are kept until their import is done (the spool)."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.IMPORT_SPOOL_DIR)


class JobBase(models.Model):
    """Abstract base of the jobs the background worker runs for a user (benxi_cp/jobs.py):
    imports of large files (ImportJob), and the long work of other pages (BackgroundJob)."""

    kind = models.CharField(_("kind"), max_length=32)
    language = models.CharField(_("language"), max_length=16, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    FINISHED: tuple = ()

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class ImportJob(JobBase):
    """An import of a large file, checked and then written by the background worker
    (benxi_cp/jobs.py): who, what, the stored file, where it stands and what it found.

    The file is stored before the job is queued; a job first checks the file (a dry run),
    then, once its user confirms, imports it, all or nothing. While it runs, its progress
    is in a small file beside the stored one (the import's transaction holds the row)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        CHECKED = "checked", _("checked: ready to import")
        REFUSED = "refused", _("refused: nothing written")
        DONE = "done", _("imported")
        FAILED = "failed", _("stopped on an error: nothing written")

    FINISHED = (Status.CHECKED, Status.REFUSED, Status.DONE, Status.FAILED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="jobs/", storage=import_storage, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    dry_run = models.BooleanField(_("check only"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    preview = models.JSONField(_("first rows"), default=list, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["user", "-created"], name="importjob_user_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("import_job", args=[self.pk])


# -- Background jobs of other pages: form exports, closing a year ------


def job_storage():
    """Where the files that background jobs produce are kept until they are cleaned up."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.BENXI_JOB_FILES_DIR)


class BackgroundJob(JobBase):
    """Long work of a page done by the background worker for its user (benxi_cp/jobs.py):
    an annual form's file for a large year, the closing of a year. Its page follows the
    stages; a file it produces is kept for its user alone, and cleaned up after
    settings.BENXI_JOB_KEEP_HOURS."""

    # The annual forms' titles by name (lazy strings), filled by the app that has the forms
    # (reports/jobs.py): benxi_cp is below the apps and imports none of them.
    form_titles: dict = {}

    class Kind(models.TextChoices):
        FORM_EXPORT = "form_export", _("annual form download")
        CLOSE_YEAR = "close_year", _("closing of a year")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        REFUSED = "refused", _("refused: nothing written")
        FAILED = "failed", _("stopped on an error")

    FINISHED = (Status.DONE, Status.REFUSED, Status.FAILED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="background_jobs",
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    steps_done = models.PositiveIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveIntegerField(_("steps"), default=0)
    file = models.FileField(_("file"), upload_to="files/", storage=job_storage, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    messages = models.JSONField(_("messages"), default=list, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["user", "-created"], name="backgroundjob_user_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["form_export", "close_year"]),
                name="%(app_label)s_%(class)s_kind",
                violation_error_message=_("Unknown kind of background job."),
            ),
            models.CheckConstraint(
                condition=models.Q(steps_done__lte=models.F("steps_total")),
                name="%(app_label)s_%(class)s_steps",
                violation_error_message=_("A job cannot have done more steps than it has."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.params} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("background_job", args=[self.pk])

    @property
    def description(self) -> str:
        """What the job does, in the language of the page that shows it."""
        from django.utils.translation import gettext

        year = self.params.get("year")
        if self.kind == self.Kind.CLOSE_YEAR:
            return gettext("Closing of %(year)s") % {"year": year}
        name = self.params.get("name", "")
        # The form's title, from the app whose forms they are (reports/jobs.py names them).
        title = self.form_titles.get(name, name)
        return gettext("%(form)s, %(year)s (%(fmt)s)") % {
            "form": title,
            "year": year,
            "fmt": str(self.params.get("fmt", "")).upper(),
        }
