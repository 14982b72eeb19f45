"""The production set-up as docs/operations.md's "Production" section gives it: DEBUG off, a
SECRET_KEY, ALLOWED_HOSTS, BENXI_HTTPS=1, static files collected; `check --deploy` and
gunicorn with deploy/gunicorn.conf.py, each in a process of its own."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from benxi_cp import fonts

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
HOST = "cp.benxi.example"


def production_env(tmp: Path, static_root: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BENXI_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "benxi_cp.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "BENXI_HTTPS": "1",
            "BENXI_STATIC_ROOT": str(static_root),
            "BENXI_VAR_DIR": str(tmp / "var"),
            "DATABASE_URL": f"sqlite:///{tmp / 'production.sqlite3'}",
        }
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A production folder: static files collected (with their manifest of hashed names,
    uncompressed to save time: bench/settings_gunicorn.py) and a migrated database."""
    tmp = tmp_path_factory.mktemp("production")
    static_root = tmp / "static"
    env = production_env(tmp, static_root)
    collect = manage(
        "collectstatic",
        "--no-input",
        "-v0",
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings_gunicorn"}
        | {"BENCH_STATIC_ROOT": str(static_root)},
    )
    assert collect.returncode == 0, collect.stderr
    migrate = manage("migrate", "--no-input", "-v0", env=env)
    assert migrate.returncode == 0, migrate.stderr
    return tmp, static_root


def test_check_deploy_has_nothing_to_report_with_the_documented_settings(site):
    tmp, static_root = site
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(*site))
    if fonts.find_cjk_font() is None:  # a machine without fonts-noto-cjk: only that warning
        assert "(benxi_cp.W001)" in result.stderr
        assert result.stderr.count("?: (") == 1, result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert "no issues" in result.stdout


def test_without_https_check_deploy_names_what_is_missing(site):
    result = manage("check", "--deploy", env=production_env(*site, BENXI_HTTPS="0"))
    for check in ("W004", "W008", "W012", "W016"):
        assert f"(security.{check})" in result.stderr, check


def test_static_files_not_collected_stop_the_start(tmp_path):
    env = production_env(tmp_path, tmp_path / "empty-static", BENXI_BIND=f"127.0.0.1:{free_port()}")
    result = manage("check", env=env)
    assert result.returncode == 1 and "(benxi_cp.E002)" in result.stderr
    # gunicorn runs the same checks before it starts a worker, and gives up.
    started = subprocess.run(
        [str(GUNICORN), "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0 and "benxi_cp.E002" in started.stderr
    # Any other WSGI server: the application itself refuses to load.
    loaded = subprocess.run(
        [sys.executable, "-c", "import benxi_cp.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode != 0 and "ImproperlyConfigured: benxi_cp.E002" in loaded.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, **headers: str) -> tuple[int, dict, str]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Host": HOST, **headers})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_gunicorn_serves_the_site_with_debug_off_behind_an_https_proxy(site):
    tmp, static_root = site
    port = free_port()
    env = production_env(tmp, static_root, BENXI_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
    server = subprocess.Popen(
        [str(GUNICORN), "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    https = {"X-Forwarded-Proto": "https"}
    try:
        for _attempt in range(240):
            try:
                status, _headers, _body = fetch(f"{base}/login/", **https)
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                time.sleep(0.5)
        # Plain HTTP is sent to HTTPS; over HTTPS the page comes with HSTS and the policy.
        status, headers, _body = fetch(f"{base}/login/")
        assert status == 301 and headers["Location"] == f"https://{HOST}/login/"
        status, headers, body = fetch(f"{base}/login/", **https)
        assert status == 200
        assert (
            headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        )
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert "Secure" in headers["Set-Cookie"] and "csrftoken" in headers["Set-Cookie"]
        # The static files by their hashed names, from the collected folder.
        stylesheet = body.split('href="/static/css/app.')[1].split('"')[0]
        status, headers, _css = fetch(f"{base}/static/css/app.{stylesheet}", **https)
        assert status == 200 and "max-age=315360000" in headers["Cache-Control"]
        # A missing page: the site's own, in Chinese, with a way back, and one log line.
        status, _headers, body = fetch(f"{base}/no-such-page/", **https)
        assert status == 404
        assert 'id="error-home"' in body and "页面不存在" in body and 'lang="zh-hans"' in body
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=60)
    assert "Not Found: /no-such-page/" in err
    assert "Traceback" not in err
