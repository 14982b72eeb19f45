"""Two web nodes behind nginx, one worker, one Redis, one database (and its standby, when
given), one folder of files: the site as deploy/ lays it out for N nodes, run on its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/benxi_two_nodes \\
    REDIS_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python -m pytest -q -p no:xdist tests/benxi_cp/two_nodes.py

(with DATABASE_REPLICA_URL too, and deploy/standby running, the nodes read from the standby).
A user logs in through node 1 and goes on through node 2; a job started through one node is
followed on the other while the worker holds it, and its file made by the worker is
downloaded through both; a document uploaded through node 1 is downloaded through node 2;
a figure computed by node 1 is served by node 2 from Redis, not
computed again; a failed log-in on one node counts on the other; then node 1 is killed
while requests go through nginx, and none fails but those it was answering.

**Why its own process and its own database**, as tests/benxi_cp/replica_standby.py: the
nodes are other processes, which see only committed rows. The module creates the database
DATABASE_URL names if it is missing, migrates it and commits its rows there, each run under
names of its own, so it can run again on the same database. Its name does not start with
`test_`: the suite does not collect it; .ci/run runs it as a step of its own.

The nodes run gunicorn with deploy/gunicorn.conf.py and the settings of
tests/benxi_cp/two_nodes_settings.py (production's, without collectstatic); nginx runs with a
configuration made from deploy/nginx.conf's upstream and deploy/nginx-proxy.conf, on a free
port of 127.0.0.1. Without PostgreSQL, REDIS_URL or nginx the module is skipped, except
under CI=true, where that fails.
"""

import contextlib
import datetime
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX_PATH = shutil.which("nginx") or "/usr/sbin/nginx"
START_TIMEOUT_S = 60


