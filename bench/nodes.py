"""`manage.py bench --load --nodes N`: the readers against one node, then against N nodes
behind nginx with the read replica, in the same run.

At one scale (seeded, or reused with --reuse) on PostgreSQL:

1. one node: gunicorn (3 workers, as `bench --load`) on a free port, without the replica;
   the six readers log in on it, make a warm-up pass, then loop over the pages for
   `duration` seconds;
2. N nodes: N gunicorn servers (3 workers each, one SECRET_KEY), each with
   DATABASE_REPLICA_URL when the bench's environment has it, behind nginx (deploy/nginx.conf's
   upstream and deploy/nginx-proxy.conf, on a free port); the same readers log in through
   nginx, make a warm-up pass and loop for `duration` seconds.

For each: p50 / p95 per page, requests per second, and what a request costs: the CPU time of
the gunicorn processes (/proc) and the time the database spent executing statements
(pg_stat_database.active_time, on the primary and on the replica separately; read after the
servers stopped, when their backends have reported everything), divided by the requests. From
these the section works out what each extra node adds. Times are for docs/benchmarks.md,
never for assertions.
"""

import datetime
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, connections

from bench.client import HttpUser
from bench.load import END as LOAD_END
from bench.load import (
    EXTRA_EPB_USERS,
    READERS,
    START_TIMEOUT_S,
    Gunicorn,
    LoadPage,
    PageSamples,
    Writer,
    WriterStats,
    _errors,
    _ms,
    free_port,
    load_pages,
    marked,
    replace_marked,
    run_readers,
)
from bench.scale import ScaleSpec

NODES_BEGIN = "<!-- bench --load --nodes: begin -->"
NODES_END = "<!-- bench --load --nodes: end -->"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
CORES_PER_MACHINE = 2  # the worked estimate's machines: this one's size
# Workers of each node of the N-node phase; the one node has as many as the N nodes together.
NODE_WORKERS = 2


# -- nginx ----------------------------------------------------------------------------------
def nginx_config(work: Path, port: int, nodes: list[int]) -> str:
    """nginx's configuration for a run on this machine: deploy/nginx.conf's upstream over
    `nodes` (each with the parameters of its first server line) and a plain HTTP server on
    127.0.0.1:`port` with deploy/nginx-proxy.conf, its files under `work`."""
    site = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"^upstream benxi_cp \{\n.*?^\}", site, re.MULTILINE | re.DOTALL)
    parameters = re.search(r"^\s*server \S+(.*);$", upstream.group(0), re.MULTILINE).group(1)
    servers = "".join(f"        server 127.0.0.1:{node}{parameters};\n" for node in nodes)
    temp = "".join(
        f"    {kind}_temp_path {work / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {work / 'nginx.pid'};\nerror_log {work / 'nginx-error.log'};\n"
        + "events { worker_connections 1024; }\n"
        + "http {\n    access_log off;\n"
        + temp
        + "    upstream benxi_cp {\n"
        + servers
        + "    }\n"
        + f"    server {{\n        listen 127.0.0.1:{port};\n"
        + f"        include {DEPLOY / 'nginx-proxy.conf'};\n    }}\n}}\n"
    )


