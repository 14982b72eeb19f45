from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benxi_cp.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded documents into DIR (created; it must not hold "
        "anything yet): the database as SQLite's online backup or pg_dump's custom format, "
        "MEDIA_ROOT as media.tar.gz (with BENXI_S3_BUCKET: the objects under the prefix, "
        "in storage/), and backup.json. The site may keep running meanwhile; "
        "a document uploaded during the backup may be missing from it."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="folder to write the backup into")

    def handle(self, *args, **options):
        try:
            manifest = backup(Path(options["dir"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup of the {manifest.engine} database and the documents written to "
            f"{options['dir']} ({manifest.created})."
        )
