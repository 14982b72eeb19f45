"""A worker that exits is started again: deploy/keep-running (under `make run` and `make
serve`) runs its command again whenever it exits and stops it when stopped itself; the
systemd unit restarts the worker always."""

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.benxi_cp.worker import wait_for

ROOT = Path(__file__).resolve().parents[2]
KEEP_RUNNING = ROOT / "deploy" / "keep-running"


def test_a_command_that_exits_is_started_again_until_stopped(tmp_path):
    starts = tmp_path / "starts"
    pids = tmp_path / "pids"
    # Each run notes its start, then lives a while: the first two exit, the third is killed.
    command = (
        f"echo start >> {starts}; echo $$ >> {pids}; "
        f"if [ $(wc -l < {starts}) -lt 3 ]; then exit 3; fi; exec sleep 60"
    )
    supervisor = subprocess.Popen(
        [str(KEEP_RUNNING), "sh", "-c", command],
        env={**os.environ, "KEEP_RUNNING_PAUSE": "0.2"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: starts.exists() and len(starts.read_text().split()) >= 3, "3 starts", 30)
        time.sleep(0.5)
        assert len(starts.read_text().split()) == 3  # the third lives on: not started again
        last = int(pids.read_text().split()[-1])
        os.kill(last, 0)  # alive
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(30)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
    assert supervisor.returncode == 0
    stderr = supervisor.stderr.read()
    assert stderr.count("exited with status 3; starting it again in 0.2 s") == 2
    wait_for(lambda: not Path(f"/proc/{last}").exists(), "the command to be stopped", 10)


def test_make_run_and_serve_keep_the_worker_running_and_systemd_restarts_it():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "serve"):
        recipe = makefile.split(f"\n{target}: ", 1)[1].split("\n\n", 1)[0]
        assert "deploy/keep-running $(PY) manage.py db_worker" in recipe, target
    unit = (ROOT / "deploy" / "benxi-cp-worker.service").read_text()
    assert "\nRestart=always\n" in unit and "\nStartLimitIntervalSec=0\n" in unit