class Nginx:
    """nginx in front of `nodes`, in the foreground in a process group of its own; `stop`
    always ends it."""

    def __init__(self, work: Path, nodes: list[int]):
        self.work, self.port = work, free_port()
        work.mkdir(parents=True, exist_ok=True)
        self.config = work / "nginx.conf"
        self.config.write_text(nginx_config(work, self.port, nodes))
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        self.work.chmod(0o755)  # its worker (nobody, or root) writes its temporary files there
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.work), "-c", str(self.config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        probe = HttpUser("127.0.0.1", self.port, timeout=10)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx stopped at start: {self.error_log()}")
            try:
                if probe.get("/login/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"nginx did not answer within {timeout:.0f} s: {self.error_log()}")

    def error_log(self) -> str:
        try:
            return (self.work / "nginx-error.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


# -- what a request costs -------------------------------------------------------------------
def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (0 for one that is gone)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def active_seconds(alias: str) -> float | None:
    """The time the database's backends spent executing statements (pg_stat_database), as
    `alias`'s server counts it; None where there is no such connection."""
    if alias not in connections.databases:
        return None
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT active_time FROM pg_stat_database WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    connections[alias].close()
    return None if row is None or row[0] is None else row[0] / 1000


@dataclass
class Phase:
    """One run of the readers: against one node, or N nodes through nginx."""

    label: str
    nodes: int
    replica: bool
    seconds: float = 0.0
    samples: dict[str, PageSamples] = field(default_factory=dict)
    cpu_s: float = 0.0  # the gunicorn processes' CPU time while measured
    primary_s: float | None = None  # the primary's statement time (warm-up included)
    replica_s: float | None = None
    warmup_requests: int = 0
    workers: int = 0  # of each node
    writer: WriterStats = field(default_factory=WriterStats)
    kill: bool = False  # one node is killed half-way through the readers' run
    killed_at_s: float | None = None  # seconds into the run
    errors_after_kill: int = 0  # the readers' failed requests from the kill on

    @property
    def requests(self) -> int:
        return sum(len(s.ms) + sum(s.errors.values()) for s in self.samples.values())

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def per_request_ms(self, seconds: float | None, *, whole: bool = False) -> float | None:
        """`seconds` per request in ms; `whole`: counted over the warm-up's requests too."""
        count = self.requests + (self.warmup_requests if whole else 0)
        return None if seconds is None or not count else 1000 * seconds / count


@dataclass
class NodesResult:
    name: str
    spec: ScaleSpec
    duration: float
    nodes: int
    pages: list[LoadPage]
    phases: list[Phase]
    counts: dict[str, int] = field(default_factory=dict)


# -- the run ----------------------------------------------------------------------------------
def run_nodes(
    name: str, spec: ScaleSpec, *, nodes: int, duration: float, reuse: bool, log=print
) -> NodesResult:
    from bench.benchmark import _counts, prepare
    from bench.load import _forget_passwords, _login_users

    if connection.vendor != "postgresql":
        raise RuntimeError("the load benchmark needs PostgreSQL (DATABASE_URL)")
    if not os.path.exists(NGINX):
        raise RuntimeError("--nodes needs nginx (apt-get install nginx)")
    prepare(name, spec, reuse=reuse, log=log)
    password = secrets.token_urlsafe(18)
    _login_users(password)
    replica = "replica" in connections.databases
    result = NodesResult(name, spec, duration, nodes, load_pages(), [])
    result.counts = _counts()
    connections.close_all()
    try:
        with tempfile.TemporaryDirectory(prefix="benxi-bench-nodes-") as workdir:
            work = Path(workdir)
            secret = secrets.token_urlsafe(40)
            one = Phase("one node", 1, False, workers=nodes * NODE_WORKERS)
            result.phases.append(_phase(work, one, password, secret, duration, log))
            many = Phase(
                f"{nodes} nodes behind nginx", nodes, replica, workers=NODE_WORKERS, kill=True
            )
            result.phases.append(_phase(work, many, password, secret, duration, log))
    finally:
        _forget_passwords()
    return result


def _phase(work: Path, phase: Phase, password: str, secret: str, duration: float, log) -> Phase:
    """Start the phase's servers (and nginx), measure with the readers and the writer, stop
    them; the statement times are read before the start and after the stop (a backend
    reports its counters as it ends). With `phase.kill`, the last node is killed (SIGKILL,
    its master and workers) half-way through the run.

    Long: one phase from start to stop, every server stopped in the one `finally`."""
    from bench.load import _writer_report

    servers = [
        Gunicorn(
            work,
            phase.workers,
            log=log,
            secret=secret,
            replica=phase.replica,
            collect=number == 0,
            task_worker=number == 0,  # one task worker for the site
        )
        for number in range(phase.nodes)
    ]
    report = _writer_report()
    connections.close_all()
    proxy = None
    before = (active_seconds("default"), active_seconds("replica"))
    try:
        for server in servers:
            log(f"{phase.label}: gunicorn, {phase.workers} workers on 127.0.0.1:{server.port}")
            server.start()
        port = servers[0].port
        if phase.nodes > 1:
            proxy = Nginx(work / f"nginx-{phase.nodes}", [s.port for s in servers])
            proxy.start()
            port = proxy.port
        sessions = {}
        for role, username in (("leadership", "bench_leader"), ("epb_staff", "bench_epb")):
            sessions[role] = HttpUser("127.0.0.1", port)
            sessions[role].login(username, password)
        log(f"{phase.label}: warm-up, one pass of every reader")
        warm = run_readers(sessions, load_pages(), 20 * 60, passes=1)
        phase.warmup_requests = sum(len(s.ms) + sum(s.errors.values()) for s in warm.values())
        pids = [pid for server in servers for pid in [server.process.pid, *server.worker_pids()]]
        cpu = cpu_seconds(pids)
        admin, verifier = HttpUser("127.0.0.1", port), HttpUser("127.0.0.1", port)
        admin.login("bench_admin", password)
        verifier.login(EXTRA_EPB_USERS[0], password)
        log(f"{phase.label}: {READERS} readers and a writer, {duration:.0f} s")
        start = time.perf_counter()
        writer = Writer(admin, report, start + duration, verifier)
        samples: dict[str, PageSamples] = {}
        killer = _Killer(servers[-1], start, duration / 2, samples, log) if phase.kill else None
        writer.start()
        if killer is not None:
            killer.start()
        phase.samples = run_readers(sessions, load_pages(), duration, samples=samples)
        phase.seconds = time.perf_counter() - start
        writer.join(duration + 4 * START_TIMEOUT_S)
        # The killed node's CPU time up to its end, read just before the kill.
        phase.cpu_s = cpu_seconds(pids) + (killer.cpu_s if killer else 0.0) - cpu
        try:
            writer.restore()
        except (OSError, RuntimeError, StopIteration) as error:
            writer.stats.failures.append(f"restoring the value: {error}")
        phase.writer = writer.stats
        if killer is not None:
            phase.killed_at_s = killer.at_s
            phase.errors_after_kill = _errors_since(phase.samples, killer.errors_before)
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()
    time.sleep(1)  # the backends of the stopped workers report their counters as they end
    after = (active_seconds("default"), active_seconds("replica"))
    if before[0] is not None and after[0] is not None:
        phase.primary_s = after[0] - before[0]
    if phase.replica and before[1] is not None and after[1] is not None:
        phase.replica_s = after[1] - before[1]
    return phase


class _Killer(threading.Thread):
    """Kills `server` (SIGKILL to its process group: master and workers) `after` seconds
    from `start`, noting its CPU time just before and the readers' failures so far."""

    def __init__(self, server: Gunicorn, start: float, after: float, samples: dict, log):
        super().__init__(name="bench-kill", daemon=True)
        self.server, self.due, self.log = server, start + after, log
        self.start_time, self.samples = start, samples
        self.cpu_s = 0.0
        self.at_s: float | None = None
        self.errors_before: int | None = None

    def run(self) -> None:
        time.sleep(max(0.0, self.due - time.perf_counter()))
        process = self.server.process
        if process is None or process.poll() is not None:
            return
        self.cpu_s = cpu_seconds([process.pid, *self.server.worker_pids()])
        self.errors_before = _failures(self.samples)
        os.killpg(process.pid, signal.SIGKILL)
        self.at_s = time.perf_counter() - self.start_time
        self.log(f"node on port {self.server.port} killed at {self.at_s:.0f} s")


def _failures(samples: dict[str, PageSamples]) -> int:
    return sum(sum(s.errors.values()) for s in list(samples.values()))


def _errors_since(samples: dict[str, PageSamples], before: int | None) -> int:
    return 0 if before is None else _failures(samples) - before


# -- the document ---------------------------------------------------------------------------
def render_nodes(result: NodesResult, command: str) -> str:
    """The Markdown section (between NODES_BEGIN and NODES_END) for docs/benchmarks.md."""
    one, many = result.phases
    counts = ", ".join(f"{v:,} {k}" for k, v in result.counts.items())
    lines = [
        NODES_BEGIN,
        f"## One node against {result.nodes} nodes behind nginx",
        "",
        f"Produced by `{command}` on {datetime.date.today().isoformat()}, scale "
        f"**{result.name}**: {result.spec.label}: {counts}.",
        "",
        f"The same {READERS} reader threads over the same pages, with the same writer (as "
        f"above: a verified value changed every 5 s through unlock, grid, submit, verify), "
        f"{result.duration:.0f} s each, after one warm-up pass that is not timed: first "
        f"against one gunicorn node ({one.workers} sync workers) without the replica, then "
        f"through nginx (deploy/nginx.conf's upstream, deploy/nginx-proxy.conf) against "
        f"{result.nodes} nodes of {many.workers} workers each (the same workers in all), one "
        "SECRET_KEY, one Redis, "
        + (
            "with the pages' reads on the streaming standby (DATABASE_REPLICA_URL)"
            if many.replica
            else "**without** a replica (DATABASE_REPLICA_URL was not set)"
        )
        + ". Every process runs on this one machine: the nodes share its cores with each "
        "other, with PostgreSQL, its standby and the readers. p50 / p95 in ms.",
        "",
        f"| page | requests, one node | p50 / p95, one node | requests, {result.nodes} nodes "
        f"| p50 / p95, {result.nodes} nodes |",
        "|---|---:|---:|---:|---:|",
    ]
    every = (PageSamples(), PageSamples())
    for page in result.pages:
        a = one.samples.get(page.label, PageSamples())
        b = many.samples.get(page.label, PageSamples())
        every[0].ms.extend(a.ms)
        every[1].ms.extend(b.ms)
        lines.append(
            f"| {page.label} | {len(a.ms)}{_errors(a)} | {_ms(a.p50)} / {_ms(a.p95)} | "
            f"{len(b.ms)}{_errors(b)} | {_ms(b.p50)} / {_ms(b.p95)} |"
        )
    lines.append(
        f"| **all pages** | {len(every[0].ms)} | {_ms(every[0].p50)} / {_ms(every[0].p95)} | "
        f"{len(every[1].ms)} | {_ms(every[1].p50)} / {_ms(every[1].p95)} |"
    )
    lines += ["", *_kill_lines(one, many), "", *_cost_table(one, many), ""]
    lines += [*_estimate(one, many), NODES_END, ""]
    return "\n".join(lines)


def _kill_lines(one: Phase, many: Phase) -> list[str]:
    """The writer in both phases, and what killing a node cost."""

    def writer(phase: Phase) -> str:
        stats = phase.writer
        cycle = PageSamples(ms=list(stats.cycle_ms))
        failed = f"; {len(stats.failures)} failed" if stats.failures else ""
        return f"{stats.changes} changes, a cycle {_ms(cycle.p50)} ms at the median{failed}"

    in_flight = READERS + 1  # the readers and the writer: one request each at a time
    killed = many.killed_at_s
    met = (
        "—"
        if killed is None
        else "met"
        if many.errors_after_kill + len(many.writer.failures) <= in_flight
        else "**not met**"
    )
    return [
        "| measurement | result | goal | met |",
        "|---|---|---|---|",
        f"| the writer, one node | {writer(one)} | — | — |",
        f"| the writer, {many.nodes} nodes | {writer(many)} | — | — |",
        "| one node killed (SIGKILL, master and workers) "
        + ("— not killed" if killed is None else f"at {killed:.0f} s of {many.seconds:.0f} s")
        + f" | {many.errors_after_kill} readers' requests failed after it, "
        f"{len(many.writer.failures)} writer's cycles failed; requests per second over the "
        f"whole run {_num(many.per_second)} against {_num(one.per_second)} on one node | "
        f"only the requests in flight (at most {in_flight}) | {met} |",
    ]


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _cost_table(one: Phase, many: Phase) -> list[str]:
    lines = [
        "What a request cost. CPU: the gunicorn processes' user and system time while the "
        "readers were timed. Database: the time the backends spent executing statements "
        "(`pg_stat_database.active_time`) on the primary and on the standby, from before the "
        "servers started to after they stopped, over every request they served (the warm-up's "
        "included: it is where the figures are computed and stored; later requests read them "
        "from Redis).",
        "",
        "| measurement | one node | " + f"{many.nodes} nodes |",
        "|---|---:|---:|",
        f"| requests per second | {_num(one.per_second)} | {_num(many.per_second)} |",
        f"| requests timed (warm-up) | {one.requests:,} ({one.warmup_requests:,}) | "
        f"{many.requests:,} ({many.warmup_requests:,}) |",
        f"| web CPU per request, ms | {_num(one.per_request_ms(one.cpu_s))} | "
        f"{_num(many.per_request_ms(many.cpu_s))} |",
        f"| primary statement time per request, ms | "
        f"{_num(one.per_request_ms(one.primary_s, whole=True))} | "
        f"{_num(many.per_request_ms(many.primary_s, whole=True))} |",
        f"| standby statement time per request, ms | — | "
        f"{_num(many.per_request_ms(many.replica_s, whole=True))} |",
    ]
    return lines


def estimate(phase: Phase, cores: int = CORES_PER_MACHINE) -> dict[str, float | None]:
    """Requests per second that one more node of `cores` cores adds (its web CPU per
    request), and the ceilings of a primary and a standby of `cores` cores (their statement
    time per request), from `phase`'s measurements."""
    cpu = phase.per_request_ms(phase.cpu_s)
    primary = phase.per_request_ms(phase.primary_s, whole=True)
    standby = phase.per_request_ms(phase.replica_s, whole=True)

    def ceiling(ms: float | None) -> float | None:
        return None if not ms else cores * 1000 / ms

    return {
        "cpu_ms": cpu,
        "primary_ms": primary,
        "standby_ms": standby,
        "per_node": ceiling(cpu),
        "primary_limit": ceiling(primary),
        "standby_limit": ceiling(standby),
    }


def _estimate(one: Phase, many: Phase) -> list[str]:
    source = many if many.primary_s is not None else one
    numbers = estimate(source)
    cores = CORES_PER_MACHINE
    per_node, primary, standby = (
        numbers["per_node"],
        numbers["primary_limit"],
        numbers["standby_limit"],
    )
    limits = [v for v in (primary, standby) if v]
    nodes_to_limit = None if not per_node or not limits else min(limits) / per_node
    return [
        "### Requests per second per extra node: a worked estimate",
        "",
        f"From the {source.nodes}-node run's costs, for machines of {cores} cores given wholly "
        "to one role (a node, the primary, the standby), counting a core as fully usable:",
        "",
        f"- a web node spends {_num(numbers['cpu_ms'])} ms of CPU per request, so one node "
        f"serves at most {cores} × 1000 / {_num(numbers['cpu_ms'])} ≈ **{_num(per_node, 0)} "
        "requests per second**, and each extra node adds about as much while the database "
        "keeps up;",
        f"- the primary spends {_num(numbers['primary_ms'])} ms per request (the figures' tokens, "
        "writes, sessions and the reads pinned to it): it saturates near "
        f"{cores} × 1000 / {_num(numbers['primary_ms'])} ≈ **{_num(primary, 0)} requests per "
        "second**;",
        f"- the standby spends {_num(numbers['standby_ms'])} ms per request (the pages' own "
        f"reads): near **{_num(standby, 0)} requests per second** for one standby"
        + ("" if standby else " (no standby in this run: its reads went to the primary)")
        + ";",
        "- so nodes add throughput linearly up to about "
        f"**{_num(nodes_to_limit)} nodes**, where the first database limit is reached; beyond, "
        "another standby (reads) or a larger primary is what helps.",
        "",
        "These are upper bounds: they leave out nginx, Redis and the network, and a busy "
        "server's CPU does not give all its cores to one process type. On this machine every "
        "role (both nodes, both databases, Redis, nginx and the readers) shares the same cores, "
        "so its requests per second say little of what separate machines would serve; the "
        "cost per request is what carries over.",
        "",
    ]


def merge_nodes(document: str, section: str) -> str:
    """`document` with its nodes section replaced by `section` (added after the load section,
    or before the notes, or at the end)."""
    return replace_marked(document, NODES_BEGIN, NODES_END, section, after=(LOAD_END,))


def nodes_section(document: str) -> str | None:
    return marked(document, NODES_BEGIN, NODES_END)