def _why_not() -> str | None:
    """Why this module cannot run here; None when it can."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "DATABASE_URL must name a PostgreSQL database"
    if not os.environ.get("REDIS_URL"):
        return "REDIS_URL is not set (a Redis database of the check's own)"
    if not os.path.exists(NGINX_PATH):
        return "nginx is not installed (apt-get install nginx)"
    return None


REASON = _why_not()
if REASON is not None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the two-node check must run under CI: {REASON}", pytrace=False)
    pytest.skip(REASON, allow_module_level=True)

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.urls import reverse  # noqa: E402

from audits.models import Audit, AuditDocument  # noqa: E402
from bench.client import HttpUser  # noqa: E402
from bench.load import free_port  # noqa: E402
from bench.nodes import nginx_config  # noqa: E402
from benxi_cp import jobs, roles  # noqa: E402
from enterprises.models import Enterprise  # noqa: E402
from tests.reports.factories import make_report  # noqa: E402

RUN = uuid.uuid4().hex[:8]
PASSWORD = secrets.token_urlsafe(12)


def _create_database() -> None:
    name = connections["default"].settings_dict["NAME"]
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')


class Process:
    """A process of the site in a process group of its own, its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict, work: Path):
        self.name, self.log = name, work / f"{name}.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def signal(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def kill(self, wait: float = 0) -> None:
        """Killed (after `wait` seconds to end by itself), and every process of its group."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(wait)
        self.signal(signal.SIGKILL)
        self.process.wait(20)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def wait_for_page(port: int, process: Process) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    probe = HttpUser("127.0.0.1", port, timeout=10)
    while time.monotonic() < deadline:
        if process.process.poll() is not None:
            pytest.fail(f"{process.name} stopped at start:\n{process.output()}")
        with contextlib.suppress(OSError):
            if probe.get("/login/").status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"{process.name} did not answer in {START_TIMEOUT_S} s:\n{process.output()}")


@pytest.fixture(scope="module")
def site(django_db_blocker, tmp_path_factory):
    """The database migrated, an administrator and a leader with a report to count, then two
    nodes, the worker and nginx started (stopped at the end)."""
    work = tmp_path_factory.mktemp("two-nodes")
    work.chmod(0o755)  # nginx's worker (nobody, or root) writes its temporary files there
    with django_db_blocker.unblock():
        _create_database()
        call_command("migrate", interactive=False, verbosity=0)
        users = {}
        for role in (roles.ADMINISTRATOR, roles.LEADERSHIP):
            user = User.objects.create(username=f"{role}-{RUN}", password=make_password(PASSWORD))
            user.groups.add(Group.objects.get(name=role))
            users[role] = user
        enterprise = Enterprise.objects.create(
            code=f"N-{RUN}", name=f"两节点 {RUN}", name_en=f"Two nodes {RUN}", sector="coal"
        )
        make_report(enterprise, 2000, {"COD": "1000"}, status="verified")
        audit = Audit.objects.create(
            enterprise=enterprise, ref=f"N-{RUN}", started_on=datetime.date(2000, 3, 1)
        )
        connections.close_all()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benxi_cp.two_nodes_settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),  # one for every node: it signs the sessions
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENXI_VAR_DIR": str(work / "var"),  # the one folder of files, as with one machine
        "BENXI_PROXY_COUNT": "1",
        "BENXI_IMPORT_BACKGROUND_BYTES": "10",
        "BENXI_FORM_BACKGROUND_RECORDS": "0",
        "BENXI_JOB_HEARTBEAT_SECONDS": "1",
        "WEB_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
    }
    ports = {"node1": free_port(), "node2": free_port(), "nginx": free_port()}
    processes = {}
    try:
        for node in ("node1", "node2"):
            command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
            processes[node] = Process(
                node, command, {**env, "BENXI_BIND": f"127.0.0.1:{ports[node]}"}, work
            )
        processes["worker"] = Process(
            "worker",
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
            + ["--interval", "0.1"],
            env,
            work,
        )
        config = work / "nginx.conf"
        config.write_text(nginx_config(work, ports["nginx"], [ports["node1"], ports["node2"]]))
        nginx = [NGINX_PATH, "-p", str(work), "-c", str(config), "-g", "daemon off;"]
        processes["nginx"] = Process("nginx", nginx, env, work)
        for name in ("node1", "node2", "nginx"):
            wait_for_page(ports[name], processes[name])
        yield {
            "ports": ports,
            "processes": processes,
            "users": users,
            "work": work,
            "audit": audit,
        }
    finally:
        for process in processes.values():
            process.signal(signal.SIGTERM)
        for process in processes.values():
            process.kill(wait=1)
        for name in ("node1", "node2", "worker"):
            if name in processes and "Traceback" in processes[name].output():
                print(f"{name} logged an error:\n{processes[name].output()}")


@pytest.fixture
def db_access(site, django_db_blocker):
    with django_db_blocker.unblock():
        yield site
        connections.close_all()


def browser(site, role: str, node: str) -> HttpUser:
    """A browser of `role`'s user, logged in through `node`."""
    user = HttpUser("127.0.0.1", site["ports"][node], timeout=30)
    user.login(site["users"][role].username, PASSWORD)
    user.cookies["django_language"] = "en"
    return user


def through(user: HttpUser, site, node: str) -> HttpUser:
    """The same browser, its requests sent to `node` (its cookies carried over)."""
    return user.copy(site["ports"][node])


def job_status(user: HttpUser, job: int) -> dict:
    answer = user.get(reverse("job_status", args=[job]))
    assert answer.status == 200, answer.status
    return json.loads(answer.body)


def wait_until(condition, what: str, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.1)


def test_a_login_through_one_node_holds_on_the_other_and_through_nginx(site):
    user = browser(site, roles.LEADERSHIP, "node1")
    for node in ("node2", "nginx"):
        answer = through(user, site, node).get(reverse("home"))
        assert answer.status == 200, (node, answer.status)
        assert site["users"][roles.LEADERSHIP].username in answer.text
    assert HttpUser("127.0.0.1", site["ports"]["node2"]).get(reverse("home")).status == 302
    # Given a standby, the nodes read from it (a replica that does not answer is left out
    # without an error: the check would pass without it).
    health = json.loads(HttpUser("127.0.0.1", site["ports"]["nginx"]).get("/health/").body)
    expected = "ok" if os.environ.get("DATABASE_REPLICA_URL") else "not configured"
    assert (health["primary"], health["replica"]) == ("ok", expected), health


