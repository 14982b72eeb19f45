from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benxi_cp.backup import BackupError, Manifest, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database and MEDIA_ROOT (or the S3 bucket's objects) with the "
        "backup in DIR (made by `manage.py backup`, of the same engine). Stop the site first. "
        "Asks for confirmation unless --no-input. Then run `manage.py migrate` (make restore "
        "does) for a backup of an older version."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="folder of the backup")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="do not ask"
        )

    def handle(self, *args, **options):
        folder = Path(options["dir"])
        try:
            manifest = Manifest.read(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if options["interactive"]:
            answer = input(
                f"This replaces every record and uploaded document with the backup of "
                f"{manifest.created}. Type 'yes' to go on: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored the backup of {manifest.created} from {folder}.")
