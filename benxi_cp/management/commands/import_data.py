from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benxi_cp.importers import get_importer, importer_kinds


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file in one of the formats of docs/formats/. All or nothing: "
        "when any row has an error nothing is written, every error is printed as "
        "'row N, column: message' and the command exits non-zero. --dry-run checks only."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=importer_kinds())
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    def handle(self, *args, kind: str, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"cannot read {file}: no such file")
        # The rows are read from the file as they are needed (benxi_cp/tabular.py).
        result = get_importer(kind)().run(file, file.name, dry_run=dry_run)
        if not result.ok:
            for issue in result.errors:
                self.stderr.write(str(issue))
            if result.errors_cut:
                self.stderr.write(f"(the first {len(result.errors)} errors)")
            raise CommandError(
                f"{file.name} refused: {result.error_count} error(s), nothing written"
            )
        prefix = "dry run: would have " if dry_run else ""
        self.stdout.write(prefix + result.summary)
