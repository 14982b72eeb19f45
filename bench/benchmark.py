"""`manage.py bench`: every main page, the import and the exports, measured at two scales.

For each scale the database is seeded (bench/scale.py), then, in this process through
the Django test client (the whole stack, no network): each page's SQL query count and its
median and 90th-percentile server time over warm repeated requests; the summary and the
dashboards against the bare SQL aggregates behind their figures; the discharge importer's
throughput against a bare bulk_create of the same rows; the peak memory growth of exporting
the whole reports list as CSV and XLSX. The result is a Markdown document.

Imported by the command once the apps are ready (it reaches into every app). Times are for
the table only; the guard test compares query counts, never times.
"""

import csv
import datetime
import io
import os
import platform
import signal
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from bench.scale import LAST_YEAR, ScaleSpec, bench_users, seed
from bench.timing import Timing, _consume, peak_rss_growth_mb, time_callable, time_request

SCALES = {
    # name: spec; "tiny"/"tiny2" are for the guard test (seconds)
    "tiny": ScaleSpec(enterprises=8, years=3, monthly=True),
    "tiny2": ScaleSpec(enterprises=16, years=4, monthly=True, seed=2),
    "small": ScaleSpec(enterprises=60, years=6, monthly=True),
    "city": ScaleSpec(enterprises=500, years=10, monthly=True),
    "province": ScaleSpec(enterprises=5000, years=10, monthly=True),
}
PAGE_GOAL_MS = 300
PDF_GOAL_MS = 5000
SQL_RATIO_GOAL = 3.0
IMPORT_GOAL = 10_000  # rows per second
CSV_MEMORY_GOAL_MB = 100
SEED_GOAL_S = 15 * 60
PAGE_LIMIT_S = 60  # a page still running after this is stopped and shown as timed out
PDF_LIMIT_S = 300  # a full-year PDF is given longer, so that its cached (warm) time is known
TIMED_OUT = -1  # the status recorded for a stopped page


def parse_scale(text: str) -> tuple[str, ScaleSpec]:
    """A named scale, or `NxY` / `NxYm` (m: monthly), e.g. 2000x10m."""
    text = text.strip()
    if text in SCALES:
        return text, SCALES[text]
    monthly = text.endswith("m")
    enterprises, _x, years = text.rstrip("m").partition("x")
    if not (enterprises.isdigit() and years.isdigit()):
        raise ValueError(f"unknown scale {text!r}: a name ({', '.join(SCALES)}) or NxY[m]")
    return text, ScaleSpec(int(enterprises), int(years), monthly)


# -- what is measured -----------------------------------------------------------------------
# The groups of pages (`manage.py bench --groups` times only some of them).
GROUPS = ("list", "api", "detail", "dashboard", "form", "chart", "other")


@dataclass
class Page:
    group: str  # one of GROUPS
    label: str
    role: str
    url: str
    baseline: Callable[[], object] | None = None  # dashboards/summary: the bare SQL
    pdf: bool = False


@dataclass
class PageResult:
    page: Page
    timing: Timing
    bare: Timing | None = None


@dataclass
class ScaleResult:
    name: str
    spec: ScaleSpec
    seed_seconds: float | None
    counts: dict[str, int] = field(default_factory=dict)
    pages: list[PageResult] = field(default_factory=list)
    import_rows: int = 0
    import_rate: float = 0.0
    bulk_rate: float = 0.0
    memory: dict[str, float | None] = field(default_factory=dict)
    export_rows: int = 0


