"""Closing a year (as DHIS2's data approval): the programme office closes a year once its
reports are verified and its audits assessed; closing keeps a copy of record of each annual
form, and the database refuses changes to the year's records (reports/yearlock.py) until
the year is reopened with a reason. A closed or reopened year's forms show every figure that
differs from the copy of record.

The copy of record of a form is three files, kept in the database with their SHA-256: the
PDF and the XLSX as the form's download writes them (reports/output.py), dated the day of
closing, in the programme's language (settings.LANGUAGE_CODE), and its figures as JSON (the
CSV's keys, codes and numbers). The figures are computed afresh, never served stale, while
the writers of the guarded tables wait (PostgreSQL: a SHARE lock of those tables until the
closing commits; SQLite: one writer at a time).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audits.choices import NOT_RECORDED
from audits.models import STEP_COUNT, Audit
from audits.programme import as_of, in_programme_q, steps_done
from benxi_cp import clock
from enterprises import locks
from enterprises.choices import ReportStatus
from enterprises.models import DischargeReport
from reports import annual, links, output
from reports.choices import CopyFormat
from reports.models import RecordCopy, YearClosing
from reports.summary import KEY_LABELS
from reports.yearlock import GUARDED

# The columns that name a row of each form's figures (the others are its figures).
IDENTITY = {
    "programme": ("key",),
    "audits": ("audit_ref",),
    "discharge": ("table", "enterprise_code", "pollutant"),
    "options": ("table", "aspect", "fee_class"),
    "targets": ("indicator_code",),
    "training": ("audience", "kind"),
    "compliance": ("enterprise_code", "outlet", "pollutant", "basis"),
    "fees": ("enterprise_code", "medium", "pollutant"),
}


@dataclass(frozen=True)
class Blocker:
    """Something that keeps a year from being closed, with the list of the records."""

    message: str
    count: int
    url: str | None


def blockers(year: int) -> list[Blocker]:
    """What still keeps `year` from closing: the year not over, reports not verified, audits
    with their eight steps done by the year's end and no assessment (two queries)."""
    found = []
    if year >= clock.today().year:
        found.append(Blocker(str(_("The year is not over yet.")), 1, None))
    counts = dict(
        DischargeReport.objects.filter(year=year)
        .exclude(status=ReportStatus.VERIFIED)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    for status in (ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.SUBMITTED):
        if counts.get(status):
            found.append(
                Blocker(
                    str(
                        _("Discharge reports of the year not verified (%(status)s)")
                        % {"status": status.label}
                    ),
                    counts[status],
                    links.reports(year=year, status=status),
                )
            )
    day = as_of(year)
    waiting = (
        Audit.objects.filter(in_programme_q(day), steps_completed=STEP_COUNT, assessment="")
        .annotate(done=steps_done(day))
        .filter(done=STEP_COUNT)  # the eight steps done by 31 December
        .count()
    )
    if waiting:
        found.append(
            Blocker(
                str(_("Audits with their eight steps done, not yet assessed")),
                waiting,
                links.url(
                    "audits:list",
                    steps_completed=STEP_COUNT,
                    assessment=NOT_RECORDED,
                    started_by=year,
                ),
            )
        )
    return found


def current(year: int) -> YearClosing | None:
    """The closing in force of `year`, if it is closed."""
    return YearClosing.objects.filter(year=year, reopened_at__isnull=True).first()


def latest(year: int) -> YearClosing | None:
    """The latest closing of `year`, in force or reopened (its copy is the reference)."""
    return YearClosing.objects.filter(year=year).order_by("-closed_at", "-pk").first()


def closed_years() -> set[int]:
    return set(YearClosing.objects.filter(reopened_at__isnull=True).values_list("year", flat=True))


def _name(user) -> str:
    return (user.get_full_name() or user.get_username())[:150]


def _hold_writers() -> None:
    """PostgreSQL: the writers of the guarded tables wait until the closing commits, so that
    no change begun before it slips in after its figures were read."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(model._meta.db_table for _k, model, _f, _u in GUARDED)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# The steps of a closing, for its progress page: the check of what blocks it, then for each
# form its figures and its three files.
CLOSING_STEPS = ("figures", CopyFormat.PDF, CopyFormat.XLSX, CopyFormat.JSON)


def close(year: int, user, progress=None) -> YearClosing:
    """Close `year` and keep its copy of record; ValidationError when it is closed already or
    something still blocks it. `progress(done, total, form, step)`, if given, is told of
    each step (form None: the check of what blocks the year)."""
    total = 1 + len(annual.FORMS) * len(CLOSING_STEPS)

    def report(done: int, form: str | None, step: str) -> None:
        if progress is not None:
            progress(done, total, form, step)

    def work() -> YearClosing:
        report(0, None, "checks")
        if current(year) is not None:
            raise ValidationError(
                _("The year %(year)s is already closed.") % {"year": year}, code="closed"
            )
        closing = YearClosing.objects.create(
            year=year, closed_at=timezone.now(), closed_by=user, closed_by_name=_name(user)
        )
        _hold_writers()
        problems = blockers(year)
        if problems:
            raise ValidationError(
                [f"{problem.message}: {problem.count}" for problem in problems], code="blocked"
            )
        day = timezone.localdate()
        done = 1
        with translation.override(settings.LANGUAGE_CODE):
            for name in annual.FORMS:
                report(done, name, "figures")
                form = annual.build(name, year, stale_ok=False)
                report(done + 1, name, CopyFormat.PDF)
                # The whole form, even one whose download is its contents volume: a copy
                # of record is complete, and a closing is a background job.
                files = {CopyFormat.PDF: output.render(form, "pdf", day, whole=True)}
                report(done + 2, name, CopyFormat.XLSX)
                files[CopyFormat.XLSX] = output.render(form, "xlsx", day)
                report(done + 3, name, CopyFormat.JSON)
                files[CopyFormat.JSON] = output.render_json(form)
                done += len(CLOSING_STEPS)
                RecordCopy.objects.bulk_create(
                    RecordCopy(
                        closing=closing,
                        form=name,
                        fmt=fmt,
                        content=content,
                        size_bytes=len(content),
                        sha256=sha256(content),
                    )
                    for fmt, content in files.items()
                )
        return closing

    return locks.run_in_transaction(work)


def reopen(year: int, user, reason: str) -> YearClosing:
    """Reopen the closed `year` with a reason; ValidationError when it is not closed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for reopening the year."), code="reason")
    with transaction.atomic():
        closing = (
            YearClosing.objects.select_for_update().filter(year=year, reopened_at__isnull=True)
        ).first()
        if closing is None:
            raise ValidationError(
                _("The year %(year)s is not closed.") % {"year": year}, code="open"
            )
        closing.reopened_at = timezone.now()
        closing.reopened_by = user
        closing.reopened_by_name = _name(user)
        closing.reopen_reason = reason
        closing.save(
            update_fields=["reopened_at", "reopened_by", "reopened_by_name", "reopen_reason"]
        )
    return closing


def verified_content(copy: RecordCopy) -> bytes:
    """The copy's bytes, checked against its SHA-256; ValidationError if they differ."""
    content = bytes(copy.content)
    if sha256(content) != copy.sha256:
        raise ValidationError(altered_message(), code="altered")
    return content


# Differences from the copy of record ------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    row: str
    column: str
    recorded: object
    current: object


def _keyed(figures: dict, identity: tuple[str, ...]) -> dict[tuple, dict]:
    header = figures["header"]
    rows = {}
    for values in figures["rows"]:
        row = dict(zip(header, values, strict=True))
        rows[tuple(row.get(key) for key in identity)] = row
    return rows


def compare(recorded: dict, current: dict, name: str) -> list[Difference]:
    """Figure by figure, what differs between two sets of a form's figures (output.figures):
    a row only on one side shows its figures against nothing."""
    identity = IDENTITY[name]
    before, after = _keyed(recorded, identity), _keyed(current, identity)
    columns = list(dict.fromkeys([*recorded["header"], *current["header"]]))
    columns = [c for c in columns if c not in identity]
    differences = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        label = " / ".join(str(part) for part in key if part not in (None, ""))
        if name == "programme" and key[0] in KEY_LABELS:
            label = f"{KEY_LABELS[key[0]]} ({key[0]})"
        for column in columns:
            a = old.get(column) if old is not None else None
            b = new.get(column) if new is not None else None
            if a != b:
                differences.append(Difference(label, column, a, b))
    return differences


def recorded_figures(closing: YearClosing, name: str) -> dict | None:
    copy = closing.copies.filter(form=name, fmt=CopyFormat.JSON).first()
    if copy is None:
        return None
    return json.loads(verified_content(copy))


def differences(closing: YearClosing, name: str) -> list[Difference] | None:
    """The figures of form `name` that differ now from `closing`'s copy of record (None when
    it has no copy of that form). Computed in the programme's language, as the copy was."""
    recorded = recorded_figures(closing, name)
    if recorded is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        figures = output.figures(annual.build(name, closing.year))
    return compare(recorded, figures, name)


# changed_forms' mark of a form whose copy of record no longer matches its SHA-256.
ALTERED = "altered"


def changed_forms(closing: YearClosing) -> dict[str, int | str]:
    """{form: how many of its figures differ from the copy of record}; ALTERED for a form
    whose copy of record's bytes no longer match their SHA-256 (nothing can be compared)."""
    counts: dict[str, int | str] = {}
    for name in annual.FORMS:
        try:
            found = differences(closing, name)
        except ValidationError as error:
            if error.code != "altered":
                raise
            counts[name] = ALTERED
            continue
        counts[name] = len(found) if found is not None else 0
    return counts


def altered_message() -> str:
    """What a page says of a copy of record whose bytes no longer match their SHA-256."""
    return _("This copy of record does not match its SHA-256: it was altered.")
