"""`manage.py bench --load`: the app under gunicorn with readers, a writer and concurrent writes.

At one scale (seeded, or reused with --reuse) on PostgreSQL:

1. gunicorn serves the app as in production (deploy/gunicorn.conf.py, 3 workers, DEBUG off,
   static files collected into a folder of the run), on a free port of 127.0.0.1, with the
   task worker (`manage.py db_worker`) beside it and the figures in Redis (REDIS_URL);
2. six reader threads loop over the main pages (dashboards, programme summary, claims,
   trends, the annual forms on screen, a few lists) for `duration` seconds, then again with
   one writer: an administrator who, every 5 s, unlocks a verified annual report with a
   reason, changes a value in the entry grid, submits and verifies it, all over HTTP, so
   that every figure built on verified discharge changes; the value is put back at the end;
3. the resident memory of each gunicorn worker after the start, after the warm-up and at
   the end;
4. three write paths: eight EPB users saving the reports of the same two enterprises at
   once over HTTP (count of 5xx); then a small write while a 20,000-row discharge import is
   in its transaction (how long it waits, and whether its database backend ever waited on a
   lock), and eight writers on eight enterprises, each in a transaction of about 1 s (the
   wall time of all eight). These writers, the import and the eight, each run in a process of
   their own (bench/worker.py), as in production, where they are different gunicorn workers:
   in one process they would wait for each other's Python work (the GIL), not the database.

Every loop is bounded in time and count, every request goes to 127.0.0.1, and gunicorn is
stopped at the end even on error. Times are for docs/benchmarks.md, never for assertions.
"""

import contextlib
import csv
import datetime
import io
import json
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.urls import reverse

from bench.client import HttpUser, forms_of
from bench.scale import LAST_YEAR, ScaleSpec, bench_users

WORKERS = 3
READERS = 6
WRITER_EVERY_S = 5
HTTP_WRITERS = 8
HTTP_WRITER_ROUNDS = 5
IMPORT_ROWS = 20_000
IMPORT_HOLD_S = 3.0  # the import keeps its written rows this long before its commit's work
SMALL_WRITE_PAUSE_S = 0.05
LOCK_POLL_S = 0.005
SLOW_TRANSACTION_S = 1.0
CONCURRENT_WRITERS = 8
# Goals
WRITER_RATIO_GOAL = 1.5  # reader p95 with the writer against without it
GOAL_PAGE_P95_MS = 500  # the dashboards, the programme form and the claims page, with the writer
SMALL_WRITE_GOAL_MS = 100
CONCURRENT_GOAL_S = 2.0
WORKER_GROWTH_GOAL_MB = 50  # no worker keeps its own copies of a province's figures and forms
MAX_REQUESTS_PER_READER = 100_000
START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 30
BEGIN = "<!-- bench --load: begin -->"
END = "<!-- bench --load: end -->"


# -- pure parts -----------------------------------------------------------------------------
def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class LoadPage:
    label: str
    role: str  # "leadership" or "epb_staff": whose session reads it
    url: str
    goal: bool = False  # held to GOAL_PAGE_P95_MS with the writer


def load_pages(year: int = LAST_YEAR) -> list[LoadPage]:
    """The pages the readers loop over."""
    from reports import annual

    query = f"?year={year}"
    pages = [
        LoadPage("Leadership dashboard", "leadership", reverse("reports:dashboard") + query, True),
        LoadPage("EPB dashboard", "epb_staff", reverse("reports:epb_dashboard") + query, True),
        LoadPage(
            "Programme summary (form)",
            "leadership",
            reverse("reports:form", args=["programme"]) + query,
            True,
        ),
        LoadPage("Claimed against measured", "leadership", reverse("reports:claims") + query, True),
        LoadPage("Trends", "leadership", reverse("reports:trends") + query),
    ]
    for name in annual.FORMS:
        if name != "programme":
            pages.append(
                LoadPage(f"Form {name}", "leadership", reverse("reports:form", args=[name]) + query)
            )
    pages += [
        LoadPage("Enterprise register", "epb_staff", reverse("enterprises:list")),
        LoadPage("Discharge reports", "epb_staff", reverse("enterprises:report_list")),
        LoadPage("Audits", "epb_staff", reverse("audits:list")),
        LoadPage("Programme enterprises", "leadership", reverse("reports:enterprises")),
    ]
    return pages


@dataclass
class PageSamples:
    ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)  # status (or exception) -> count

    def add_error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    @property
    def p50(self) -> float | None:
        return percentile(self.ms, 0.5)

    @property
    def p95(self) -> float | None:
        return percentile(self.ms, 0.95)


@dataclass
class WriterStats:
    changes: int = 0
    cycle_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    report: str = ""


@dataclass
class ProcessMemory:
    label: str
    pid: int
    rss_mb: dict[str, float | None] = field(default_factory=dict)  # moment -> MB
    pss_end_mb: float | None = None

    @property
    def growth_mb(self) -> float | None:
        warm, end = self.rss_mb.get("after warm-up"), self.rss_mb.get("end")
        return None if warm is None or end is None else end - warm


@dataclass
class WriteResults:
    http_requests: int = 0
    http_statuses: dict[str, int] = field(default_factory=dict)
    http_wall_s: float = 0.0
    import_rows: int = 0
    import_s: float = 0.0
    small_baseline_ms: list[float] = field(default_factory=list)
    small_during_ms: list[float] = field(default_factory=list)  # parsing, validating, writing
    small_holding_ms: list[float] = field(default_factory=list)  # rows written, commit's work
    small_lock_waits: dict[str, int] = field(default_factory=dict)  # phase -> waits seen
    small_blocked_by_import: bool = False
    lock_polls: int = 0
    import_hold_s: float = 0.0
    import_pid: int | None = None
    concurrent_lock_waits: int | None = None
    concurrent_wall_s: float | None = None
    concurrent_each_s: list[float] = field(default_factory=list)
    concurrent_errors: list[str] = field(default_factory=list)
    import_error: str = ""

    @property
    def http_5xx(self) -> int:
        """Answers 500–599, to a save or to the grid page before it."""
        return sum(
            count
            for status, count in self.http_statuses.items()
            if status[:3].isdigit() and status.startswith("5")
        )

    @property
    def http_failed(self) -> int:
        """Saves that got no HTTP answer at all (connection reset, timeout, failed login)."""
        return sum(
            count for status, count in self.http_statuses.items() if not status[:3].isdigit()
        )


