"""`manage.py bench --as-users`: the import, the save and the PDFs as users meet them.

At one scale (seeded, or reused with --reuse), each measured the way a user runs it:

1. **Committed imports by wall time**: a discharge file of new reports (years no report
   holds, every enterprise) and a monitoring file of new hourly means (a year of the
   permits no value holds), each imported by `manage.py import_data KIND FILE` in a process
   of its own with the server's settings (DEBUG=0, the production settings module), every
   check on and committed: its wall clock and its peak resident memory (the child's own
   `wait4` usage). What it wrote is then removed (the discharge reports with their values,
   flags and unlocks, and the ledger rows of the (enterprise, year) pairs refreshed by
   enterprises.ledger.refresh in the same transaction; the monitoring values of the year),
   so that the data stays as seeded.
2. **A save over HTTP**: gunicorn started with deploy/gunicorn.conf.py (and the task worker
   beside it, as `make serve` runs them); an EPB user logs in, opens a draft report's entry
   grid and saves one changed value, `saves` times: the POST's time at the client on
   loopback, and the server's own (gunicorn's access log, `%(D)s`). The value is put back.
3. **The annual forms in PDF**: `manage.py annual_report --year Y --form F --format pdf`
   in a process of its own, per argument set of `pdf_runs` (one per form, and any added by
   `--pdf-args`, e.g. a volume's `--district`): wall time and peak resident memory.

Times are for docs/benchmarks.md, never for assertions.
"""

import datetime
import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction

from bench.load import BEGIN as LOAD_BEGIN
from bench.load import Gunicorn, discharge_file, marked, percentile, replace_marked
from bench.scale import LAST_YEAR, ScaleSpec

BEGIN = "<!-- bench --as-users: begin -->"
END = "<!-- bench --as-users: end -->"
# Goals: the province as users meet it
IMPORT_GOAL_ROWS_S = 10_000
IMPORT_MEMORY_GOAL_MB = 500  # for a file of up to 50 MB
SAVE_GOAL_MS = 100  # server time
PDF_GOAL_S = 60
PDF_MEMORY_GOAL_MB = 1024
# Defaults
DISCHARGE_ROWS = (20_000, 200_000)
MONITORING_ROWS = 100_000
SAVES = 20
COMMAND_TIMEOUT_S = 1800
PARTS = ("imports", "save", "pdf")


# -- a command in a process of its own ------------------------------------------------------
@dataclass
class Run:
    """One `manage.py` command run as a subprocess."""

    label: str
    seconds: float = 0.0
    peak_mb: float | None = None
    returncode: int | None = None
    output: str = ""  # the end of its standard error and output
    rows: int = 0
    file_mb: float = 0.0
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def rate(self) -> float | None:
        return self.rows / self.seconds if self.ok and self.rows and self.seconds else None


def database_url() -> str:
    """DATABASE_URL of the database this process uses (a test database too), for the
    processes it starts; a database in memory has none."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            raise RuntimeError("a database in memory cannot be shared with another process")
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{credentials}@{db['HOST'] or 'localhost'}" if credentials else db["HOST"] or ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{host}{port}/{db['NAME']}"


def production_environment(workdir: Path) -> dict[str, str]:
    """The server's settings, as gunicorn has them (bench/settings_gunicorn.py: the production
    settings with the static files collected into the run's folder) with DEBUG off, the same
    database (DATABASE_URL) and cache (REDIS_URL) as this process."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings_gunicorn",
            "BENCH_STATIC_ROOT": str(workdir / "static"),
            "DEBUG": "0",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(40),
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": database_url(),
        }
    )
    env.setdefault("BENXI_VAR_DIR", str(workdir / "var"))
    return env


# The child runs under this small Python, which reports the child's own peak RSS: Linux
# carries a process's high-water mark over fork and exec, so the resource usage of a child
# forked from this process (hundreds of MB) would say at least this process's size.
MEASURE = (
    "import os, resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "seconds = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "open(sys.argv[1], 'w').write(f'{seconds} {peak}')\n"
    "sys.exit(code)\n"
)