def _reverse(name: str, *args, query: str = "") -> str | None:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def pages() -> list[Page]:
    """Every main page, with the objects picked the same way at every scale.

    Long: one entry per page, in the order the report lists them."""
    from django.db.models import Count

    from audits.models import Audit
    from enterprises.models import DischargeReport

    found: list[Page] = []

    def add(group, label, role, url, **extra):
        if url:
            found.append(Page(group, label, role, url, **extra))

    add("list", "Enterprise register", "epb_staff", _reverse("enterprises:list"))
    add("list", "Audits", "epb_staff", _reverse("audits:list"))
    add("list", "Options", "epb_staff", _reverse("audits:option_list"))
    add("list", "Discharge reports", "epb_staff", _reverse("enterprises:report_list"))
    add("list", "Flagged values", "epb_staff", _reverse("enterprises:flagged_values"))
    add("list", "Programme enterprises", "leadership", _reverse("reports:enterprises"))
    # The permits: their list, the monitoring values, the enforcement cases, and the EPB's
    # landing page, whose queues include the violations without a case (this year's).
    add("list", "Permits", "epb_staff", _reverse("permits:list"))
    add("list", "Monitoring values", "epb_staff", _reverse("permits:monitoring"))
    add("list", "Enforcement cases", "epb_staff", _reverse("permits:cases"))
    add("other", "EPB landing page", "epb_staff", _reverse("home"))
    # The data exchange API's lists (first page of a cursor, as JSON), with the session.
    add("api", "API: enterprises", "epb_staff", _reverse("api:enterprise-list"))
    add("api", "API: audits", "epb_staff", _reverse("api:audit-list"))
    add("api", "API: options", "epb_staff", _reverse("api:option-list"))
    add("api", "API: discharge reports", "epb_staff", _reverse("api:dischargereport-list"))
    # One report: the latest annual report of the enterprise with the most values.
    report = (
        DischargeReport.objects.filter(period_kind="Y", year=LAST_YEAR)
        .annotate(n=Count("values"))
        .order_by("-n", "pk")
        .first()
    )
    if report:
        add(
            "detail", "Report detail", "epb_staff", _reverse("enterprises:report_detail", report.pk)
        )
        add(
            "detail",
            "Enterprise detail",
            "epb_staff",
            _reverse("enterprises:detail", report.enterprise_id),
        )
    audit = Audit.objects.annotate(n=Count("options")).order_by("-n", "pk").first()
    if audit:
        add("detail", "Audit detail", "epb_staff", _reverse("audits:detail", audit.pk))
    add("other", "Targets overview", "leadership", _reverse("targets:overview"))
    year = f"year={LAST_YEAR}"
    from bench import sql as bench_sql

    add(
        "dashboard",
        "Leadership dashboard",
        "leadership",
        _reverse("reports:dashboard", query=year),
        baseline=bench_sql.dashboard,
    )
    add(
        "dashboard",
        "EPB dashboard",
        "epb_staff",
        _reverse("reports:epb_dashboard", query=year),
        baseline=bench_sql.epb_dashboard,
    )
    add("other", "Claimed against measured", "leadership", _reverse("reports:claims", query=year))
    add("other", "Trends", "leadership", _reverse("reports:trends", query=year))
    try:
        from reports import annual, figures
    except ImportError:
        return found
    for name in annual.FORMS:
        summary = name == "programme"  # the programme summary
        for fmt in ("html", "xlsx", "pdf"):
            url = (
                _reverse("reports:form", name, query=year)
                if fmt == "html"
                else _reverse("reports:form_download", name, fmt, query=year)
            )
            label = f"Form {name} ({fmt.upper()})"
            add(
                "form",
                label,
                "leadership",
                url,
                pdf=fmt == "pdf",
                baseline=bench_sql.summary if summary and fmt == "html" else None,
            )
    for name in figures.CHARTS:
        add("chart", f"Chart {name}", "leadership", _reverse("reports:chart", name, query=year))
    return found


# -- running --------------------------------------------------------------------------------
def _clients(users) -> dict[str, Client]:
    clients = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        clients[role] = client
    return clients


class PageTimeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise PageTimeout


