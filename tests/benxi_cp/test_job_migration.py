"""The migration that put the imports' jobs and the other background jobs in one table
(benxi_cp 0008): every row copied, a job under way at the upgrade copied as lost (to be
tried again), an import's stored file moved along.

The test database is made by benxi_cp's squashed migration, which replaces 0008 (Django records
the replaced migrations as applied with it): the executor here reads the migrations without
their squashes, so that it goes back to 0007 and runs 0008 as a deployed database did."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

BEFORE = ("benxi_cp", "0007_background_jobs")
AFTER = ("benxi_cp", "0008_jobs_in_one_table")


def replaced_chain_executor():
    executor = MigrationExecutor(connection)
    executor.loader = MigrationLoader(connection, replace_migrations=False)
    return executor


@pytest.mark.django_db(transaction=True)
def test_both_tables_of_jobs_are_copied_into_one(administrator):
    executor = replaced_chain_executor()
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    ImportJob = old.get_model("benxi_cp", "ImportJob")
    BackgroundJob = old.get_model("benxi_cp", "BackgroundJob")
    spool = Path(settings.IMPORT_SPOOL_DIR) / "jobs"
    spool.mkdir(parents=True, exist_ok=True)
    (spool / "waiting.csv").write_text("code,name\n")
    long_ago = timezone.now() - datetime.timedelta(hours=3)
    checked = ImportJob.objects.create(
        user_id=administrator.pk,
        kind="enterprises",
        filename="big.csv",
        file="jobs/waiting.csv",
        size=11,
        dry_run=True,
        status="checked",
        rows_total=30,
        rows_done=30,
        created_count=30,
        preview=[{"row": 2, "action": "created", "label": "甲"}],
    )
    ImportJob.objects.filter(pk=checked.pk).update(created=long_ago)
    ImportJob.objects.create(
        user_id=administrator.pk,
        kind="discharge",
        filename="bad.csv",
        status="refused",
        rows_total=3,
        error_count=250,
        errors=["row 3, year: not a year"],
    )
    BackgroundJob.objects.create(
        user_id=administrator.pk,
        kind="form_export",
        params={"name": "programme", "year": 2000, "fmt": "pdf"},
        status="running",
        steps_done=1,
        steps_total=3,
    )

    executor = replaced_chain_executor()
    executor.migrate([AFTER])
    Job = executor.loader.project_state([AFTER]).apps.get_model("benxi_cp", "Job")
    jobs = {job.filename or job.kind: job for job in Job.objects.all()}
    assert set(jobs) == {"big.csv", "bad.csv", "form_export"}
    big = jobs["big.csv"]
    assert (big.kind, big.params, big.status, big.dry_run) == (
        "import",
        {"importer": "enterprises"},
        "checked",
        True,
    )
    assert (big.done, big.total, big.result["created"], big.created) == (30, 30, 30, long_ago)
    assert big.result["preview"] == [{"row": 2, "action": "created", "label": "甲"}]
    assert big.file.name == "files/waiting.csv"
    assert (Path(settings.BENXI_JOB_FILES_DIR) / big.file.name).read_text() == "code,name\n"
    assert not (spool / "waiting.csv").exists()
    bad = jobs["bad.csv"]
    assert (bad.status, bad.result["error_count"], bad.messages) == (
        "refused",
        250,
        ["row 3, year: not a year"],
    )
    export = jobs["form_export"]
    assert (export.status, export.lost, export.done, export.total) == ("failed", True, 1, 3)
    assert export.params == {"name": "programme", "year": 2000, "fmt": "pdf"}
