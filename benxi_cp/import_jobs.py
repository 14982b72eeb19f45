"""Imports of large files as background jobs (benxi_cp/jobs.py), the kind of job of the
import machinery, which is benxi_cp's own (the importers are the apps', benxi_cp/importers.py).

The web request stores the file and queues a check (a dry run: nothing written); once its
user confirms on the job's page, the worker imports the same file, in one transaction, all
or nothing, as the page's own imports do. A check or import whose worker was lost keeps the
file: its user tries again without uploading it again. benxi_cp registers the kind (KIND)
in its AppConfig.ready().
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benxi_cp import jobs
from benxi_cp.files import local_copy
from benxi_cp.importers import get_importer
from benxi_cp.models import Job

IMPORT = "import"


def label(job: Job) -> str:
    try:
        return str(get_importer(job.params.get("importer", "")).label)
    except KeyError:
        return job.params.get("importer", "")


def run(job: Job, progress) -> jobs.Outcome:
    """Check (dry run) or import the job's file, and say what was found."""
    importer = get_importer(job.params["importer"])(user=job.user)
    with local_copy(job.file.storage, job.file.name) as path:  # the bucket's file has no path
        result = importer.run(
            path,
            job.filename,
            dry_run=job.dry_run,
            progress=lambda done, total: progress(
                done, total, "check" if job.dry_run else "import"
            ),
        )
    if not result.ok:
        status = Job.Status.REFUSED
    else:
        status = Job.Status.CHECKED if job.dry_run else Job.Status.DONE
    return jobs.Outcome(
        status=status,
        messages=[str(issue) for issue in result.errors],
        result={
            "created": result.created,
            "updated": result.updated,
            "error_count": result.error_count,
            "preview": result.preview if job.dry_run else [],
        },
        done=result.rows if result.ok else 0,
        total=result.rows,
    )


STAGES = {
    "check": gettext_lazy("checking the file"),
    "import": gettext_lazy("importing the rows"),
}


def permissions(job: Job) -> tuple[str, ...]:
    try:
        return tuple(get_importer(job.params.get("importer", "")).permissions)
    except KeyError:
        return ("benxi_cp.no_such_importer",)  # nobody holds it: an importer gone


def may_use(user, job: Job) -> bool:
    """Whoever may import with the job's importer (Importer.may_use: its permissions, or an
    enterprise user's right to enter reports)."""
    try:
        return get_importer(job.params.get("importer", "")).may_use(user)
    except KeyError:
        return False  # an importer gone


def describe(job: Job) -> str:
    return _("Import of %(file)s (%(label)s)") % {"file": job.filename, "label": label(job)}


def next_page(job: Job) -> tuple[str, str]:
    """The import page of the same kind of records."""
    url = reverse("import", args=[job.params.get("importer", "")])
    return url, _("Import %(label)s") % {"label": label(job)}


def summary(job: Job) -> str:
    if not job.is_finished or job.status == Job.Status.FAILED:
        return ""
    errors = job.result.get("error_count", 0)
    if errors:
        return ngettext("%(count)s error", "%(count)s errors", errors) % {"count": errors}
    return ngettext("%(count)s row", "%(count)s rows", job.total) % {"count": job.total}


KIND = jobs.JobKind(
    name=IMPORT,
    title=gettext_lazy("import of a large file"),
    run=run,
    describe=describe,
    permissions=permissions,
    may_use=may_use,
    next=next_page,
    stages=STAGES.__getitem__,
    unit="rows",
    needs_file=True,
    template="generic/job_import.html",
    failed_text=gettext_lazy(
        "The import stopped on an unexpected error and nothing was written. Please try "
        "again; if it happens again, tell the administrator."
    ),
    status_labels={
        Job.Status.CHECKED: gettext_lazy("checked: ready to import"),
        Job.Status.DONE: gettext_lazy("imported"),
        Job.Status.FAILED: gettext_lazy("stopped on an error: nothing written"),
    },
    summary=summary,
)