def _time_page(client, url: str, repeats: int, limit: float = 0) -> Timing:
    """A cold request (the cache emptied first, as after any change to the records: its
    queries counted and its time kept as `cold_ms`), then warm repeated ones. A page slower
    than `limit` seconds is stopped there (SIGALRM) and recorded as timed out; one whose warm
    request is still over 20 s is recorded from those two requests."""
    from django.core.cache import cache

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    if repeats <= 0:  # quick mode: one counted request, cold (no figure left by a scale before)
        cache.clear()
        return time_request(client, url, repeats=0)
    use_alarm = limit and hasattr(signal, "setitimer")
    cache.clear()
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        with connection.execute_wrapper(count):
            response = client.get(url)
            _consume(response)
    except PageTimeout:
        connection.close()  # it may have been stopped mid-query
        return Timing(
            limit * 1000, limit * 1000, len(executed), TIMED_OUT, limit * 1000, len(executed)
        )
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    _consume(client.get(url))
    warm = time.perf_counter() - start
    if warm > 20:
        return Timing(
            warm * 1000,
            warm * 1000,
            len(executed),
            response.status_code,
            cold * 1000,
            len(executed),
        )
    if warm > 2:  # a multi-second page: fewer repeats
        repeats = min(repeats, 3)
    timing = time_request(client, url, repeats=repeats, warmup=0)  # warmed just above
    timing.cold_ms, timing.cold_queries = cold * 1000, len(executed)
    return timing


def measure(
    name: str,
    spec: ScaleSpec,
    *,
    repeats: int = 7,
    reuse: bool = False,
    import_rows: int = 5000,
    memory: bool = True,
    page_limit: float = PAGE_LIMIT_S,
    skip_groups: tuple[str, ...] = (),
    log=print,
) -> ScaleResult:
    seconds = prepare(name, spec, reuse=reuse, log=log)
    result = ScaleResult(name, spec, seconds, counts=_counts())
    users = bench_users()
    clients = _clients(users)
    for page in pages():
        if page.group in skip_groups:
            continue
        client = clients["administrator"] if page.group == "admin" else clients[page.role]
        limit = max(page_limit, PDF_LIMIT_S) if page.pdf else page_limit
        timing = _time_page(client, page.url, repeats, limit)
        entry = PageResult(page, timing)
        if page.baseline:
            entry.bare = time_callable(page.baseline, repeats=repeats)
        result.pages.append(entry)
        log(f"  {page.label}: {timing.queries} queries, {timing.label} ms (status {timing.status})")
    result.import_rows, result.import_rate, result.bulk_rate = measure_import(
        users["epb_staff"], import_rows
    )
    log(f"  import: {result.import_rate:.0f} rows/s, bulk_create {result.bulk_rate:.0f} rows/s")
    if memory:  # forks: not inside a test's transaction
        result.export_rows, result.memory = measure_exports(clients["epb_staff"])
        log(f"  exports: {result.memory}")
    return result


def prepare(name: str, spec: ScaleSpec, *, reuse: bool = False, log=print) -> float | None:
    """Seed `spec` (or, with `reuse`, keep the data if the database holds that scale), then
    rebuild what is derived from the records. Returns the seconds seeding took, or None."""
    from benxi_cp.models import SiteFlag

    flag = SiteFlag.objects.filter(key="bench_scale").values_list("value", flat=True).first()
    seconds = None
    if not (reuse and flag == spec.label):
        log(f"Seeding {name}: {spec.label} …")
        seeded = seed(spec, force=True)
        seconds = seeded.seconds
        SiteFlag.objects.update_or_create(key="bench_scale", defaults={"value": spec.label})
        log(f"  seeded in {seconds:.1f} s")
    else:
        log(f"Reusing {name}: {spec.label}")
    rebuild_derived(log)
    return seconds


def rebuild_derived(log=print) -> None:
    """Run `rebuild_ledger` where an app provides it: the seed writes with COPY, past any
    code that keeps derived tables, and data seeded before such a table existed lacks it."""
    from django.core.management import call_command, get_commands

    if "rebuild_ledger" not in get_commands():
        return
    start = time.perf_counter()
    call_command("rebuild_ledger", stdout=io.StringIO())
    log(f"  rebuild_ledger in {time.perf_counter() - start:.1f} s")


def _counts() -> dict[str, int]:
    from audits.models import Audit, Option
    from enterprises.models import DischargeReport, DischargeValue, Enterprise

    return {
        "enterprises": Enterprise.objects.count(),
        "audits": Audit.objects.count(),
        "options": Option.objects.count(),
        "reports": DischargeReport.objects.count(),
        "values": DischargeValue.objects.count(),
    }