@dataclass
class LoadResult:
    name: str
    spec: ScaleSpec
    seed_seconds: float | None
    duration: float
    pages: list[LoadPage]
    without: dict[str, PageSamples]
    with_writer: dict[str, PageSamples]
    writer: WriterStats
    memory: list[ProcessMemory]
    writes: WriteResults
    counts: dict[str, int] = field(default_factory=dict)
    warmup_s: float = 0.0
    cache: str = ""  # where the figures are cached (the workers' settings are these)


# -- the document ---------------------------------------------------------------------------
def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**not met**")


def _errors(samples: PageSamples) -> str:
    if not samples.errors:
        return ""
    return " (" + ", ".join(f"{count} × {what}" for what, count in samples.errors.items()) + ")"


def _ratio(without: PageSamples, with_writer: PageSamples) -> float | None:
    if without.p95 is None or with_writer.p95 is None:
        return None
    return with_writer.p95 / max(without.p95, 0.01)


def render_load(result: LoadResult, command: str) -> str:
    """The Markdown section (between BEGIN and END markers) for docs/benchmarks.md.

    Long: the section written top to bottom, table by table."""
    counts = ", ".join(f"{v:,} {k}" for k, v in result.counts.items())
    seeded = (
        f"seeded in {result.seed_seconds:.0f} s"
        if result.seed_seconds is not None
        else "data reused"
    )
    writer = result.writer
    cycle = percentile(writer.cycle_ms, 0.5)
    lines = [
        BEGIN,
        "## Under load: gunicorn, six readers, one writer",
        "",
        f"Produced by `{command}` on {datetime.date.today().isoformat()}, scale "
        f"**{result.name}**: {result.spec.label}: {counts}; {seeded}.",
        "",
        "The production configuration: gunicorn started with `--config "
        f"deploy/gunicorn.conf.py` ({WORKERS} sync workers and the address through "
        "WEB_CONCURRENCY and BENXI_BIND; the production settings, with the static files "
        "collected uncompressed into a folder of the run: bench/settings_gunicorn.py), the "
        "task worker (`manage.py db_worker --no-reload`) running beside it for the whole "
        "run, DEBUG off, on the same machine and database; "
        f"figures cached {result.cache or 'as configured'}. "
        f"{READERS} reader threads loop over the pages below (each request timed whole, as "
        f"the reader sees it), {result.duration:.0f} s without and then {result.duration:.0f} s "
        f"with one writer: an administrator who every {WRITER_EVERY_S} s unlocks a verified "
        "annual report (with a reason; it goes back to submitted), changes a value in the "
        "entry grid and verifies it again, over HTTP, so that every figure built on verified "
        "discharge changes; the value is put back at the end "
        f"({writer.report}; {writer.changes} changes, a cycle (unlock, grid, save, verify) took "
        f"{_ms(cycle)} ms at the median"
        + (f"; {len(writer.failures)} failed: {writer.failures[0]}" if writer.failures else "")
        + f"). Before both, a warm-up of {result.warmup_s:.0f} s (two passes of every "
        "reader) that is not counted. p50 / p95 in ms; failed requests are left out of the "
        "times and shown beside the page.",
        "",
        "| page | requests without | p50 / p95 without | requests with | p50 / p95 with "
        "| p95 with / without | goal | met |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    every_without, every_with = PageSamples(), PageSamples()
    for page in result.pages:
        without = result.without.get(page.label, PageSamples())
        with_writer = result.with_writer.get(page.label, PageSamples())
        every_without.ms += without.ms
        every_with.ms += with_writer.ms
        ratio = _ratio(without, with_writer)
        goals = [f"≤ {WRITER_RATIO_GOAL}×"]
        oks = [ratio is not None and ratio <= WRITER_RATIO_GOAL]
        if page.goal:
            goals.append(f"p95 with < {GOAL_PAGE_P95_MS} ms")
            oks.append(with_writer.p95 is not None and with_writer.p95 < GOAL_PAGE_P95_MS)
        if without.errors or with_writer.errors:
            oks.append(False)
        shown_ratio = "—" if ratio is None else f"{ratio:.2f}×"
        lines.append(
            f"| {page.label} | {len(without.ms)}{_errors(without)} | "
            f"{_ms(without.p50)} / {_ms(without.p95)} | "
            f"{len(with_writer.ms)}{_errors(with_writer)} | "
            f"{_ms(with_writer.p50)} / {_ms(with_writer.p95)} | "
            f"{shown_ratio} | {'; '.join(goals)} | {_met(all(oks))} |"
        )
    ratio = _ratio(every_without, every_with)
    lines += [
        f"| **all pages** | {len(every_without.ms)} | {_ms(every_without.p50)} / "
        f"{_ms(every_without.p95)} | {len(every_with.ms)} | {_ms(every_with.p50)} / "
        f"{_ms(every_with.p95)} | {'—' if ratio is None else f'{ratio:.2f}×'} | "
        f"≤ {WRITER_RATIO_GOAL}× | {_met(ratio is not None and ratio <= WRITER_RATIO_GOAL)} |",
        "",
        "### Worker memory",
        "",
        "Resident memory (RSS) of each gunicorn process after the start, after the warm-up "
        "(every page computed at least once) and at the end of both runs; PSS (memory shared "
        "between processes counted in shares) at the end. A worker that kept its own copy of "
        "each version of the figures and forms would grow with every change the writer made.",
        "",
        "| process | RSS start MB | RSS after warm-up MB | RSS end MB | PSS end MB "
        "| growth while measured | goal | met |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for process in result.memory:
        rss = process.rss_mb
        growth = process.growth_mb
        worker = process.label != "master"
        ok = None if not worker or growth is None else growth < WORKER_GROWTH_GOAL_MB
        lines.append(
            f"| {process.label} (pid {process.pid}) | {_mb(rss.get('start'))} | "
            f"{_mb(rss.get('after warm-up'))} | {_mb(rss.get('end'))} | "
            f"{_mb(process.pss_end_mb)} | {_mb(growth)} | "
            f"{f'< {WORKER_GROWTH_GOAL_MB} MB' if worker else '—'} | {_met(ok)} |"
        )
    writes = result.writes
    statuses = ", ".join(
        f"{count} × {status}" for status, count in sorted(writes.http_statuses.items())
    )
    alone = percentile(writes.small_baseline_ms, 0.5)
    holding = max(writes.small_holding_ms) if writes.small_holding_ms else None
    extra = None if holding is None or alone is None else holding - alone
    small_ok = None if extra is None else extra < SMALL_WRITE_GOAL_MS
    if writes.import_error:
        small_ok = False
    http_ok = writes.http_requests > 0 and not writes.http_5xx and not writes.http_failed
    wall = writes.concurrent_wall_s
    concurrent_ok = (
        None if wall is None else wall <= CONCURRENT_GOAL_S and not writes.concurrent_errors
    )
    waits = writes.small_lock_waits
    failed = f"; failed: {writes.import_error}" if writes.import_error else ""
    lines += [
        "",
        "### Writes at the same time",
        "",
        "The small write, the import and each of the eight writers run in a process of their "
        "own, as a user's save and a bureau's import do in two gunicorn workers. A lock wait is "
        "seen when the writer's database backend shows `wait_event_type = 'Lock'` in "
        f"`pg_stat_activity`, polled every {LOCK_POLL_S * 1000:.0f} ms "
        f"({writes.lock_polls:,} polls during the small writes): a slow write with no lock wait "
        "waited for the CPU or the disk, not for a row the import holds.",
        "",
        "| measurement | result | goal | met |",
        "|---|---|---|---|",
        f"| {HTTP_WRITERS} EPB users (each logged in) saving the entry grid of the same report "
        f"of two enterprises ({HTTP_WRITERS // 2} on each) at once, {HTTP_WRITER_ROUNDS} rounds "
        f"(the first creates the reports), over HTTP against gunicorn | {writes.http_requests} "
        f"saves in {writes.http_wall_s:.1f} s: {statuses or 'none'} (302: saved; 200: the grid "
        f"shown again with a message) | no HTTP 5xx, no dropped "
        f"request | {_met(http_ok)} |",
        "| a small write (one value of a draft report of an enterprise outside the import's "
        "file, through the workflow's save_report), alone | "
        + _small(writes.small_baseline_ms, waits.get("alone", 0))
        + " | — | — |",
        f"| the same, while a {writes.import_rows:,}-row discharge import in another process "
        f"parses, validates and writes its rows ({writes.import_s:.1f} s) | "
        + _small(writes.small_during_ms, waits.get("import", 0))
        + failed
        + " | — (CPU shared with the import) | — |",
        f"| the same, while the import holds its written rows {writes.import_hold_s:.0f} s and "
        "then does its commit's work (the deferred triggers that move the cache tokens), then "
        "rolls back (the data stays as seeded); a write that overlapped this counts here | "
        + _small(writes.small_holding_ms, waits.get("holding", 0) + waits.get("released", 0))
        + (
            f"; the longest waited {_ms(extra)} ms more than the median alone"
            if extra is not None
            else ""
        )
        + ("; blocked by the import's backend" if writes.small_blocked_by_import else "")
        + failed
        + f" | the longest waits < {SMALL_WRITE_GOAL_MS} ms more than the median alone "
        f"| {_met(small_ok)} |",
        f"| {CONCURRENT_WRITERS} writers on {CONCURRENT_WRITERS} enterprises at once, each in "
        "its own process, saving a draft report through save_report then waiting "
        f"{SLOW_TRANSACTION_S:.0f} s in its transaction (rolled back) | all done in "
        f"{'—' if wall is None else f'{wall:.2f}'} s "
        f"(each {', '.join(f'{s:.2f}' for s in sorted(writes.concurrent_each_s))} s)"
        + (
            f"; {writes.concurrent_lock_waits} lock waits seen"
            if writes.concurrent_lock_waits is not None
            else ""
        )
        + (f"; errors: {writes.concurrent_errors[0]}" if writes.concurrent_errors else "")
        + f" | ≤ {CONCURRENT_GOAL_S:.0f} s (not {CONCURRENT_WRITERS} × "
        f"{SLOW_TRANSACTION_S:.0f} s) | {_met(concurrent_ok)} |",
        END,
    ]
    return "\n".join(lines) + "\n"


def _small(ms: list[float], waits: int) -> str:
    """Median and longest of some small writes, with the lock waits seen meanwhile."""
    if not ms:
        return "no write"
    return (
        f"median {_ms(percentile(ms, 0.5))} ms, longest {_ms(max(ms))} ms of {len(ms)} writes; "
        f"{waits} lock waits seen"
    )


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def marked(document: str, begin: str, end: str) -> str | None:
    """The part of `document` from the marker `begin` to the marker `end` (both included,
    with a newline), or None where it has none."""
    start, stop = document.find(begin), document.find(end)
    if start == -1 or stop < start:
        return None
    return document[start : stop + len(end)] + "\n"


def replace_marked(
    document: str,
    begin: str,
    end: str,
    section: str,
    *,
    after: tuple[str, ...] = (),
    before: tuple[str, ...] = ("\n## Notes",),
) -> str:
    """`document` with its part between the markers `begin` and `end` replaced by `section`.
    Where it has none, the section goes after the first of `after` found, or else before the
    first of `before` found (a marker that starts with a newline keeps it), or at the end."""
    start, stop = document.find(begin), document.find(end)
    if start != -1 and stop > start:
        return document[:start] + section.rstrip("\n") + document[stop + len(end) :]
    for marker in after:
        at = document.find(marker)
        if at != -1:
            cut = at + len(marker)
            return document[:cut] + "\n\n" + section.rstrip("\n") + document[cut:]
    for marker in before:
        at = document.find(marker)
        if at != -1:
            at += 1 if marker.startswith("\n") else 0
            return document[:at] + section + "\n" + document[at:]
    return document.rstrip("\n") + "\n\n" + section


def merge_section(document: str, section: str) -> str:
    """`document` with its load section replaced by `section` (inserted before the notes,
    or at the end, where it has none)."""
    return replace_marked(document, BEGIN, END, section)


def load_section(document: str) -> str | None:
    return marked(document, BEGIN, END)


# -- readers and writer ---------------------------------------------------------------------
def read_pages(
    users: dict[str, HttpUser],
    pages: list[LoadPage],
    samples: dict[str, PageSamples],
    lock: threading.Lock,
    *,
    until: float,
    offset: int = 0,
    passes: int | None = None,
    max_requests: int = MAX_REQUESTS_PER_READER,
) -> int:
    """One reader: loop over `pages` (starting at `offset`) until `until` (a perf_counter
    time), `passes` full passes or `max_requests`, whichever comes first."""
    done = 0
    order = pages[offset % len(pages) :] + pages[: offset % len(pages)]
    while done < max_requests and time.perf_counter() < until:
        if passes is not None and done >= passes * len(order):
            break
        page = order[done % len(order)]
        done += 1
        try:
            response = users[page.role].get(page.url)
        except OSError as error:
            with lock:
                samples.setdefault(page.label, PageSamples()).add_error(type(error).__name__)
            continue
        with lock:
            entry = samples.setdefault(page.label, PageSamples())
            if response.status == 200:
                entry.ms.append(response.ms)
            else:
                entry.add_error(f"HTTP {response.status}")
    return done


def run_readers(
    users: dict[str, HttpUser],
    pages: list[LoadPage],
    seconds: float,
    *,
    readers: int = READERS,
    passes: int | None = None,
    samples: dict[str, PageSamples] | None = None,
) -> dict[str, PageSamples]:
    """`readers` threads, each with its own copy of the sessions, for `seconds`; `samples`:
    the dict to fill as they go (read by another thread during the run), else a new one."""
    samples = {} if samples is None else samples
    lock = threading.Lock()
    until = time.perf_counter() + seconds
    threads = []
    step = max(1, len(pages) // readers)
    for number in range(readers):
        own = {role: user.copy() for role, user in users.items()}
        thread = threading.Thread(
            target=read_pages,
            args=(own, pages, samples, lock),
            kwargs={"until": until, "offset": number * step, "passes": passes},
            name=f"bench-reader-{number}",
            daemon=True,
        )
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join(seconds + 2 * START_TIMEOUT_S)
    return samples


class Writer(threading.Thread):
    """Every WRITER_EVERY_S seconds: unlock, change a value in the grid, submit, verify.

    `verifier` (another user: whoever entered a report may not verify it) verifies."""

    def __init__(self, user: HttpUser, report, until: float, verifier: HttpUser):
        super().__init__(name="bench-writer", daemon=True)
        self.user, self.until, self.verifier = user, until, verifier
        self.detail = reverse("enterprises:report_detail", args=[report.pk])
        self.unlock = reverse("enterprises:report_unlock", args=[report.pk])
        self.submit = reverse("enterprises:report_submit", args=[report.pk])
        self.verify = reverse("enterprises:report_verify", args=[report.pk])
        self.entry = report.entry_url
        self.pk = report.pk
        self.stats = WriterStats(report=f"report {report} (id {report.pk})")
        self.original: str | None = None
        self.field = ""

    def cycle(self, amount: Callable[[Decimal], Decimal]) -> None:
        """One verified change: unlock (the report goes back to submitted), save one changed
        amount in the grid, submit where the status asks for it, verify."""
        from enterprises.models import DischargeReport

        # A cycle cut short (a failed request) leaves the report unlocked: go on from there.
        if DischargeReport.objects.filter(pk=self.pk, status="verified").exists():
            token = self.user.form(self.detail, "reason").get("csrfmiddlewaretoken")
            answer = self.user.post(
                self.unlock,
                [("csrfmiddlewaretoken", token), ("reason", "Benchmark: a verified value changes")],
            )
            _expect(answer, "unlock")
        grid = self.user.form(self.entry, "rows-TOTAL_FORMS")
        if not self.field:
            self.field = next(
                name
                for name, value in grid.fields
                if name.startswith("rows-") and name.endswith("-amount") and value
            )
            self.original = grid.get(self.field)
        grid.set(self.field, f"{amount(Decimal(self.original)):.4f}")
        grid.set("action", "save")
        _expect(self.user.post(self.entry, grid.fields), "save")
        if DischargeReport.objects.filter(pk=self.pk, status__in=("draft", "returned")).exists():
            token = self.user.form(self.detail, "csrfmiddlewaretoken").get("csrfmiddlewaretoken")
            _expect(self.user.post(self.submit, [("csrfmiddlewaretoken", token)]), "submit")
        # The confirmation page's form; a serious flag needs its acknowledgement.
        confirm = self.verifier.form(self.verify, "confirm")
        confirm.set("acknowledge", "1")
        _expect(self.verifier.post(self.verify, confirm.fields), "verify")
        if not DischargeReport.objects.filter(pk=self.pk, status="verified").exists():
            raise RuntimeError("the report is not verified after the cycle")

    def run(self) -> None:
        try:
            self._loop()
        finally:
            connections.close_all()

    def _loop(self) -> None:
        number = 0
        next_at = time.perf_counter()
        limit = int((self.until - next_at) / WRITER_EVERY_S) + 2
        while number < limit and time.perf_counter() < self.until:
            number += 1
            start = time.perf_counter()
            try:
                self.cycle(lambda value, n=number: value * (1 + Decimal(n % 7 + 1) / 100))
            except (OSError, RuntimeError, StopIteration) as error:
                self.stats.failures.append(f"{type(error).__name__}: {error}")
            else:
                self.stats.changes += 1
                self.stats.cycle_ms.append((time.perf_counter() - start) * 1000)
            next_at += WRITER_EVERY_S
            time.sleep(max(0.0, min(next_at, self.until) - time.perf_counter()))

    def restore(self) -> None:
        """Put the original value back, through the same steps."""
        if self.original is not None:
            try:
                self.cycle(lambda _value: Decimal(self.original))
            finally:
                connections.close_all()


def _expect(response, step: str) -> None:
    if response.status != 302:
        raise RuntimeError(f"{step}: HTTP {response.status}")


# -- gunicorn -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn serving the app on 127.0.0.1 in a process group of its own; `stop` always
    ends it (TERM, then KILL)."""

    def __init__(
        self,
        workdir: Path,
        workers: int = WORKERS,
        log=print,
        *,
        secret: str | None = None,
        replica: bool | None = None,
        collect: bool = True,
        task_worker: bool = True,
        access_format: str | None = None,
        database: str | None = None,
    ):
        """`secret`: the SECRET_KEY of several nodes of one site (else one of its own);
        `replica`: False leaves DATABASE_REPLICA_URL out of its environment; `collect`: False
        when another server of the run collected the static files already; `task_worker`:
        the task queue's worker (`manage.py db_worker`) runs beside it, as `make serve` runs
        it; `access_format`: gunicorn's access log on (BENXI_ACCESS_LOG=1) in that format;
        `database`: its DATABASE_URL, when not this process's environment's."""
        self.workdir, self.workers, self.log = workdir, workers, log
        self.secret, self.replica, self.collect = secret, replica, collect
        self.task_worker, self.access_format = task_worker, access_format
        self.database = database
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.worker_process: subprocess.Popen | None = None
        self.static_root = workdir / "static"
        self.log_path = workdir / f"gunicorn-{self.port}.log"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings_gunicorn",
                "BENCH_STATIC_ROOT": str(self.static_root),
                "DEBUG": "0",
                "SECRET_KEY": self.secret or secrets.token_urlsafe(40),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "PYTHONUNBUFFERED": "1",
                # deploy/gunicorn.conf.py reads its address and worker count from these
                "BENXI_BIND": f"127.0.0.1:{self.port}",
                "WEB_CONCURRENCY": str(self.workers),
            }
        )
        if self.access_format:
            env["BENXI_ACCESS_LOG"] = "1"
        if self.database:
            env["DATABASE_URL"] = self.database
        env.setdefault("BENXI_VAR_DIR", str(self.workdir / "var"))
        if self.replica is False:
            env.pop("DATABASE_REPLICA_URL", None)
        return env

    def start(self) -> None:
        env = self.environment()
        base = Path(settings.BASE_DIR)
        # DEBUG off: the manifest storage needs collected files for {% static %}.
        if self.collect:
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=base,
                env=env,
                check=True,
                timeout=600,
            )
        # The production configuration: deploy/gunicorn.conf.py, as `make serve` starts it.
        command = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"]
        if self.access_format:
            command += ["--access-logformat", self.access_format]
        with open(self.log_path, "wb") as output:
            self.process = subprocess.Popen(
                command,
                cwd=base,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if self.task_worker:
            with open(self.workdir / f"db_worker-{self.port}.log", "wb") as output:
                self.worker_process = subprocess.Popen(
                    [sys.executable, "manage.py", "db_worker", "--no-reload", "--verbosity", "0"],
                    cwd=base,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        deadline = time.perf_counter() + START_TIMEOUT_S
        probe = HttpUser("127.0.0.1", self.port, timeout=10)
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{self.tail()}")
            try:
                if probe.get("/login/").status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_S} s:\n{self.tail()}")

    def full_log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def tail(self) -> str:
        return self.full_log()[-3000:]

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        children = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:  # the parent pid
                children.append(int(entry))
        return sorted(children)

    def stop(self) -> None:
        for process in (self.worker_process, self.process):
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(STOP_TIMEOUT_S)


def _proc_mb(path: str, field: str) -> float | None:
    """A memory figure of /proc (`field:` in kB, e.g. VmRSS, Pss) in MB; None when gone."""
    try:
        with open(path, encoding="ascii") as lines:
            for line in lines:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb(pid: int) -> float | None:
    return _proc_mb(f"/proc/{pid}/status", "VmRSS")


def pss_mb(pid: int) -> float | None:
    return _proc_mb(f"/proc/{pid}/smaps_rollup", "Pss")


# -- the write paths ------------------------------------------------------------------------
def http_writers(server_port: int, users: list[tuple[str, str]], enterprises: list[int]) -> tuple:
    """HTTP_WRITERS logged-in EPB users save the grid of the same new report of two
    enterprises at once, HTTP_WRITER_ROUNDS rounds. Returns (statuses, requests, seconds)."""
    year = LAST_YEAR + 1
    browsers = [HttpUser("127.0.0.1", server_port) for _user in users]
    statuses: dict[str, int] = {}
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(browsers), timeout=START_TIMEOUT_S)
    from enterprises.models import entry_url

    def save(number: int, browser: HttpUser) -> None:
        url = entry_url(enterprises[number % 2], year, "M01")
        try:
            browser.login(*users[number])
        except (OSError, RuntimeError) as error:
            barrier.abort()
            with lock:
                statuses[f"login failed: {error}"] = 1
            return
        for round_number in range(HTTP_WRITER_ROUNDS):
            try:
                page = browser.get(url)
                grids = [f for f in forms_of(page.text) if "rows-TOTAL_FORMS" in f.names()]
                if page.status != 200 or not grids:
                    raise _NoGrid(f"{page.status} (grid page)")
                grid = grids[0]
                amounts = [n for n, _v in grid.fields if n.endswith("-amount")]
                for position, name in enumerate(amounts[:3]):
                    grid.set(name, f"{10 + number + round_number + position}.5")
                grid.set("action", "save")
                barrier.wait()
                answer = browser.post(url, grid.fields)
                what = str(answer.status)
                with lock:
                    spans.append((time.perf_counter() - answer.ms / 1000, time.perf_counter()))
            except threading.BrokenBarrierError:
                what = "barrier broken"
            except _NoGrid as missing:
                what = str(missing)
                barrier.abort()
            except OSError as error:
                what = type(error).__name__
                barrier.abort()
            with lock:
                statuses[what] = statuses.get(what, 0) + 1

    threads = [
        threading.Thread(target=save, args=(n, b), daemon=True, name=f"bench-epb-{n}")
        for n, b in enumerate(browsers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HTTP_WRITER_ROUNDS * 2 * START_TIMEOUT_S)
    # the saves' time: from the first POST's start to the last one's end (logins left out)
    wall = max(e for _s, e in spans) - min(s for s, _e in spans) if spans else 0.0
    return statuses, sum(statuses.values()), wall


class _NoGrid(Exception):
    pass


def discharge_file(rows: int, year: int, exclude: int) -> bytes:
    """A discharge file of `rows` rows from `year` on, for every enterprise but `exclude`."""
    from enterprises.models import Enterprise, Pollutant

    codes = list(Pollutant.objects.order_by("position").values_list("code", flat=True))[:10]
    units = dict(Pollutant.objects.values_list("code", "unit"))
    enterprises = list(
        Enterprise.objects.exclude(pk=exclude).order_by("pk").values_list("code", flat=True)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = ["enterprise_code", "year", "period", "pollutant", "amount", "unit", "basis"]
    writer.writerow([*columns, "output_10k_yuan"])
    written, period = 0, 0
    while written < rows:
        period_year, month = year + period // 13, period % 13
        for code in enterprises:
            for pollutant in codes:
                writer.writerow(
                    [
                        code,
                        period_year,
                        f"M{month:02d}" if month else "Y",
                        pollutant,
                        f"{written % 997 * 1.25 + 1:.4f}",
                        units[pollutant],
                        "measured_sampling",
                        "1000.00",
                    ]
                )
                written += 1
                if written >= rows:
                    return buffer.getvalue().encode()
        period += 1
    return buffer.getvalue().encode()


class WorkerProcess:
    """One `python -m bench.worker` process (see bench/worker.py): lines of JSON both ways."""

    def __init__(
        self, mode: str, arguments: dict, on_message: Callable[[dict], None] | None = None
    ):
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - this Python, this repository's module
            [sys.executable, "-m", "bench.worker", mode, json.dumps(arguments)],
            cwd=settings.BASE_DIR,
            env=os.environ.copy(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        self.messages: queue.Queue = queue.Queue()
        self.on_message = on_message
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if self.on_message is not None:
                self.on_message(message)
            self.messages.put(message)
        self.messages.put({"error": f"the worker ended (exit {self.process.wait()})"})

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def expect(self, key: str, timeout: float = START_TIMEOUT_S) -> dict:
        """The next message carrying `key`; RuntimeError on an error or after `timeout`."""
        until = time.monotonic() + timeout
        while True:
            try:
                message = self.messages.get(timeout=max(0.01, until - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"no {key!r} from the worker in {timeout:.0f} s") from None
            if "error" in message:
                raise RuntimeError(f"{message['error']} {self.tail()}".strip())
            if key in message:
                return message

    def write(self, number: int) -> float:
        self.send(f"write {number}")
        return self.expect("ms")["ms"]

    def tail(self) -> str:
        self.stderr.seek(0)
        lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
        return "\n".join(lines[-3:])

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT_S)
        self.stderr.close()


class LockWatch(threading.Thread):
    """Polls pg_stat_activity every LOCK_POLL_S for the backends of `pids`: each time one of
    them starts waiting on a lock (wait_event_type 'Lock') counts one wait, under the phase
    of that moment, with the backends that block it."""

    def __init__(self, pids: list[int]):
        super().__init__(name="bench-lock-watch", daemon=True)
        self.pids = pids
        self.phase = ""
        self.waits: dict[str, int] = {}
        self.blockers: set[int] = set()
        self.polls = 0
        self.stopping = threading.Event()
        self.error = ""

    def run(self) -> None:
        waiting: set[int] = set()
        try:
            with connection.cursor() as cursor:
                while not self.stopping.is_set():
                    cursor.execute(
                        "SELECT pid, CASE WHEN wait_event_type = 'Lock' "
                        "THEN pg_blocking_pids(pid) END FROM pg_stat_activity "
                        "WHERE pid = ANY(%s)",
                        [self.pids],
                    )
                    now = {pid: blocking for pid, blocking in cursor.fetchall() if blocking}
                    for pid in now.keys() - waiting:
                        self.waits[self.phase] = self.waits.get(self.phase, 0) + 1
                        self.blockers.update(now[pid])
                    waiting = set(now)
                    self.polls += 1
                    time.sleep(LOCK_POLL_S)
        except DatabaseError as error:
            self.error = f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopping.set()
        self.join(STOP_TIMEOUT_S)


def small_write_during_import(results: WriteResults, users: dict, rows: int = IMPORT_ROWS):
    """How long a small save in one process waits while a large import in another is in its
    transaction: alone, while the import parses, validates and writes, and while it holds its
    written rows and does its commit's work."""
    from enterprises.models import DischargeReport

    editable = DischargeReport.objects.filter(year=LAST_YEAR, values__isnull=False).order_by(
        "enterprise_id", "period_kind", "period_number"
    )
    draft = editable.filter(status="draft").first() or editable.exclude(status="verified").first()
    if draft is None:
        raise RuntimeError("no report that is not verified to write to")
    value = draft.values.order_by("pollutant__position").first()
    user = users["epb_staff"]
    results.import_rows = rows
    results.import_hold_s = IMPORT_HOLD_S
    state = {"phase": "import"}  # then "holding" (written), then "released"
    watch: LockWatch | None = None

    def follow(message: dict) -> None:
        for phase in ("holding", "released"):
            if message.get("written" if phase == "holding" else phase):
                state["phase"] = phase
                if watch is not None:
                    watch.phase = phase
        if "seconds" in message:
            results.import_s = message["seconds"]

    writer = WorkerProcess("small", {"report": draft.pk, "value": value.pk, "user": user.pk})
    importer = WorkerProcess(
        "import",
        {"rows": rows, "exclude": draft.enterprise_id, "user": user.pk, "hold": IMPORT_HOLD_S},
        on_message=follow,
    )
    try:
        small_pid = writer.expect("ready")["pid"]
        results.import_pid = importer.expect("ready")["pid"]
        watch = LockWatch([small_pid])
        watch.phase = "alone"
        watch.start()
        for number in range(5):
            results.small_baseline_ms.append(writer.write(number))
            time.sleep(SMALL_WRITE_PAUSE_S)
        watch.phase = "import"
        importer.send("go")
        importer.expect("importing")
        number = 0
        while state["phase"] != "released" and number < 10_000:
            if importer.process.poll() is not None:
                break
            before = state["phase"]
            ms = writer.write(number)
            # a write that overlapped the holding (or the commit's work) counts there
            if "holding" in (before, state["phase"]) or state["phase"] == "released":
                results.small_holding_ms.append(ms)
            else:
                results.small_during_ms.append(ms)
            number += 1
            time.sleep(SMALL_WRITE_PAUSE_S)
        importer.expect("released", timeout=3600)
        writer.send("quit")
        writer.expect("done")
    finally:
        if watch is not None:
            watch.stop()
            results.small_lock_waits = dict(watch.waits)
            results.small_blocked_by_import = results.import_pid in watch.blockers
            results.lock_polls = watch.polls
        importer.stop()
        writer.stop()


def concurrent_writers(results: WriteResults, users: dict) -> None:
    """CONCURRENT_WRITERS processes, each saving a new draft report of its own enterprise and
    then holding its transaction SLOW_TRANSACTION_S; all rolled back. Processes and not
    threads: the save's Python work would otherwise take turns under one GIL."""
    from enterprises.models import Enterprise, Pollutant

    enterprises = list(Enterprise.objects.order_by("-pk").values_list("pk", flat=True))
    pollutant = Pollutant.objects.order_by("position").first()
    user = users["epb_staff"]
    workers = []
    watch = None
    try:
        for enterprise in enterprises[:CONCURRENT_WRITERS]:
            arguments = {
                "enterprise": enterprise,
                "pollutant": pollutant.pk,
                "user": user.pk,
                "year": LAST_YEAR + 2,
                "seconds": SLOW_TRANSACTION_S,
            }
            workers.append(WorkerProcess("slow", arguments))
        pids = [worker.expect("ready", timeout=4 * START_TIMEOUT_S)["pid"] for worker in workers]
        watch = LockWatch(pids)
        watch.start()
        for worker in workers:  # every one is set up and connected: start them together
            worker.send("go")
        spans = []
        for worker in workers:
            try:
                answer = worker.expect("end", timeout=10 * START_TIMEOUT_S)
                spans.append((answer["start"], answer["end"]))
            except RuntimeError as error:
                results.concurrent_errors.append(str(error))
    except RuntimeError as error:
        results.concurrent_errors.append(str(error))
        spans = []
    finally:
        if watch is not None:
            watch.stop()
            results.concurrent_lock_waits = sum(watch.waits.values())
        for worker in workers:
            worker.stop()
    if spans:  # from the first writer's start to the last one's end
        results.concurrent_wall_s = max(e for _s, e in spans) - min(s for s, _e in spans)
        results.concurrent_each_s = [e - s for s, e in spans]


# -- the whole run --------------------------------------------------------------------------
EXTRA_EPB_USERS = [f"bench_epb{n}" for n in range(2, HTTP_WRITERS + 1)]


def _login_users(password: str) -> dict[str, object]:
    """The bench users, with a password for this run; seven more EPB users."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    users = bench_users()
    group = Group.objects.get(name="epb_staff")
    for username in EXTRA_EPB_USERS:
        user, _created = User.objects.update_or_create(
            username=username, defaults={"is_staff": False, "is_superuser": False}
        )
        user.groups.set([group])
    # One hash for all of them: a password hash takes about a second on a busy machine.
    User.objects.filter(
        username__in=[*(u.username for u in users.values()), *EXTRA_EPB_USERS]
    ).update(password=make_password(password))
    return users


def _forget_passwords() -> None:
    from django.contrib.auth.models import User

    for user in User.objects.filter(username__startswith="bench_"):
        user.set_unusable_password()
        user.save(update_fields=["password"])


def _writer_report():
    """A verified annual report of the last year of an audited enterprise."""
    from enterprises.models import DischargeReport

    return (
        DischargeReport.objects.filter(
            year=LAST_YEAR, period_kind="Y", status="verified", enterprise__audits__isnull=False
        )
        .select_related("enterprise")
        .order_by("enterprise_id")
        .first()
        or DischargeReport.objects.filter(year=LAST_YEAR, period_kind="Y", status="verified")
        .select_related("enterprise")
        .order_by("enterprise_id")
        .first()
    )


def run_load(
    name: str,
    spec: ScaleSpec,
    *,
    duration: float = 60,
    reuse: bool = False,
    log=print,
) -> LoadResult:
    from bench.benchmark import _counts, prepare
    from enterprises.models import DischargeReport, Enterprise

    if connection.vendor != "postgresql":
        raise RuntimeError("the load benchmark needs PostgreSQL (DATABASE_URL)")
    seconds = prepare(name, spec, reuse=reuse, log=log)
    password = secrets.token_urlsafe(18)
    users = _login_users(password)
    report = _writer_report()
    if report is None:
        raise RuntimeError("no verified annual report of the last year to change")
    enterprises = list(
        Enterprise.objects.exclude(pk=report.enterprise_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:2]
    )
    result = LoadResult(
        name, spec, seconds, duration, load_pages(), {}, {}, WriterStats(), [], WriteResults()
    )
    result.counts = _counts()
    backend = settings.CACHES["default"]["BACKEND"]
    result.cache = (
        "in Redis, shared by the workers (REDIS_URL)"
        if "redis" in backend.lower()
        else "in each worker's memory"
        if "locmem" in backend.lower()
        else f"by {backend}"
    )
    connections.close_all()  # gunicorn and the threads open their own
    try:
        _serve_and_measure(result, report, enterprises, password, log)
        DischargeReport.objects.filter(enterprise__in=enterprises, year=LAST_YEAR + 1).delete()
        log(f"a small write during a {IMPORT_ROWS:,}-row import")
        try:
            small_write_during_import(result.writes, users)
        except (RuntimeError, DatabaseError) as error:
            result.writes.import_error = f"{type(error).__name__}: {error}"
        log(f"{CONCURRENT_WRITERS} writers with {SLOW_TRANSACTION_S:.0f} s transactions")
        concurrent_writers(result.writes, users)
    finally:
        DischargeReport.objects.filter(enterprise__in=enterprises, year=LAST_YEAR + 1).delete()
        _forget_passwords()
    return result


def _serve_and_measure(result: LoadResult, report, enterprises: list[int], password: str, log):
    """Everything that goes through gunicorn; it is stopped at the end, whatever happens."""
    pages = result.pages
    duration = result.duration
    with tempfile.TemporaryDirectory(prefix="benxi-bench-load-") as workdir:
        server = Gunicorn(Path(workdir), log=log)
        try:
            log(f"gunicorn: collectstatic, then {WORKERS} workers on 127.0.0.1:{server.port}")
            server.start()
            memory = {server.process.pid: ProcessMemory("master", server.process.pid)}
            for number, pid in enumerate(server.worker_pids()):
                memory[pid] = ProcessMemory(f"worker {number + 1}", pid)
            _measure_memory(memory, "start")
            sessions = {}
            for role, username in (("leadership", "bench_leader"), ("epb_staff", "bench_epb")):
                sessions[role] = HttpUser("127.0.0.1", server.port)
                sessions[role].login(username, password)
            log("warm-up: two passes of every reader")
            start = time.perf_counter()
            run_readers(sessions, pages, 20 * 60, passes=2)
            result.warmup_s = time.perf_counter() - start
            _measure_memory(memory, "after warm-up")
            log(f"readers only, {duration:.0f} s")
            result.without = run_readers(sessions, pages, duration)
            log(f"readers and a writer, {duration:.0f} s")
            admin = HttpUser("127.0.0.1", server.port)
            admin.login("bench_admin", password)
            # Neither the administrator who changes the value nor bench_epb, whose name the
            # generated reports carry: the separation of duties.
            verifier = HttpUser("127.0.0.1", server.port)
            verifier.login(EXTRA_EPB_USERS[0], password)
            writer = Writer(admin, report, time.perf_counter() + duration, verifier)
            writer.start()
            result.with_writer = run_readers(sessions, pages, duration)
            writer.join(duration + 4 * START_TIMEOUT_S)
            try:
                writer.restore()
            except (OSError, RuntimeError, StopIteration) as error:
                writer.stats.failures.append(f"restoring the value: {error}")
            result.writer = writer.stats
            _measure_memory(memory, "end")
            for process in memory.values():
                process.pss_end_mb = pss_mb(process.pid)
            result.memory = list(memory.values())
            log(f"{HTTP_WRITERS} EPB users saving two enterprises' reports at once")
            statuses, requests, wall = http_writers(
                server.port,
                [("bench_epb", password)] + [(u, password) for u in EXTRA_EPB_USERS],
                enterprises,
            )
            result.writes.http_statuses, result.writes.http_requests = statuses, requests
            result.writes.http_wall_s = wall
        finally:
            server.stop()
            if "Traceback" in server.tail():
                log("gunicorn logged errors (the end of its log):\n" + server.tail())


def _measure_memory(memory: dict[int, ProcessMemory], moment: str) -> None:
    for process in memory.values():
        process.rss_mb[moment] = rss_mb(process.pid)
