"""Backup and restore of the database and the uploaded documents (`manage.py backup DIR`,
`manage.py restore DIR`).

A backup is a folder:

- `database.sqlite3`: SQLite's own online backup of the whole database file, or
  `database.pgdump`: `pg_dump --format=custom` of the PostgreSQL database (a consistent
  snapshot, taken while the site runs);
- `media.tar.gz`: the uploaded documents (MEDIA_ROOT); or, with the files in an S3 bucket
  (BENXI_S3_BUCKET), `storage/`: a copy of every object under BENXI_S3_PREFIX (but the
  background jobs' files, `jobs/`, which a backup of the disk leaves out too), one file each;
- `backup.json`: what the folder holds (engine, time, the last migration of each app).

Both are copies of the database as it stands, with its triggers (the locks of verified reports,
the cache tokens) and the ledger of annual discharge: nothing is re-created by the
application's code, so the restored figures are the saved ones. A restore replaces the whole
database and the whole MEDIA_ROOT (or the bucket's objects under the prefix), in the same
engine (SQLite to SQLite, PostgreSQL to PostgreSQL); afterwards `manage.py migrate` brings an
older backup up to the application's version. Every figure cached before (in Redis or a
process's memory) is dropped: the restore gives each scope a new token.
"""

import datetime
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

MANIFEST = "backup.json"
MEDIA = "media.tar.gz"
STORAGE = "storage"  # the bucket's objects, a folder
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot be done; nothing was changed."""


@dataclass
class Manifest:
    engine: str
    created: str
    database: str
    media: str
    migrations: dict[str, str]
    format: int = FORMAT

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        path = folder / MANIFEST
        if not path.is_file():
            raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(**data)
        except (ValueError, TypeError) as error:
            raise BackupError(f"{path} cannot be read: {error}") from None
        if manifest.format != FORMAT:
            raise BackupError(f"{path} is of format {manifest.format}, not {FORMAT}.")
        return manifest


def _engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups cover SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _last_migrations() -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        last[app] = max(last.get(app, name), name)
    return dict(sorted(last.items()))


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the database Django uses (pg_dump, pg_restore and psql read
    them; the password never appears on a command line)."""
    db = connection.settings_dict
    env = dict(os.environ)
    pairs = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(command, capture_output=True, env=_pg_environment(), **kwargs)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed (apt-get install postgresql-client)."
        ) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise BackupError(f"{command[0]} failed: {message}")
    return result


def _tar_media(target: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(target, "w:gz") as archive:
        if media_root.is_dir():
            archive.add(media_root, arcname="media")


def _bucket():
    """The default storage's S3 bucket and key prefix, or None for files on disk."""
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    if not isinstance(default_storage, S3Storage):
        return None
    prefix = default_storage.location.strip("/")
    return default_storage.bucket, f"{prefix}/" if prefix else ""


def _bucket_keys(bucket, prefix: str) -> dict[str, str]:
    """Each object under the prefix (the jobs' files left out): its name below the prefix."""
    keys = {}
    for summary in bucket.objects.filter(Prefix=prefix):
        name = summary.key[len(prefix) :]
        if name and not name.startswith("jobs/") and not name.endswith("/"):
            keys[summary.key] = name
    return keys


def _copy_bucket(target: Path) -> None:
    bucket, prefix = _bucket()
    target.mkdir()
    for key, name in _bucket_keys(bucket, prefix).items():
        path = target / name
        if ".." in path.relative_to(target).parts:
            raise BackupError(f"The bucket's object {key} cannot be a file of the backup.")
        path.parent.mkdir(parents=True, exist_ok=True)
        bucket.download_file(key, str(path))


def _restore_bucket(source: Path) -> None:
    """Put every file of `source` back as an object under the prefix, then delete the objects
    the backup did not have (the jobs' files stay)."""
    bucket, prefix = _bucket()
    kept = set()
    for path in sorted(source.rglob("*")):
        if path.is_file():
            key = prefix + path.relative_to(source).as_posix()
            bucket.upload_file(str(path), key)  # no ACL: as private as the bucket
            kept.add(key)
    for key in _bucket_keys(bucket, prefix):
        if key not in kept:
            bucket.Object(key).delete()


def backup(folder: Path) -> Manifest:
    """Write a backup into `folder` (created; it must not hold anything yet)."""
    engine = _engine()
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} already exists and is not an empty folder.")
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / DATABASE_FILES[engine]
    connection.ensure_connection()
    migrations = _last_migrations()
    if engine == "sqlite":
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={database}"])
    if _bucket() is None:
        _tar_media(folder / MEDIA)
    else:
        _copy_bucket(folder / STORAGE)
    manifest = Manifest(
        engine=engine,
        created=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        database=database.name,
        media=MEDIA if _bucket() is None else STORAGE,
        migrations=migrations,
    )
    (folder / MANIFEST).write_text(
        json.dumps(manifest.__dict__, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def _restore_sqlite(database: Path) -> None:
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(database: Path) -> None:
    """Drop the schema and load the dump, in one transaction: all of it or nothing."""
    connection.close()  # the restore drops what this connection could hold locks on
    script = _run(["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(database)]).stdout
    _run(
        [
            "psql",
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            "--command=DROP SCHEMA public CASCADE",
            "--command=CREATE SCHEMA public",
            "--file=-",
        ],
        input=script,
    )


def _unpack(source: Path, scratch: Path) -> Path:
    """The backup's files as a folder in `scratch`: the archive unpacked, or the bucket's
    copy copied."""
    unpacked = scratch / "media"
    if source.is_dir():
        shutil.copytree(source, unpacked)
        return unpacked
    with tarfile.open(source, "r:gz") as archive:
        for member in archive.getmembers():
            if member.name != "media" and not member.name.startswith("media/"):
                raise BackupError(f"{source} holds {member.name}, outside media/.")
        archive.extractall(scratch, filter="data")
    unpacked.mkdir(exist_ok=True)
    return unpacked


def _restore_media(source: Path) -> None:
    """Unpack beside MEDIA_ROOT, then swap: the old folder is removed only once the new one
    is complete. With a bucket, its objects are put back (from either kind of backup)."""
    if _bucket() is not None:
        if source.is_dir():
            _restore_bucket(source)
            return
        with tempfile.TemporaryDirectory(prefix="benxi-restore-") as scratch:
            _restore_bucket(_unpack(source, Path(scratch)))
        return
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as scratch:
        scratch = Path(scratch)
        unpacked = _unpack(source, scratch)
        old = scratch / "old"
        if media_root.exists():
            media_root.rename(old)
        unpacked.rename(media_root)


def _new_tokens() -> None:
    """Every cached figure was computed under a token of before: give each scope a new one."""
    from benxi_cp.models import DataVersion

    for version in DataVersion.objects.all():
        version.token = secrets.randbits(62) + 1
        version.save(update_fields=["token"])


def restore(folder: Path) -> Manifest:
    """Replace the database and MEDIA_ROOT (or the bucket's objects) with the backup in
    `folder`."""
    folder = Path(folder)
    manifest = Manifest.read(folder)
    engine = _engine()
    if manifest.engine != engine:
        raise BackupError(
            f"{folder} is a backup of a {manifest.engine} database; this one is {engine}."
        )
    database, media = folder / manifest.database, folder / manifest.media
    if not database.is_file():
        raise BackupError(f"{database} is missing.")
    if not (media.is_file() if manifest.media == MEDIA else media.is_dir()):
        raise BackupError(f"{media} is missing.")
    if engine == "sqlite":
        _restore_sqlite(database)
    else:
        _restore_postgresql(database)
    _new_tokens()
    _restore_media(media)
    return manifest
