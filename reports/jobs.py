"""The reports' long work as background jobs (benxi_cp/jobs.py): an annual form's file for a
year with many records, and the closing of a year. Their pages follow the stages. The two
kinds of job are declared at the end of this module (KINDS)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import Audit
from audits.programme import as_of, in_programme_q
from benxi_cp import datacache, jobs
from benxi_cp.models import Job
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


def form_file(
    name: str, year: int, fmt: str, progress=None, volume: annual.Volume = annual.WHOLE
) -> bytes:
    """The form's file (of its `volume`) as its download serves it: produced once per change
    of what it reads and per day (benxi_cp.datacache), never stale. `progress(done, total,
    stage)` is told of the stages ("figures", then the format) when it is produced."""
    today = timezone.localdate()

    def produce() -> bytes:
        if progress is None:
            return output.render(annual.build(name, year, volume), fmt, today)
        total = 3 if fmt == "pdf" else 2  # a PDF's pages are laid out, then written
        progress(0, total, "figures")
        form = annual.build(name, year, volume)
        if fmt != "pdf":
            progress(1, total, fmt)
            return output.render(form, fmt, today)
        progress(1, total, "layout")
        return output.render_pdf(form, today, laid_out=lambda: progress(2, total, "pdf"))

    return datacache.cached(
        "form-file-volume",  # since texts are neutralised (benxi_cp/safecells.py), by volume
        name,
        year,
        fmt,
        today,
        volume.district,
        volume.sector,
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


def job_volume(job: Job) -> annual.Volume:
    """The volume of a form's download job (its params' district and sector, if any)."""
    return annual.Volume(job.params.get("district", ""), job.params.get("sector", ""))


def export_form(job: Job, progress) -> jobs.Outcome:
    name, year, fmt = job.params["name"], int(job.params["year"]), job.params["fmt"]
    volume = job_volume(job)
    content = form_file(name, year, fmt, progress, volume=volume)
    return jobs.Outcome(
        file=(content, output.filename(name, year, fmt, volume), output.CONTENT_TYPES[fmt])
    )


def close_year(job: Job, progress) -> None:
    def step(done: int, total: int, form: str | None, what: str) -> None:
        progress(done, total, f"{form}/{what}" if form else what)

    user = get_user_model().objects.get(pk=job.user_id)
    closing.close(int(job.params["year"]), user, progress=step)


def describe_export(job: Job) -> str:
    name = job.params.get("name", "")
    title = annual.FORMS[name][0] if name in annual.FORMS else name
    volume = job_volume(job)
    if volume:
        title = _("%(title)s (%(volume)s)") % {"title": title, "volume": volume.label}
    return _("%(form)s, %(year)s (%(fmt)s)") % {
        "form": title,
        "year": job.params.get("year"),
        "fmt": str(job.params.get("fmt", "")).upper(),
    }


def describe_closing(job: Job) -> str:
    return _("Closing of %(year)s") % {"year": job.params.get("year")}


def form_page(job: Job) -> tuple[str, str]:
    url = reverse("reports:form", args=[job.params.get("name")])
    query = urlencode({"year": job.params.get("year"), **job_volume(job).params()})
    return f"{url}?{query}", _("The form’s page")


def year_page(job: Job) -> tuple[str, str]:
    return reverse("reports:year", args=[job.params.get("year")]), _("The year’s page")


def closed_text(job: Job) -> str:
    return _("%(year)s is closed; its copy of record is kept on the year’s page.") % {
        "year": job.params.get("year")
    }


FORM_EXPORT = "form_export"
CLOSE_YEAR = "close_year"

# Registered by ReportsConfig.ready() (registry.job_kinds).
KINDS = (
    jobs.JobKind(
        name=FORM_EXPORT,
        title=gettext_lazy("annual form download"),
        run=export_form,
        describe=describe_export,
        permissions=("reports.view_annual_forms",),
        stages=step_label,
        next=form_page,
        failed_text=gettext_lazy(
            "The file could not be produced: the work stopped on an unexpected error. Please "
            "try again; if it happens again, tell the administrator."
        ),
    ),
    jobs.JobKind(
        name=CLOSE_YEAR,
        title=gettext_lazy("closing of a year"),
        run=close_year,
        describe=describe_closing,
        permissions=("reports.close_year",),
        stages=step_label,
        next=year_page,
        lead_on_done=True,
        done_text=closed_text,
        failed_text=gettext_lazy(
            "The closing stopped on an unexpected error and nothing was written: the year is "
            "still open. Please try again; if it happens again, tell the administrator."
        ),
    ),
)
