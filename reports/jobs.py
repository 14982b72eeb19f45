"""The reports' long work as background jobs (benxi_cp/jobs.py): an annual form's file for a
year with many records, and the closing of a year. Their pages follow the stages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audits.models import Audit
from audits.programme import as_of, in_programme_q
from benxi_cp import datacache, jobs
from benxi_cp.models import BackgroundJob
from enterprises.models import DischargeReport
from reports import annual, closing, output


def record_count(year: int) -> int:
    """What a form of `year` is made from, roughly: the year's discharge reports and the
    audits started by its end (two counts). Above settings.BENXI_FORM_BACKGROUND_RECORDS,
    its files are made in the background."""
    reports = DischargeReport.objects.filter(year=year).count()
    audits = Audit.objects.filter(in_programme_q(as_of(year))).count()
    return reports + audits


def in_background(year: int) -> bool:
    """Whether a download of a form of `year` is a background job (it would be slow)."""
    return record_count(year) > settings.BENXI_FORM_BACKGROUND_RECORDS


def form_file(name: str, year: int, fmt: str, progress=None) -> bytes:
    """The form's file as its download serves it: produced once per change of what it reads
    and per day (benxi_cp.datacache), never stale. `progress(done, total, stage)` is told of
    the stages ("figures", then the format) when it is produced."""
    today = timezone.localdate()

    def produce() -> bytes:
        if progress is None:
            return output.render(annual.build(name, year), fmt, today)
        total = 3 if fmt == "pdf" else 2  # a PDF's pages are laid out, then written
        progress(0, total, "figures")
        form = annual.build(name, year)
        if fmt != "pdf":
            progress(1, total, fmt)
            return output.render(form, fmt, today)
        progress(1, total, "layout")
        return output.render_pdf(form, today, laid_out=lambda: progress(2, total, "pdf"))

    return datacache.cached(
        "form-file-safe",  # since texts are neutralised (benxi_cp/safecells.py)
        name,
        year,
        fmt,
        today,
        compute=produce,
        depends=annual.FORM_SCOPES[name],
        stale_ok=False,  # a file has no room for "as of": wait for the current one
    )


STEP_LABELS = {
    "figures": lambda: _("computing the figures"),
    "layout": lambda: _("laying out the pages"),
    "pdf": lambda: _("writing the PDF"),
    "xlsx": lambda: _("writing the workbook (XLSX)"),
    "csv": lambda: _("writing the CSV file"),
    "json": lambda: _("writing the figures (JSON)"),
    "checks": lambda: _("checking what keeps the year open"),
}


def step_label(stage: str) -> str:
    """The label of a stage code: a step ("pdf"), or a form's step ("audits/pdf")."""
    form, _sep, step = stage.rpartition("/")
    label = STEP_LABELS[step]()
    if form:
        return _("%(form)s: %(step)s") % {"form": annual.FORMS[form][0], "step": label}
    return label


BackgroundJob.form_titles.update({name: title for name, (title, _form) in annual.FORMS.items()})


@jobs.runner(BackgroundJob.Kind.FORM_EXPORT, stages=step_label)
def export_form(job: BackgroundJob, progress):
    name, year, fmt = job.params["name"], int(job.params["year"]), job.params["fmt"]
    content = form_file(name, year, fmt, progress)
    return content, output.filename(name, year, fmt), output.CONTENT_TYPES[fmt]


@jobs.runner(BackgroundJob.Kind.CLOSE_YEAR, stages=step_label)
def close_year(job: BackgroundJob, progress):
    def step(done: int, total: int, form: str | None, what: str) -> None:
        progress(done, total, f"{form}/{what}" if form else what)

    user = get_user_model().objects.get(pk=job.user_id)
    closing.close(int(job.params["year"]), user, progress=step)
    return None


def under_way(kind: str, **params):
    """The job of `kind` with these parameters that is waiting or running, if any."""
    return (
        BackgroundJob.objects.filter(kind=kind, status__in=UNFINISHED)
        .select_related("user")
        .filter(**{f"params__{key}": value for key, value in params.items()})
        .first()
    )


UNFINISHED = (BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING)


def queue(user, kind: str, **params) -> BackgroundJob:
    """Store a job of `user` and start it (with the immediate backend: done on return). The
    same work already asked for by the user and not finished is not asked for twice."""
    waiting = under_way(kind, **params)
    if waiting is not None and waiting.user_id == user.pk:
        return waiting
    job = BackgroundJob.objects.create(
        user=user, kind=kind, params=params, language=translation.get_language() or ""
    )
    jobs.start(job)
    job.refresh_from_db()
    return job