def test_a_job_started_through_one_node_is_followed_and_downloaded_through_the_other(
    db_access, settings, held_kind
):
    # The worker is a process of its own: it runs a job whichever node queued it. The "held"
    # job reports its progress from inside its transaction and waits for its release file.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(site_files(db_access))},
        },
    }
    admin = browser(db_access, roles.ADMINISTRATOR, "node1")
    release = db_access["work"] / f"release-{RUN}"
    upload = SimpleUploadedFile("held.txt", b"kept for the worker", content_type="text/plain")
    job = jobs.submit(
        db_access["users"][roles.ADMINISTRATOR],
        "held",
        {"release": str(release), "atomic": True},
        upload=upload,
    )
    connections.close_all()
    on_two = through(admin, db_access, "node2")
    said = wait_until(
        lambda: (s := job_status(on_two, job.pk))["done"] == 1 and s,
        "node 2 to show the worker's progress",
    )
    assert (said["status"], said["total"], said["finished"]) == ("running", 2, False)
    release.touch()
    said = wait_until(
        lambda: (s := job_status(admin, job.pk))["finished"] and s, "node 1 to see it end"
    )
    assert said["status"] == "done", said

    # A form's file: asked for through node 1, made by the worker, downloaded through both.
    asked = admin.get(reverse("reports:form_download", args=["programme", "csv"]) + "?year=2000")
    assert asked.status == 302 and "/jobs/" in asked.headers["Location"], asked.status
    form_job = int(re.search(r"/jobs/(\d+)/", asked.headers["Location"]).group(1))
    said = wait_until(
        lambda: (s := job_status(on_two, form_job))["finished"] and s, "the form's file"
    )
    assert said["status"] == "done" and said["file_url"], said
    files = [user.get(said["file_url"]) for user in (on_two, admin)]
    assert [f.status for f in files] == [200, 200]
    assert files[0].body == files[1].body and len(files[0].body) > 100


def test_a_document_uploaded_through_one_node_is_downloaded_through_the_other(db_access):
    """An audit's document, uploaded with a step through node 1 (multipart, as a browser
    sends it), is served through node 2 to the same session, and to no one without one."""
    admin = browser(db_access, roles.ADMINISTRATOR, "node1")
    audit = db_access["audit"]
    step = reverse("audits:step", args=[audit.pk, 1])
    fields = [(name, value) for name, value in admin.form(step, "status").fields]
    name, content = f"minutes-{RUN}.txt", f"两节点 {RUN}: minutes of the kick-off\n".encode()
    answer = admin.post(
        step,
        [(key, value) for key, value in fields if key != "documents"],
        files=[("documents", name, "text/plain", content)],
    )
    assert answer.status == 302, (answer.status, answer.text[:2000])
    document = AuditDocument.objects.get(audit=audit, filename=name)
    download = reverse("audits:document", args=[document.pk])
    got = through(admin, db_access, "node2").get(download)
    assert (got.status, got.body) == (200, content)
    stranger = HttpUser("127.0.0.1", db_access["ports"]["node2"]).get(download)
    assert stranger.status == 302 and "/login/" in stranger.headers["Location"], stranger.status


def site_files(site) -> Path:
    """The folder of the jobs' files the nodes and the worker share (BENXI_VAR_DIR's)."""
    return site["work"] / "var" / "job-files"


def figure_entries() -> dict[str, object]:
    """The figures' cache entries in Redis: key -> when it was computed."""
    client = cache.raw_client()
    entries = {}
    for raw in client.scan_iter(match=":1:benxi:*"):
        key = raw.decode().split(":", 2)[2]
        entry = cache.get(key)
        if isinstance(entry, tuple) and len(entry) == 3 and not key.endswith(":lock"):
            entries[key] = entry[1]
    return entries