def run_command(
    label: str, arguments: list[str], env: dict[str, str], timeout: float = COMMAND_TIMEOUT_S
) -> Run:
    """`manage.py ARGUMENTS` in a process of its own: its wall clock and its peak RSS (its
    own, through a small wrapper process: see MEASURE); killed after `timeout`."""
    run = Run(label)
    with tempfile.TemporaryFile() as output, tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "usage"
        process = subprocess.Popen(  # noqa: S603 - this Python, this repository's manage.py
            [sys.executable, "-c", MEASURE, str(report), sys.executable, "manage.py", *arguments],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            run.returncode = process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            run.returncode = process.wait()
            run.note = f"stopped after {timeout:.0f} s"
            run.seconds = timeout
        if report.exists():
            seconds, peak = report.read_text().split()
            run.seconds, run.peak_mb = float(seconds), int(peak) / 1024  # kB on Linux
        output.seek(0)
        run.output = output.read().decode("utf-8", "replace").strip()[-1500:]
    return run


# -- imports ----------------------------------------------------------------------------------
def first_free_year() -> int:
    """A year after every report (and after those bench --load writes for a while)."""
    from enterprises.models import DischargeReport

    latest = DischargeReport.objects.order_by("-year").values_list("year", flat=True).first()
    return max(latest or LAST_YEAR, LAST_YEAR + 2) + 1


def remove_discharge(years: range) -> int:
    """Remove the reports of `years` (which held none before the import) with every row that
    refers to them and their history rows (simple-history's: records that existed only for
    the measurement), and refresh the ledger of their (enterprise, year) pairs, in one
    transaction. Not a queryset delete: its signal refreshes the ledger once per report."""
    from enterprises import ledger, locks
    from enterprises.models import DischargeReport, DischargeValue

    with transaction.atomic():
        reports = DischargeReport.objects.filter(year__in=list(years))
        pairs = set(reports.order_by().values_list("enterprise_id", "year"))
        if not pairs:
            return 0
        locks.lock_pairs(pairs)
        for relation in DischargeReport._meta.related_objects:
            related = relation.related_model.objects.filter(
                **{f"{relation.field.name}__in": reports}
            )
            related.delete()
        history = DischargeReport.history.model.objects.filter(year__in=list(years))
        DischargeValue.history.model.objects.filter(report_id__in=history.values("id"))._raw_delete(
            reports.db
        )
        history._raw_delete(reports.db)
        count = reports._raw_delete(reports.db)
        ledger.refresh(pairs)
    return count


def import_discharge(rows: int, workdir: Path, env: dict[str, str], log=print) -> Run:
    """A discharge file of `rows` rows of new reports, imported and then removed."""
    year = first_free_year()
    content = discharge_file(rows, year, exclude=0)
    path = workdir / f"discharge-{rows}.csv"
    path.write_bytes(content)
    log(f"import_data discharge: {rows:,} rows of new reports from {year} ({len(content):,} bytes)")
    try:
        run = run_command(f"discharge, {rows:,} rows", ["import_data", "discharge", str(path)], env)
    finally:
        removed = remove_discharge(range(year, year + 200))
        path.unlink(missing_ok=True)
    run.rows, run.file_mb = rows, len(content) / 1024**2
    run.note = (run.note + f"; {removed:,} reports removed after").strip("; ")
    return run


def monitoring_series(year: int) -> list[tuple[str, str, str]]:
    """(enterprise code, outlet, pollutant) of every concentration limit at an outlet of a
    permit in force for the whole of `year`."""
    from permits.models import Limit

    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return sorted(
        set(
            Limit.objects.filter(
                outlet__isnull=False, permit__valid_from__lte=first, permit__valid_to__gte=last
            ).values_list("permit__enterprise__code", "outlet__code", "pollutant__code")
        )
    )


def monitoring_year() -> int | None:
    """A year after the last within the permits, that no monitoring value holds."""
    from permits.models import MonitoringValue

    for year in range(LAST_YEAR + 1, LAST_YEAR + 4):
        if not MonitoringValue.objects.filter(measured_on__year=year).exists() and (
            monitoring_series(year)
        ):
            return year
    return None


def monitoring_file(rows: int, year: int) -> bytes:
    """`rows` hourly means of `year` (hour by hour, every series of monitoring_series)."""
    series = monitoring_series(year)
    lines = ["enterprise_code,outlet,pollutant,measured_at,basis,value,unit,below_detection,method"]
    moment = datetime.datetime(year, 1, 1)
    while len(lines) <= rows and moment.year == year:
        stamp = moment.strftime("%Y-%m-%d %H:%M")
        for number, (enterprise, outlet, pollutant) in enumerate(series):
            value = f"{(len(lines) * 7 + number) % 60 + 1.5:.1f}"
            lines.append(
                f"{enterprise},{outlet},{pollutant},{stamp},hourly_mean,{value},,no,automatic"
            )
            if len(lines) > rows:
                break
        moment += datetime.timedelta(hours=1)
    return ("\n".join(lines) + "\n").encode()


def import_monitoring(rows: int, workdir: Path, env: dict[str, str], log=print) -> Run:
    """A monitoring file of `rows` new hourly means, imported and then removed."""
    from permits import reliability
    from permits.models import MonitoringValue

    year = monitoring_year()
    if year is None:
        run = Run(f"monitoring, {rows:,} rows")
        run.note = "no permit in force for a year without monitoring values"
        return run
    content = monitoring_file(rows, year)
    written = content.count(b"\n") - 1
    path = workdir / f"monitoring-{rows}.csv"
    path.write_bytes(content)
    log(f"import_data monitoring: {written:,} hourly means of {year} ({len(content):,} bytes)")
    try:
        run = run_command(
            f"monitoring, {written:,} rows", ["import_data", "monitoring", str(path)], env
        )
    finally:
        with transaction.atomic():
            imported = MonitoringValue.objects.filter(measured_on__year=year)
            enterprises = set(imported.order_by().values_list("enterprise_id", flat=True))
            removed, _by_model = imported.delete()
            # the annual reports of that year were checked against these values: again
            reliability.refresh_for({(enterprise, year) for enterprise in enterprises})
        path.unlink(missing_ok=True)
    run.rows, run.file_mb = written, len(content) / 1024**2
    run.note = (run.note + f"; {removed:,} values removed after").strip("; ")
    return run


# -- PDFs -------------------------------------------------------------------------------------
def largest_district() -> str | None:
    """The district of the register with the most enterprises (a volume's argument)."""
    from django.db.models import Count

    from enterprises.models import Enterprise

    return (
        Enterprise.objects.exclude(district="")
        .values("district")
        .annotate(count=Count("pk"))
        .order_by("-count", "district")
        .values_list("district", flat=True)
        .first()
    )


def pdf_runs(extra: list[str] = ()) -> list[list[str]]:
    """The argument sets of `annual_report` (after --year and --format pdf): the forms that
    print in volumes first, each as a user downloads it, whole (--whole) and as the volume
    of the largest district; then every other form; then `extra` (each a string of
    arguments, e.g. "--form discharge --sector 2511")."""
    from reports import annual

    volumes = [name for name in ("discharge", "audits") if name in annual.VOLUME_FORMS]
    district = largest_district()
    runs = []
    for name in volumes:
        runs += [["--form", name], ["--form", name, "--whole"]]
        if district:
            runs.append(["--form", name, "--district", district])
    runs += [["--form", name] for name in annual.FORMS if name not in volumes]
    return runs + [shlex.split(line) for line in extra]


def pdf(arguments: list[str], year: int, workdir: Path, env: dict[str, str]) -> Run:
    path = workdir / "form.pdf"
    command = ["annual_report", "--year", str(year), "--format", "pdf", "--output", str(path)]
    run = run_command(" ".join(arguments), [*command, *arguments], env)
    if run.ok:
        run.file_mb = path.stat().st_size / 1024**2
    path.unlink(missing_ok=True)
    return run


# -- the save over HTTP -----------------------------------------------------------------------
@dataclass
class SaveResult:
    report: str = ""
    client_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    error: str = ""


def _draft_report():
    from enterprises.models import DischargeReport

    return (
        DischargeReport.objects.filter(year=LAST_YEAR, status="draft", values__isnull=False)
        .select_related("enterprise")
        .order_by("enterprise_id", "period_kind", "period_number")
        .first()
    )


def save_over_http(host: str, port: int, password: str, saves: int, report) -> SaveResult:
    """bench_epb saves one changed value of `report` through its grid `saves` times (each
    after opening the grid, as a user would), then puts it back."""
    from bench.client import HttpUser

    result = SaveResult(report=f"report {report} (id {report.pk})")
    user = HttpUser(host, port)
    user.login("bench_epb", password)
    url = report.entry_url
    name = original = None
    for number in range(saves + 1):
        grid = user.form(url, "rows-TOTAL_FORMS")
        if name is None:
            name = next(
                n for n, v in grid.fields if n.startswith("rows-") and n.endswith("-amount") and v
            )
            original = Decimal(grid.get(name))
        last = number == saves
        changed = original if last else original * (1 + Decimal(number % 7 + 1) / 100)
        grid.set(name, f"{changed:.4f}")
        grid.set("action", "save")
        answer = user.post(url, grid.fields)
        status = str(answer.status)
        if not last:
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if answer.status == 302:
                result.client_ms.append(answer.ms)
    return result


def access_log_ms(log: str, path: str) -> list[float]:
    """The server's times (ms) of the POSTs to `path` in gunicorn's access log, written with
    ACCESS_FORMAT ("METHOD PATH STATUS MICROSECONDS"), in order."""
    times = []
    for line in log.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[:3] == ["POST", path, "302"] and parts[3].isdigit():
            times.append(int(parts[3]) / 1000)
    return times


ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"


def measure_save(saves: int, workdir: Path, log=print) -> SaveResult:
    from bench.load import _forget_passwords, _login_users

    report = _draft_report()
    if report is None:
        return SaveResult(error="no draft report of the last year with values")
    password = secrets.token_urlsafe(18)
    _login_users(password)
    connections.close_all()
    server = Gunicorn(
        workdir, log=log, access_format=ACCESS_FORMAT, collect=False, database=database_url()
    )
    try:
        log(f"gunicorn (deploy/gunicorn.conf.py) and the task worker; {saves} saves")
        server.start()
        result = save_over_http("127.0.0.1", server.port, password, saves, report)
        path = report.entry_url.split("?")[0]
        # the last save put the value back: not counted
        result.server_ms = access_log_ms(server.full_log(), path)[: len(result.client_ms)]
    except (OSError, RuntimeError, StopIteration) as error:
        result = SaveResult(report=str(report), error=f"{type(error).__name__}: {error}")
    finally:
        server.stop()
        _forget_passwords()
    return result


# -- the whole run ----------------------------------------------------------------------------
@dataclass
class AsUsersResult:
    name: str
    spec: ScaleSpec
    seed_seconds: float | None
    counts: dict[str, int] = field(default_factory=dict)
    imports: list[Run] = field(default_factory=list)
    save: SaveResult | None = None
    saves: int = 0
    pdfs: list[Run] = field(default_factory=list)
    year: int = LAST_YEAR
    cache: str = ""


def run_as_users(
    name: str,
    spec: ScaleSpec,
    *,
    parts: tuple[str, ...] = PARTS,
    discharge_rows: tuple[int, ...] = DISCHARGE_ROWS,
    monitoring_rows: int = MONITORING_ROWS,
    saves: int = SAVES,
    pdf_extra: list[str] = (),
    reuse: bool = False,
    log=print,
) -> AsUsersResult:
    """Seed (or reuse) the scale, then measure `parts` on it."""
    from bench.benchmark import _counts, prepare

    seconds = prepare(name, spec, reuse=reuse, log=log)
    result = AsUsersResult(name, spec, seconds, counts=_counts(), saves=saves)
    measure(
        result,
        parts=parts,
        discharge_rows=discharge_rows,
        monitoring_rows=monitoring_rows,
        pdf_arguments=pdf_runs(pdf_extra),
        log=log,
    )
    return result


def measure(
    result: AsUsersResult,
    *,
    parts: tuple[str, ...],
    discharge_rows: tuple[int, ...],
    monitoring_rows: int,
    pdf_arguments: list[list[str]],
    log=print,
) -> None:
    """The measurements of `parts` on the data as it is, into `result`."""
    result.cache = "Redis (REDIS_URL)" if os.environ.get("REDIS_URL") else "each process's memory"
    with tempfile.TemporaryDirectory(prefix="benxi-bench-users-") as folder:
        workdir = Path(folder)
        env = production_environment(workdir)
        log("collectstatic (the PDFs' styles and fonts, and gunicorn's pages)")
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            timeout=600,
        )
        if "imports" in parts:
            for rows in discharge_rows:
                result.imports.append(import_discharge(rows, workdir, env, log))
            if monitoring_rows:
                result.imports.append(import_monitoring(monitoring_rows, workdir, env, log))
        if "save" in parts:
            result.save = measure_save(result.saves, workdir, log)
        if "pdf" in parts:
            for arguments in pdf_arguments:
                log(f"annual_report {' '.join(arguments)} --format pdf")
                result.pdfs.append(pdf(arguments, result.year, workdir, env))


