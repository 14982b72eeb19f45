"""The robustness tests' fixtures: the API tests' small city and token clients, and a
private redis-server to stop and start."""

import shutil
import socket
import subprocess
import time

import pytest

from benxi_cp import cache as shared_cache
from tests.api.conftest import api_as, city, token_for  # noqa: F401


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on a free port (never the shared one): started,
    stopped and started again by the test."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


def redis_caches(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "benxi_cp.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }


@pytest.fixture
def fresh_cache_state():
    """Each test starts with Redis taken as up (and the throttle counting in it), and
    leaves it so."""
    from api import throttling

    def reset():
        shared_cache._state.update(down_until=0.0, down_since=None)
        throttling._degraded["logged"] = False
        shared_cache._fallback.clear()

    reset()
    yield
    reset()


@pytest.fixture
def private_redis(fresh_cache_state):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


# The audits' builders (tests/audits/conftest.py), for the guards' tests.
from tests.audits.conftest import (  # noqa: E402, F401
    audit,
    enterprise,
    make_audit,
    make_option,
    team_auditor,
)