# -- import ---------------------------------------------------------------------------------
def discharge_rows(count: int, year: int) -> list[dict[str, str]]:
    """`count` rows of the discharge format for a year no report holds yet."""
    from enterprises.models import DischargeValue, Enterprise, Pollutant

    codes = list(Pollutant.objects.order_by("position").values_list("code", flat=True))
    units = dict(Pollutant.objects.values_list("code", "unit"))
    rows = []
    enterprises = Enterprise.objects.order_by("pk").values_list("code", flat=True)
    period = 0
    while len(rows) < count:
        for code in enterprises.iterator():
            for pollutant in codes[:10]:
                rows.append(
                    {
                        "enterprise_code": code,
                        "year": str(year),
                        "period": f"M{period % 12 + 1:02d}" if period else "Y",
                        "pollutant": pollutant,
                        "amount": f"{(len(rows) % 997) * 1.25 + 1:.4f}",
                        "unit": units[pollutant],
                        "basis": "measured_sampling",
                        "output_10k_yuan": "1000.00",
                    }
                )
                if len(rows) >= count:
                    return rows
        period += 1
        if period > 12:
            year += 1
            period = 0
    del DischargeValue
    return rows


def measure_import(user, count: int) -> tuple[int, float, float]:
    """Rows per second of the discharge importer (validation and reliability checks on,
    committed inside a transaction that is rolled back) and of a bare bulk_create."""
    from benxi_cp.importers import get_importer
    from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant

    rows = discharge_rows(count, LAST_YEAR + 1)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    content = buffer.getvalue().encode()
    importer = get_importer("discharge")

    class Rollback(Exception):
        pass

    start = time.perf_counter()
    try:
        with transaction.atomic():
            result = importer(user=user).run(content, "bench.csv", dry_run=False)
            elapsed = time.perf_counter() - start
            if not result.ok:
                raise RuntimeError(f"the benchmark import was refused: {result.errors[:3]}")
            raise Rollback
    except Rollback:
        pass
    import_rate = len(rows) / elapsed

    enterprises = dict(Enterprise.objects.values_list("code", "pk"))
    pollutants = dict(Pollutant.objects.values_list("code", "pk"))
    start = time.perf_counter()
    try:
        with transaction.atomic():
            reports = {}
            for row in rows:
                kind = "Y" if row["period"] == "Y" else "M"
                number = 0 if kind == "Y" else int(row["period"][1:])
                key = (row["enterprise_code"], row["year"], kind, number)
                if key not in reports:
                    reports[key] = DischargeReport(
                        enterprise_id=enterprises[key[0]],
                        year=int(key[1]),
                        period_kind=kind,
                        period_number=number,
                        status="submitted",
                        output_10k_yuan=Decimal(row["output_10k_yuan"]),
                    )
            DischargeReport.objects.bulk_create(reports.values(), batch_size=2000)
            values = []
            for row in rows:
                kind = "Y" if row["period"] == "Y" else "M"
                number = 0 if kind == "Y" else int(row["period"][1:])
                report = reports[(row["enterprise_code"], row["year"], kind, number)]
                values.append(
                    DischargeValue(
                        report_id=report.pk,
                        pollutant_id=pollutants[row["pollutant"]],
                        amount=Decimal(row["amount"]),
                        basis=row["basis"],
                    )
                )
            DischargeValue.objects.bulk_create(values, batch_size=2000)
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return len(rows), import_rate, len(rows) / elapsed


# -- exports --------------------------------------------------------------------------------
def measure_exports(client) -> tuple[int, dict[str, float | None]]:
    from enterprises.models import DischargeReport

    url = reverse("enterprises:report_list")
    memory = {}
    for fmt in ("csv", "xlsx"):
        memory[fmt] = peak_rss_growth_mb(
            lambda fmt=fmt: _consume(client.get(f"{url}?_export={fmt}"))
        )
    return DischargeReport.objects.count(), memory


