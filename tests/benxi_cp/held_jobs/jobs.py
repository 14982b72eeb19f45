"""The "held" kind of job: reads its file, says it started, and waits for its release file;
with the parameter `atomic`, inside a transaction (as an import holds its own to the end)."""

import contextlib
import os
import time
from pathlib import Path

from django.db import transaction

from benxi_cp import jobs
from benxi_cp.models import Job

HELD = "held"


def run(job: Job, progress) -> jobs.Outcome:
    content = job.file.read().decode()
    held = transaction.atomic() if job.params.get("atomic") else contextlib.nullcontext()
    with held:
        progress(1, 2, "")
        release = Path(job.params["release"])
        deadline = time.monotonic() + 300
        while not release.exists():
            if time.monotonic() > deadline:
                raise TimeoutError("never released")
            time.sleep(0.05)
        progress(2, 2, "")
    return jobs.Outcome(result={"read": content, "worker_pid": os.getpid()})


KIND = jobs.JobKind(
    name=HELD,
    title="held job",
    run=run,
    describe=lambda job: f"held job {job.pk}",
    needs_file=True,
)
