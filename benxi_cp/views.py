"""Generic views every app reuses: permission checks, filtered tables with export, forms, import."""

import contextlib
import datetime
import re
import uuid
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView
from django.views.generic.edit import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from benxi_cp import (
    clock,
    export,
    files,
    formats,
    import_jobs,
    jobs,
    refusals,
    replica,
    roles,
    scoping,
    tabular,
    worklist,
)
from benxi_cp.files import local_copy
from benxi_cp.forms import ImportUploadForm
from benxi_cp.importers import ImportResult, column_label, get_importer
from benxi_cp.models import JOB_STORAGE, EditConflict, Job
from benxi_cp.pagination import CappedCountPaginator
from benxi_cp.registry import registry
from benxi_cp.scoping import enterprise_scoped
from benxi_cp.versions import refuse


class PermissionMixin(PermissionRequiredMixin):
    """Logged-in users without the permission get 403 (anonymous ones never get here:
    LoginRequiredMiddleware sends them to log-in)."""

    raise_exception = True


class DocumentView(PermissionMixin, View):
    """A record's stored document, for users holding `permission_required` who may see the
    record: `get_queryset()` gives the records the user may see."""

    def get_queryset(self):
        raise NotImplementedError

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class DownloadView(DocumentView):
    """The stored file, under the name its user gave it. The record's `download` is (stored
    file, name, content type): a StoredDocument's, or another record's own."""

    missing = gettext_lazy("The file of this document is missing.")

    def get(self, request, *args, **kwargs):
        stored, filename, content_type = self.get_object().download
        if not stored:
            raise Http404(self.missing)
        return files.attachment(stored, filename, content_type)


class DocumentDeleteView(DocumentView):
    """Deletes a StoredDocument and its file, and goes back to `back_url(document)`."""

    def back_url(self, document) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        document = self.get_object()
        back = self.back_url(document)
        document.file.delete(save=False)
        document.delete()
        messages.success(request, _("Document deleted."))
        return redirect(back)


class ObjectListView(PermissionMixin, SingleTableMixin, FilterView):
    """A filtered, sortable, paginated table with CSV/XLSX export of the filtered rows."""

    template_name = "generic/list.html"
    table_pagination = {"per_page": 25, "paginator_class": CappedCountPaginator}
    export_name = "export"
    title = ""
    create_url_name: str | None = None
    create_permission: str | None = None
    import_kind: str | None = None

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("_export")
        if fmt in export.FORMATS:
            filterset = self.get_filterset(self.get_filterset_class())
            if not filterset.is_valid():
                raise Http404(_("The filter is not valid."))
            table = self.get_table_class()(filterset.qs)
            return mark_download(request, export.table_response(table, fmt, self.export_name))
        return super().get(request, *args, **kwargs)

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if table.empty_text is None:
            table.empty_text = empty_text(getattr(self, "filterset", None))
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("_export", None)
        query.pop("download", None)
        context.update(
            title=self.title,
            filter_query=query.urlencode(),
            create_url=(
                reverse(self.create_url_name)
                if self.create_url_name and user.has_perm(self.create_permission)
                else None
            ),
            import_url=(
                reverse("import", args=[self.import_kind])
                if self.import_kind and _may_import(user, self.import_kind)
                else None
            ),
        )
        return context


class ObjectDetailView(PermissionMixin, DetailView):
    title_field = "__str__"


class _SaveMixin:
    """Stamp the author, save atomically, and turn a database refusal into a form error; a
    record saved by someone else since the form was read is not overwritten (the form comes
    back with the differences, benxi_cp/versions.py)."""

    success_message = gettext_lazy("Saved.")

    def form_valid(self, form):
        obj = form.save(commit=False)
        if hasattr(obj, "stamp"):
            obj.stamp(self.request.user)
        try:
            with transaction.atomic():
                obj.save()
                form.save_m2m()
        except EditConflict as conflict:
            refuse(form, conflict)
            return self.form_invalid(form)
        except IntegrityError as error:
            # A guard's refusal in its rule's words (benxi_cp/refusals.py), else in general.
            refused = _("The database refused this record; check the values.")
            form.add_error(None, refusals.message(error, refused))
            return self.form_invalid(form)
        self.object = obj
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class ObjectCreateView(PermissionMixin, _SaveMixin, CreateView):
    """A new record's form; the fields named in `initial_from_query` start at the number
    the address gives (?enterprise=12: a record's id, ?year=2001), others are ignored."""

    template_name = "generic/form.html"
    title = ""
    initial_from_query: tuple[str, ...] = ()

    def get_initial(self):
        initial = super().get_initial()
        for name in self.initial_from_query:
            given = self.request.GET.get(name, "")
            if given.isdigit():
                initial[name] = int(given)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