# -- the document ---------------------------------------------------------------------------
def machine() -> dict[str, str]:
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            kb = int(info.readline().split()[1])
            memory = f"{kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"{connection.vendor} {connection.Database.sqlite_version}"
    return {
        "machine": platform.machine(),
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "database": f"{database} ({connection.settings_dict['NAME']})",
    }


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**not met**")


def _same_count(one: Timing, other: Timing) -> bool:
    """Equal cold counts, and equal warm counts where both pages gave one (a page stopped
    at its time limit has no warm request)."""
    if one.cold_queries != other.cold_queries:
        return False
    if TIMED_OUT in (one.status, other.status):
        return True
    return one.queries == other.queries


def _queries(timing: Timing) -> str:
    if timing.cold_queries is None or timing.cold_queries == timing.queries:
        return str(timing.queries)
    return f"{timing.cold_queries} / {timing.queries}"


def _cold(timing: Timing) -> str:
    if timing.cold_ms is None:
        return "—"
    return f"{timing.cold_ms:,.0f}"


def _ms(timing: Timing | None) -> str:
    if timing is None:
        return "—"
    if timing.status == TIMED_OUT:
        return f"> {timing.median_ms:.0f}"
    return f"{timing.median_ms:.0f} / {timing.p90_ms:.0f}"


