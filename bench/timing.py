"""Measuring pages and code for `manage.py bench`: SQL queries, server time, memory.

Times are wall-clock medians and 90th percentiles of warm repeated calls in this process;
they are for the benchmark table only, never for assertions in tests.
"""

import gc
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, connections


@dataclass
class Timing:
    median_ms: float
    p90_ms: float
    queries: int | None = None
    status: int | None = None
    cold_ms: float | None = None  # the first request, with the figures' cache empty
    cold_queries: int | None = None

    @property
    def label(self) -> str:
        return f"{self.median_ms:.1f} / {self.p90_ms:.1f}"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_callable(function: Callable[[], object], repeats: int = 7, warmup: int = 1) -> Timing:
    """Run `function` warmup + repeats times; queries are counted on the first warm run."""
    # Counted with an execute wrapper, not the query log: request_started clears that log.
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    if repeats > 0:
        for _ in range(warmup):
            function()
        with connection.execute_wrapper(count):
            function()
    if repeats <= 0:  # a single counted run, timed (the guard test's quick mode)
        start = time.perf_counter()
        with connection.execute_wrapper(count):
            function()
        elapsed = (time.perf_counter() - start) * 1000
        return Timing(elapsed, elapsed, len(executed))
    samples = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(statistics.median(samples), _percentile(samples, 0.9), len(executed))


def _consume(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def time_request(client, url: str, repeats: int = 7, warmup: int = 1) -> Timing:
    """A GET of `url` through the test client (the whole Django stack, no network)."""
    status = {}

    def get():
        response = client.get(url)
        status["code"] = response.status_code
        _consume(response)

    timing = time_callable(get, repeats=repeats, warmup=warmup)
    timing.status = status.get("code")
    return timing


def _rss_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def peak_rss_growth_mb(function: Callable[[], object]) -> float | None:
    """Peak resident memory growth while `function` runs, measured in a forked child.

    The child starts from this process's memory; VmHWM (the peak) minus VmRSS at the
    start is what the call added. None where /proc is not available.
    """
    if not os.path.exists("/proc/self/status"):
        return None
    connections.close_all()  # the child must open its own database connections
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        try:
            gc.collect()
            # Reset the peak to the current size, so earlier peaks in the parent do not count.
            with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
                clear.write("5")
            before = _rss_kb("VmRSS")
            function()
            growth = (_rss_kb("VmHWM") - before) / 1024
            os.write(write_end, f"{growth:.1f}".encode())
        except BaseException as error:  # noqa: BLE001 - reported to the parent as text
            os.write(write_end, f"error {error!r}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 4096):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    text = b"".join(chunks).decode()
    if text.startswith("error"):
        raise RuntimeError(text)
    return float(text)