def test_a_figure_computed_by_one_node_is_served_by_the_other(db_access):
    leader = browser(db_access, roles.LEADERSHIP, "node1")
    dashboard = reverse("reports:dashboard") + "?year=2000"
    started = time.time()
    first = leader.get(dashboard)
    assert first.status == 200
    computed = figure_entries()
    fresh = {key for key, when in computed.items() if when.timestamp() >= started - 1}
    assert fresh, "node 1 stored no figure in Redis"
    second = through(leader, db_access, "node2").get(dashboard)
    assert second.status == 200
    after = figure_entries()
    assert {key: after.get(key) for key in fresh} == {key: computed[key] for key in fresh}
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", first.text) == strip.sub("", second.text)


def test_a_failed_log_in_through_one_node_counts_on_the_other(db_access, settings):
    name = db_access["users"][roles.LEADERSHIP].username
    guesser = HttpUser("127.0.0.1", db_access["ports"]["node1"])
    # As through the proxy (BENXI_PROXY_COUNT=1): addresses of this run's own, never 127.0.0.1,
    # from which the other tests log in (a failure from it would count against them all).
    address = f"10.{int(RUN[:2], 16)}.{int(RUN[2:4], 16)}.{int(RUN[4:6], 16)}"
    elsewhere_address = f"172.16.{int(RUN[2:4], 16)}.{int(RUN[4:6], 16)}"
    guesser.headers["X-Forwarded-For"] = address
    for number in range(settings.AXES_FAILURE_LIMIT):
        on_node = through(guesser, db_access, ("node1", "node2")[number % 2])
        form = on_node.form("/login/", "username")
        form.set("username", name)
        form.set("password", "wrong")
        # The form again, then the lockout page (429) at the last failure the limit allows.
        assert on_node.post("/login/", form.fields).status in (200, 429)
    # Locked out on either node, even with the right password: the account from anywhere,
    # the address whatever the account.
    for node in ("node1", "node2"):
        elsewhere = HttpUser("127.0.0.1", db_access["ports"][node])
        elsewhere.headers["X-Forwarded-For"] = elsewhere_address
        with pytest.raises(RuntimeError, match="refused"):
            elsewhere.login(name, PASSWORD)
    admin = db_access["users"][roles.ADMINISTRATOR].username
    with pytest.raises(RuntimeError, match="refused"):
        through(guesser, db_access, "node2").login(admin, PASSWORD)


def test_with_node_1_killed_requests_through_nginx_go_on_to_node_2(db_access):
    user = browser(db_access, roles.ADMINISTRATOR, "nginx")
    page = reverse("jobs")
    done: list[tuple[float, float, int | str]] = []  # start, end, status
    lock = threading.Lock()
    stop = time.monotonic() + 3.5

    def read() -> None:
        own = user.copy()
        while time.monotonic() < stop:
            start = time.monotonic()
            try:
                status: int | str = own.get(page).status
            except OSError as error:
                status = type(error).__name__
            with lock:
                done.append((start, time.monotonic(), status))

    readers = [threading.Thread(target=read, daemon=True) for _ in range(3)]
    for reader in readers:
        reader.start()
    time.sleep(1.5)
    killed = time.monotonic()
    db_access["processes"]["node1"].kill()
    for reader in readers:
        reader.join(30)
    failed = [entry for entry in done if entry[2] != 200]
    in_flight = [entry for entry in done if entry[0] <= killed <= entry[1]]
    after = [entry for entry in done if entry[0] > killed]
    assert after and all(entry[2] == 200 for entry in after), failed
    assert all(entry in in_flight for entry in failed), failed
    # A write after it, through nginx: node 2 takes it (the session ends for every node).
    token = user.form(reverse("home"), "csrfmiddlewaretoken").get("csrfmiddlewaretoken")
    assert user.post(reverse("logout"), [("csrfmiddlewaretoken", token)]).status == 302
    assert user.get(reverse("home")).status == 302