def render(results: list[ScaleResult], command: str) -> str:
    """The Markdown of the benchmark report.

    Long: the report written top to bottom, section by section."""
    big = results[-1]
    small = results[0]
    info = machine()
    lines = [
        "# Benchmarks",
        "",
        f"Produced by `{command}` on {datetime.date.today().isoformat()}.",
        "",
        f"- Machine: {info['machine']}, {info['cores']} cores, {info['memory']} memory; "
        f"Python {info['python']}",
        f"- Database: {info['database']}",
    ]
    for result in results:
        counts = ", ".join(f"{v:,} {k}" for k, v in result.counts.items())
        seeded = (
            f"seeded in {result.seed_seconds:.0f} s"
            if result.seed_seconds is not None
            else "data reused"
        )
        lines.append(f"- Scale **{result.name}**: {result.spec.label}: {counts}; {seeded}")
    lines += [
        "- Times are server times through the Django test client in one process with DEBUG "
        "off. *Cold*: the first request with the cache emptied, as after any change to the "
        "records they read (the reports' figures are cached under tokens of the scopes they "
        "read, which writes replace at commit: benxi_cp/datacache.py). *Warm*: median / 90th "
        "percentile in ms over repeated "
        "requests (3 repeats for pages over 2 s, otherwise 7; one still running after the time "
        "limit is stopped). Queries: cold / warm. Goals are judged on the warm median at the "
        "largest scale; the cold times are shown beside them.",
        "- The sections that follow the page run are written by their own modes, each "
        "replacing only its section: `bench --as-users` (committed imports by `import_data` "
        "in a process of its own, by wall time and peak RSS, `--discharge-rows 20000,200000 "
        "--monitoring-rows 100000`; a save through the entry grid over HTTP against gunicorn "
        "with deploy/gunicorn.conf.py and the task worker, `--saves 20`; every annual form in "
        "PDF by `annual_report` in a process of its own, by wall time and peak RSS, more "
        'argument sets with `--pdf-args "--form discharge --district X"`; `--parts '
        "imports,save,pdf` to choose), `bench --load` (the production configuration: "
        "deploy/gunicorn.conf.py, the task worker, REDIS_URL) and `bench --load --nodes N`.",
        "",
    ]
    if big.seed_seconds is not None and big.spec == SCALES["province"]:
        ok = big.seed_seconds < SEED_GOAL_S
        lines += [
            f"Seeding the {big.name} scale took {big.seed_seconds:.0f} s "
            f"(goal for the province scale: under 15 minutes): {_met(ok)}.",
            "",
        ]
    lines += [
        "## Pages",
        "",
        f"| page | queries {small.name} | queries {big.name} | same count | "
        f"{small.name} warm ms | {big.name} cold ms | {big.name} warm ms | goal | met |",
        "|---|---:|---:|---|---:|---:|---:|---|---|",
    ]
    small_pages = {p.page.label: p for p in small.pages}
    for entry in big.pages:
        other = small_pages.get(entry.page.label)
        same = other is not None and _same_count(other.timing, entry.timing)
        goal = PDF_GOAL_MS if entry.page.pdf and entry.page.group == "form" else PAGE_GOAL_MS
        ok = entry.timing.median_ms < goal and entry.timing.status == 200
        status = "" if entry.timing.status == 200 else f" (HTTP {entry.timing.status})"
        if entry.timing.status == TIMED_OUT:
            status = f" (stopped after {entry.timing.median_ms / 1000:.0f} s)"
        lines.append(
            f"| {entry.page.label}{status} | {_queries(other.timing) if other else '—'} | "
            f"{_queries(entry.timing)} | {'yes' if same else '**no**'} | "
            f"{_ms(other.timing if other else None)} | {_cold(entry.timing)} | "
            f"{_ms(entry.timing)} | < {goal:,} ms | {_met(ok and same)} |"
        )
    lines += [
        "",
        "## Summary and dashboards against their bare SQL",
        "",
        "The bare SQL: the aggregates that produce the page's figures, run as raw SQL in the "
        "same process on the same data (bench/sql.py).",
        "",
        "| page | page warm ms | page cold ms | bare SQL ms | ratio warm | ratio cold | goal "
        "| met warm | met cold |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for entry in big.pages:
        if entry.bare is None:
            continue
        bare = max(entry.bare.median_ms, 0.01)
        ratio = entry.timing.median_ms / bare
        cold = (entry.timing.cold_ms or 0) / bare
        lines.append(
            f"| {entry.page.label} | {entry.timing.median_ms:.0f} | {_cold(entry.timing)} | "
            f"{entry.bare.median_ms:.0f} | {ratio:.2f}× | {cold:.1f}× | ≤ {SQL_RATIO_GOAL:.0f}× | "
            f"{_met(ratio <= SQL_RATIO_GOAL)} | {_met(cold <= SQL_RATIO_GOAL)} |"
        )
    lines += [
        "",
        "## Import and export",
        "",
        "| measurement | result | goal | met |",
        "|---|---:|---|---|",
        f"| discharge importer, {big.import_rows:,} rows (validation and reliability checks "
        f"on, rolled back) | {big.import_rate:,.0f} rows/s | ≥ {IMPORT_GOAL:,} rows/s | "
        f"{_met(big.import_rate >= IMPORT_GOAL)} |",
        f"| bare bulk_create of the same reports and values | {big.bulk_rate:,.0f} rows/s | "
        f"— | — |",
        f"| importer / bulk_create | {big.import_rate / max(big.bulk_rate, 1):.2f} | — | — |",
    ]
    for fmt, growth in big.memory.items():
        goal = f"< {CSV_MEMORY_GOAL_MB} MB" if fmt == "csv" else "—"
        ok = None if fmt != "csv" or growth is None else growth < CSV_MEMORY_GOAL_MB
        shown = "—" if growth is None else f"{growth:.0f} MB"
        lines.append(
            f"| peak RSS growth, whole reports list as {fmt.upper()} ({big.export_rows:,} rows) "
            f"| {shown} | {goal} | {_met(ok)} |"
        )
    for result in results[:-1]:
        lines.append(
            f"| ({result.name}) importer; bulk_create; CSV / XLSX growth | "
            f"{result.import_rate:,.0f}; {result.bulk_rate:,.0f} rows/s; "
            f"{result.memory.get('csv')} / {result.memory.get('xlsx')} MB | — | — |"
        )
    notes = os.path.join(settings.BASE_DIR, "docs", "benchmark-notes.md")
    if os.path.exists(notes):
        with open(notes, encoding="utf-8") as text:
            lines += ["", text.read().rstrip()]
    return "\n".join(lines) + "\n"


def median(values):
    return statistics.median(values) if values else None
