"""Backup and restore (benxi_cp/backup.py): a backup restored into a fresh database, by
another process as on a new server, gives the same programme summary, the same ledger and
the same uploaded documents; on SQLite and on PostgreSQL (DATABASE_URL)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from audits.models import Audit, AuditDocument
from benxi_cp import backup

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str], stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def summary_and_ledger(run) -> tuple[str, list]:
    """The programme summary of 2001 as the annual form's CSV, and every ledger row."""
    summary = run("annual_report", "--year", "2001", "--form", "programme", "--format", "csv")
    ledger = json.loads(run("dumpdata", "enterprises.AnnualDischarge", "--indent", "0"))
    return summary, sorted(ledger, key=lambda row: row["pk"])


def in_process(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def fresh_database(tmp_path):
    """The DATABASE_URL of an empty database of this test's engine, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "dbname": "postgres"}
    if db["PASSWORD"]:
        params["password"] = db["PASSWORD"]
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    yield f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_holds_the_same_figures_and_files(
    tmp_path, settings, fresh_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=io.StringIO())
    audit = Audit.objects.order_by("ref").first()
    content = "工作计划 work plan\n".encode()
    document = AuditDocument.objects.create(
        audit=audit,
        step=audit.steps.order_by("number").first(),
        file=ContentFile(content, name="plan.txt"),
        filename="plan.txt",
        content_type="text/plain",
        size_bytes=len(content),
    )
    signature, copy = signed_with_copy()
    expected = summary_and_ledger(in_process)
    assert len(expected[1]) > 500 and "coverage" in expected[0]

    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=io.StringIO())
    manifest = json.loads((folder / "backup.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["migrations"]["enterprises"].startswith("00")

    # Another machine: a fresh database and an empty folder for its files.
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": fresh_database,
        "BENXI_VAR_DIR": str(tmp_path / "restored-var"),
        "DJANGO_SETTINGS_MODULE": "benxi_cp.settings",
    }
    # Asked first: anything but "yes" changes nothing.
    refused = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder)],
        cwd=ROOT,
        env=env,
        input="no\n",
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert refused.returncode == 1 and "nothing was changed" in refused.stderr
    assert "Restored" in manage("restore", str(folder), env=env, stdin="yes\n")

    assert summary_and_ledger(lambda *args: manage(*args, env=env)) == expected
    restored = tmp_path / "restored-var" / "media" / document.file.name
    assert restored.read_bytes() == content
    # The locks of verified reports came with it: a verified value cannot be changed there.
    locked = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", LOCK_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert locked.stdout.splitlines()[-1] == "refused", locked.stderr
    # The signatures and their copies of record came with it, still matching their hashes.
    probe = manage("shell", "-c", SIGNATURE_PROBE, env=env).splitlines()[-1]
    assert probe == f"{signature.pk} {signature.document_sha256} {copy.file_sha256} ok"


def signed_with_copy():
    """The demo's accepted submission, signed by the demo signatory, and its copy of record
    (the demo leaves it to the first download: made here)."""
    from portal import copies
    from portal.models import CopyOfRecord, Signature

    signature = Signature.objects.get(
        signer__username="firm1sign", report__status="verified", number=1
    )
    assert not CopyOfRecord.objects.exists()
    return signature, copies.copy_of(signature)


SIGNATURE_PROBE = """
from portal import copies
from portal.models import CopyOfRecord
copy = CopyOfRecord.objects.select_related("signature").get()
copies.checked_content(copy)
signature = copy.signature
print(signature.pk, signature.document_sha256, copy.file_sha256, "ok")
"""


LOCK_PROBE = """
from django.db import DatabaseError, transaction
from enterprises.models import DischargeValue
value = DischargeValue.objects.filter(report__status="verified").first()
try:
    with transaction.atomic():
        DischargeValue.objects.filter(pk=value.pk).update(amount=value.amount + 1)
    print("changed")
except DatabaseError:
    print("refused")
"""


@pytest.mark.django_db
def test_backup_writes_into_an_empty_folder_only(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("backup", str(tmp_path), stdout=io.StringIO())


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup_of_this_engine(tmp_path):
    with pytest.raises(CommandError, match="has no backup.json"):
        call_command("restore", str(tmp_path), "--no-input")
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    (tmp_path / "backup.json").write_text(
        json.dumps(
            {
                "engine": other,
                "created": "2001-12-31T00:00:00+00:00",
                "database": backup.DATABASE_FILES[other],
                "media": backup.MEDIA,
                "migrations": {},
                "format": backup.FORMAT,
            }
        )
    )
    with pytest.raises(CommandError, match=f"backup of a {other} database"):
        call_command("restore", str(tmp_path), "--no-input")