# -- the document -----------------------------------------------------------------------------
def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**not met**")


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _failed(run: Run) -> str:
    if run.ok:
        return ""
    last = run.output.splitlines()[-1] if run.output else "no output"
    return f"; failed (exit {run.returncode}): {last}"


def render_as_users(result: AsUsersResult, command: str) -> str:
    """The Markdown section (between BEGIN and END) for docs/benchmarks.md."""
    counts = ", ".join(f"{v:,} {k}" for k, v in result.counts.items())
    seeded = "data reused"
    if result.seed_seconds is not None:
        seeded = f"seeded in {result.seed_seconds:.0f} s"
    lines = [
        BEGIN,
        "## As users meet it: committed imports, a save over HTTP, the forms in PDF",
        "",
        f"Produced by `{command}` on {datetime.date.today().isoformat()}, scale "
        f"**{result.name}**: {result.spec.label}: {counts}; {seeded}.",
        "",
        *_import_lines(result.imports),
        *_save_lines(result),
        *_pdf_lines(result),
        END,
    ]
    return "\n".join(lines) + "\n"


def _import_lines(imports: list[Run]) -> list[str]:
    if not imports:
        return []
    lines = [
        "### Imports, committed, by wall time",
        "",
        "Each file imported by `manage.py import_data KIND FILE` in a process of its own with "
        "the server's settings (DEBUG=0, production settings, the same database and cache), "
        "every check on, committed; the time is the process's wall clock (start-up included), "
        "the memory its peak RSS. Discharge: whole new reports (years no report holds) of every "
        "enterprise; monitoring: hourly means of a year within the permits that holds none. "
        "What each import wrote is removed after it (the reports with their values, and the "
        "ledger of their enterprises and years refreshed in the same transaction; the "
        "monitoring values of the year)." + _fifty_mb(imports),
        "",
        "| import | file MB | wall s | rows/s | peak RSS MB | goal | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for run in imports:
        ok = (
            None
            if not run.rows
            else (
                run.ok
                and (run.rate or 0) >= IMPORT_GOAL_ROWS_S
                and run.peak_mb is not None
                and run.peak_mb < IMPORT_MEMORY_GOAL_MB
            )
        )
        note = f" ({run.note})" if run.note else ""
        lines.append(
            f"| {run.label}{note}{_failed(run)} | {run.file_mb:.1f} | {_num(run.seconds, 1)} | "
            f"{_num(run.rate)} | {_num(run.peak_mb)} | ≥ {IMPORT_GOAL_ROWS_S:,} rows/s; peak "
            f"< {IMPORT_MEMORY_GOAL_MB} MB (a file of up to 50 MB) | {_met(ok)} |"
        )
    return [*lines, ""]


def _fifty_mb(imports: list[Run]) -> str:
    """How many discharge rows make the memory goal's 50 MB file, from the files measured."""
    sized = [run for run in imports if run.label.startswith("discharge") and run.file_mb]
    if not sized:
        return ""
    rows = 50 * sized[-1].rows / sized[-1].file_mb
    return (
        f" A discharge file of 50 MB (the memory goal's) holds about {rows:,.0f} rows: "
        "`--discharge-rows` measures it."
    )


def _save_lines(result: AsUsersResult) -> list[str]:
    save = result.save
    if save is None:
        return []
    server = percentile(save.server_ms, 0.5)
    ok = None if server is None else server < SAVE_GOAL_MS and not save.error
    statuses = ", ".join(f"{n} × {s}" for s, n in sorted(save.statuses.items())) or "none"
    return [
        "### A save through the entry grid, over HTTP",
        "",
        "gunicorn started with `--config deploy/gunicorn.conf.py` (its workers and address "
        "through WEB_CONCURRENCY and BENXI_BIND; the production settings with the static files "
        "collected uncompressed into a folder of the run: bench/settings_gunicorn.py), DEBUG "
        f"off, figures cached in {result.cache}, with the task worker (`manage.py db_worker "
        "--no-reload`) running beside it. An EPB user, logged in, opens the entry grid of a "
        f"draft report ({save.report}), changes one value and saves it, {result.saves} times; "
        "the value is put back after. Client: the POST timed at the client on loopback; "
        "server: gunicorn's own time of the request (its access log, `%(D)s`).",
        "",
        "| measurement | median ms | p95 ms | goal | met |",
        "|---|---:|---:|---|---|",
        f"| save, client ({statuses}{'; ' + save.error if save.error else ''}) | "
        f"{_num(percentile(save.client_ms, 0.5))} | {_num(percentile(save.client_ms, 0.95))} "
        "| — | — |",
        f"| save, server | {_num(server)} | {_num(percentile(save.server_ms, 0.95))} | "
        f"median < {SAVE_GOAL_MS} ms | {_met(ok)} |",
        "",
    ]


def _pdf_lines(result: AsUsersResult) -> list[str]:
    if not result.pdfs:
        return []
    lines = [
        "### The annual forms in PDF",
        "",
        f"`manage.py annual_report --year {result.year} --format pdf ARGUMENTS` in a process "
        "of its own with the server's settings: wall time (start-up included) and peak RSS. "
        "`--whole`: the whole form, even where a download would give its contents volume "
        "(BENXI_PDF_WHOLE_ROWS); `--district`: a volume. More argument sets with `--pdf-args`.",
        "",
        "| arguments | PDF MB | wall s | peak RSS MB | goal | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for run in result.pdfs:
        ok = run.ok and run.seconds < PDF_GOAL_S and (run.peak_mb or 0) < PDF_MEMORY_GOAL_MB
        lines.append(
            f"| `{run.label}`{' (' + run.note + ')' if run.note else ''}{_failed(run)} | "
            f"{run.file_mb:.1f} | {run.seconds:,.1f} | {_num(run.peak_mb)} | "
            f"< {PDF_GOAL_S} s; < {PDF_MEMORY_GOAL_MB:,} MB | {_met(ok)} |"
        )
    return lines


def merge_as_users(document: str, section: str) -> str:
    """`document` with its as-users section replaced by `section`; a first one goes before
    the load section, or the notes, or at the end."""
    return replace_marked(document, BEGIN, END, section, before=(LOAD_BEGIN, "\n## Notes"))


def as_users_section(document: str) -> str | None:
    return marked(document, BEGIN, END)