class ObjectUpdateView(PermissionMixin, _SaveMixin, UpdateView):
    template_name = "generic/form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Edit %(object)s") % {"object": self.object}, **kwargs
        )


def _may_import(user, kind: str) -> bool:
    try:
        importer = get_importer(kind)
    except KeyError:
        return False
    return importer.may_use(user)


# A file checked on the import page waits for its user's confirmation in the jobs' storage
# (a folder, or the bucket: the confirmation may reach another web node).
SPOOL = "spool"


def _spool_name(token: str, suffix: str) -> str:
    uuid.UUID(hex=token)  # refuses anything but a token we made, so no path can be smuggled in
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(suffix)
    return f"{SPOOL}/{token}{suffix}"


def _clean_spool(max_age_seconds: int = 24 * 3600) -> None:
    cutoff = timezone.now() - datetime.timedelta(seconds=max_age_seconds)
    try:
        names = JOB_STORAGE.listdir(SPOOL)[1]
    except FileNotFoundError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            if JOB_STORAGE.get_modified_time(f"{SPOOL}/{name}") < cutoff:
                JOB_STORAGE.delete(f"{SPOOL}/{name}")


class ImportView(View):
    """Upload a CSV/XLSX file, see the dry run, then commit the same file."""

    template_name = "generic/import.html"
    # An enterprise user imports with an importer made for them (Importer.may_use), which
    # takes only their own enterprises' rows; any other is not found for them.
    enterprise_scoped = True

    def dispatch(self, request, kind: str, *args, **kwargs):
        try:
            self.importer_class = get_importer(kind)
        except KeyError:
            raise Http404(kind) from None
        if not self.importer_class.may_use(request.user):
            if scoping.is_enterprise_user(request.user):
                raise Http404(kind)
            raise PermissionDenied
        self.kind = kind
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, result=None, token="", suffix=""):
        importer_class = self.importer_class
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "kind": self.kind,
                "label": importer_class.label,
                "sections": [
                    import_section(kind) for kind in (importer_class.parts or (self.kind,))
                ],
                "format_url": _format_url(self.kind),
                "template_urls": template_urls(self.kind),
                "see_also": [
                    (get_importer(kind).label, _format_url(kind), reverse("import", args=[kind]))
                    for kind in importer_class.see_also
                ],
                "note": (
                    importer_class.enterprise_note
                    if scoping.is_enterprise_user(self.request.user)
                    else importer_class.note
                ),
                "note_codes": importer_class.note_codes,
                "result": result,
                "token": token,
                "suffix": suffix,
                "background_mb": f"{settings.BENXI_IMPORT_BACKGROUND_BYTES / 1048576:g}",
                "title": _("Import %(label)s") % {"label": self.importer_class.label},
            },
        )

    def get(self, request):
        return self.render(ImportUploadForm())

    def post(self, request):
        if "token" in request.POST:
            return self.commit(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        refused, unpacked = _over_limits(upload)
        if refused is not None:
            return self.render(ImportUploadForm(), result=refused)
        if (
            upload.size > settings.BENXI_IMPORT_BACKGROUND_BYTES
            or unpacked > settings.BENXI_IMPORT_BACKGROUND_UNPACKED_BYTES
        ):
            return self.enqueue(request, upload)
        _clean_spool()
        token = uuid.uuid4().hex
        name = JOB_STORAGE.save(_spool_name(token, suffix), upload)  # read in chunks
        with local_copy(JOB_STORAGE, name) as path:
            result = self.importer_class(user=request.user).run(path, upload.name, dry_run=True)
        if not result.ok:
            JOB_STORAGE.delete(name)
            token = ""
        return self.render(ImportUploadForm(), result=result, token=token, suffix=suffix)

    def enqueue(self, request, upload):
        """A large file: stored, then checked by the background worker; its page follows."""
        job = jobs.submit(
            request.user, import_jobs.IMPORT, {"importer": self.kind}, upload=upload, dry_run=True
        )
        return redirect(job)

    def commit(self, request):
        try:
            name = _spool_name(request.POST.get("token", ""), request.POST.get("suffix", ""))
            if not JOB_STORAGE.exists(name):
                raise OSError(name)
        except (ValueError, OSError):
            messages.error(request, _("The uploaded file has expired; please upload it again."))
            return redirect("import", self.kind)
        with local_copy(JOB_STORAGE, name) as path:
            result = self.importer_class(user=request.user).run(
                path, PurePath(name).name, dry_run=False
            )
        if not result.ok:
            return self.render(ImportUploadForm(), result=result)
        JOB_STORAGE.delete(name)
        messages.success(
            request,
            _("Import done: %(created)s created, %(updated)s updated.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect("import", self.kind)


def _format_url(kind: str) -> str | None:
    return reverse("format_document", args=[kind]) if kind in registry.format_documents else None


def import_section(kind: str) -> dict:
    """An importer's columns as the import page lists them: each header with its name in
    the user's language, and whether it is required; with the format they are those of."""
    importer_class = get_importer(kind)
    return {
        "kind": kind,
        "label": importer_class.label,
        "format_url": _format_url(kind),
        "columns": [
            (name, column_label(name, kind), required)
            for name, required in importer_class.columns.items()
        ],
    }


def template_urls(kind: str) -> list[tuple[str, str]]:
    """The templates offered for an importer: XLSX and CSV; for an import of several parts,
    the workbook of them all and a CSV file of each part (its own importer's)."""
    parts = get_importer(kind).parts
    if not parts:
        return [
            (fmt.upper(), reverse("import_template", args=[kind, fmt])) for fmt in TEMPLATE_TYPES
        ]
    return [("XLSX", reverse("import_template", args=[kind, "xlsx"]))] + [
        (f"CSV {part}", reverse("import_template", args=[part, "csv"])) for part in parts
    ]


def _over_limits(upload) -> tuple[ImportResult | None, int]:
    """The refusal of an upload over the limits (a zip bomb, say), found from its size and
    zip directory before anything is parsed or queued (None when it is within them); and
    the bytes a parser would read (a workbook's parts unpacked)."""
    if hasattr(upload, "temporary_file_path"):
        source = Path(upload.temporary_file_path())
    else:
        source = upload.read()  # a small upload, already in memory
        upload.seek(0)
    try:
        tabular.check_limits(source, upload.name)
        return None, tabular.parse_size(source, upload.name)
    except tabular.FileRefused as refused:
        result = ImportResult(dry_run=True)
        result.add(refused.row or 1, "", refused.message)
        return result, 0


TEMPLATE_TYPES = {"xlsx": export.XLSX_TYPE, "csv": "text/csv; charset=utf-8"}


@enterprise_scoped
def import_template(request, kind: str, fmt: str) -> HttpResponse:
    """An empty file to fill in for an importer: its header row (and, in XLSX, drop-down
    lists on the coded columns). For those who may import with it."""
    try:
        importer_class = get_importer(kind)
    except KeyError:
        raise Http404(kind) from None
    if fmt not in TEMPLATE_TYPES:
        raise Http404(fmt)
    if not importer_class.may_use(request.user):
        if scoping.is_enterprise_user(request.user):
            raise Http404(kind)
        raise PermissionDenied
    importer = importer_class(user=request.user)
    name = kind
    if fmt == "csv" and importer.parts:
        # A CSV file holds one part: the first (the records a history starts with); the import
        # page offers each part's own.
        name = f"{kind}-{importer.parts[0]}"
        importer = get_importer(importer.parts[0])(user=request.user)
    content = formats.template_xlsx(importer) if fmt == "xlsx" else formats.template_csv(importer)
    response = HttpResponse(content, content_type=TEMPLATE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}-template.{fmt}"'
    return response


class FormatDocumentView(TemplateView):
    """A format of docs/formats/ as a page: for every user, who may read what they exchange."""

    enterprise_scoped = True  # the format's rules, no records

    template_name = "generic/format.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            text = formats.document_text(kwargs["name"])
        except KeyError:
            raise Http404(kwargs["name"]) from None
        user = self.request.user
        context.update(
            title=formats.document_title(text),
            body=formats.render_markdown(
                formats.document_body(text),
                # a document of an importer's format names its columns as that importer does
                label=lambda column: column_label(column, kwargs["name"]),
            ),
            documents=[
                (name, reverse("format_document", args=[name])) for name in formats.documents()
            ],
            name=kwargs["name"],
            import_url=(
                reverse("import", args=[kwargs["name"]])
                if _may_import(user, kwargs["name"])
                else None
            ),
        )
        return context


class HomeView(TemplateView):
    template_name = "home.html"
    # An enterprise user lands on their own page (registry.landing_pages); their work queues
    # are empty otherwise, since they hold none of the queues' permissions.
    enterprise_scoped = True

    def get(self, request, *args, **kwargs):
        landing = registry.landing_pages.get(roles.role_of(request.user))
        if landing:
            match = resolve(reverse(landing.url_name))
            return match.func(request, *match.args, **match.kwargs)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_flag"] = clock.demo_flag()
        today = clock.today()
        groups = worklist.groups_for(self.request.user, today)
        context.update(
            title=_("My work"),
            today=today,
            groups=groups,
            waiting=sum(group.total for group in groups),
            overdue=sum(group.overdue for group in groups),
            dashboards=[
                (link.label, reverse(link.url_name))
                for link in registry.home_links
                if self.request.user.has_perm(link.permission)
            ],
        )
        return context


# -- Background jobs: one page, its JSON, its file, and "My jobs" (benxi_cp/jobs.py) --------


def _own_job(request, pk: int) -> Job:
    """A job of the user's own (another's is a 404, as if it did not exist); one whose
    worker was lost is found so."""
    try:
        job = Job.objects.get(pk=pk, user=request.user)
    except Job.DoesNotExist:
        raise Http404(pk) from None
    jobs.reap(job)
    return job


def _percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


def _counts(job: Job, done: int, total: int) -> str:
    if not total:
        return ""
    kind = jobs.kind_of(job)
    if kind is not None and kind.unit == "rows":
        return _("%(done)s / %(total)s rows") % {"done": f"{done:,}", "total": f"{total:,}"}
    return _("step %(done)s of %(total)s") % {"done": done, "total": total}


def _job_state(request, job: Job) -> dict:
    """What the page and its JSON say of a job: where it stands and where it leads."""
    done, total, stage = jobs.read_progress(job)
    next_url, next_label = jobs.next_link(job)
    file_url = ""
    if job.status == Job.Status.DONE and job.file:
        file_url = reverse("job_file", args=[job.pk])
    return {
        "status": job.status,
        "label": job.status_label,
        "stage": jobs.stage_label(job, stage),
        "done": done,
        "total": total,
        "percent": _percent(done, total),
        "counts": _counts(job, done, total),
        "finished": job.is_finished,
        "file_url": file_url,
        "next_url": next_url,
        "next_label": next_label,
    }


class JobView(View):
    """One job: its stage and progress while it runs (followed by static/js/job.js), then
    what it found or made, or why it stopped; POST goes on with it: confirms a checked job
    (an import after its check), or tries a failed one again with the file it kept."""

    enterprise_scoped = True  # the user's own jobs only, for enterprise users too

    template_name = "generic/job.html"

    def get(self, request, pk: int):
        job = _own_job(request, pk)
        kind = jobs.kind_of(job)
        state = _job_state(request, job)
        allowed = jobs.may(request.user, job)
        return render(
            request,
            self.template_name,
            {
                "job": job,
                "state": state,
                "title": job.description,
                "kind_title": kind.title if kind else "",
                "kind_template": kind.template if kind else "generic/job_result.html",
                "failed_text": kind.failed_text if kind else "",
                "done_text": kind.done_text(job) if kind and kind.done_text else "",
                "lead_on": state["next_url"] if kind and kind.lead_on_done else "",
                "may_confirm": allowed and job.status == Job.Status.CHECKED,
                "may_retry": allowed and jobs.may_retry(job),
                "keep_hours": settings.BENXI_JOB_KEEP_HOURS,
                "status_url": reverse("job_status", args=[job.pk]),
            },
        )

    def post(self, request, pk: int):
        job = _own_job(request, pk)
        if not jobs.may(request.user, job):
            raise PermissionDenied
        if job.status == Job.Status.FAILED:
            if not jobs.retry(job):
                messages.warning(
                    request,
                    _("This job cannot run again: its file is gone. Please upload it again."),
                )
        elif not jobs.confirm(job):
            messages.warning(
                request, _("This job is not waiting for you: it is already under way or finished.")
            )
        return redirect(job)


@enterprise_scoped
def job_status(request, pk: int) -> JsonResponse:
    """Where a job stands, for its page to follow."""
    job = _own_job(request, pk)
    state = _job_state(request, job)
    state.pop("next_label")
    return JsonResponse(state)


@enterprise_scoped
def job_file(request, pk: int):
    """The file a job made, for its user (who must still have the right to it)."""
    job = _own_job(request, pk)
    if not jobs.may(request.user, job):
        raise PermissionDenied
    if job.status != Job.Status.DONE or not job.file:
        raise Http404(pk)
    return files.attachment(job.file, job.filename, job.content_type)


class JobListView(TemplateView):
    """ "My jobs": the user's own background jobs (imports of large files, downloads of
    large forms, closings of years), the latest first."""

    template_name = "generic/jobs.html"
    limit = 100
    enterprise_scoped = True  # the user's own jobs only

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The results are read (an import's counts); a checked import's preview is the only
        # large part, and goes once the import is confirmed.
        mine = list(Job.objects.filter(user=self.request.user).defer("messages")[: self.limit])
        for job in mine:
            jobs.reap(job)
            kind = jobs.kind_of(job)
            job.summary = kind.summary(job) if kind and kind.summary else ""
            job.may_download = (
                job.status == Job.Status.DONE
                and bool(job.file)
                and jobs.may(self.request.user, job)
            )
        context.update(jobs=mine, title=_("My jobs"), keep_hours=settings.BENXI_JOB_KEEP_HOURS)
        return context


DOWNLOAD_TOKEN = re.compile(r"[A-Za-z0-9]{1,32}")


def mark_download(request, response):
    """Tell the page's waiting indicator (static/js/download-wait.js) that the response it
    waited for has come: a cookie named by the token the link sent (?download=)."""
    token = request.GET.get("download", "")
    if DOWNLOAD_TOKEN.fullmatch(token):
        response.set_cookie(f"benxi_download_{token}", "1", max_age=120, samesite="Lax")
    return response


# --- Localisation: what an empty list says ---


def empty_text(filterset) -> str:
    """An empty table's message: the filter found nothing, or nothing is recorded yet."""
    data = getattr(filterset, "data", None)
    filtering = data is not None and any(
        value not in ("", None)
        for name in filterset.filters
        for value in (data.getlist(name) if hasattr(data, "getlist") else [data.get(name)])
    )
    if filtering:
        return _("No matching records. Change or clear the filter to see more.")
    return _("Nothing recorded yet.")


# --- Health: for a load balancer or a monitor ---


@login_not_required
@require_safe
def health(request):
    """Both databases and the worker, as JSON: the primary ("ok" or "down": 503), and the
    read replica ("ok", "lagging" behind by more than BENXI_REPLICA_PIN_SECONDS, "down", or
    "not configured") with its replay lag in seconds; the task queue's worker ("ok", or
    "behind" when a task has waited longer than BENXI_WORKER_STALL_SECONDS), with the tasks
    waiting and the oldest one's wait. A replica down or a worker behind is not an error of
    the site: reads go to the primary (benxi_cp/replica.py), figures are computed by the
    requests (benxi_cp/datacache.py), imports and downloads wait in the queue."""
    report = replica.status()
    if report["primary"] == "ok":
        report |= jobs.queue_health()
    response = JsonResponse(report, status=200 if report["primary"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    return response
