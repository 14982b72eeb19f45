from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benxi_cp.importers import get_importer, importer_kinds


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file in one of the formats of docs/formats/. All or nothing: "
        "when any row has an error nothing is written, every error is printed as "
        "'row N, column: message' and the command exits non-zero. --dry-run checks only. "
        "An import of several files checked as one (an importer of several parts, such as a "
        "history of records) takes them all, or one workbook with a sheet for each; its "
        "errors name the file as well."
    )
    # Django's system checks load every URL configuration and view (seconds at start, longer
    # than a file of thousands of rows takes to import); the rows' own checks all run.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=importer_kinds())
        parser.add_argument("files", type=Path, nargs="+", metavar="file")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    def handle(self, *args, kind: str, files: list[Path], dry_run: bool, **options):
        for file in files:
            if not file.is_file():
                raise CommandError(f"cannot read {file}: no such file")
        importer = get_importer(kind)()
        if importer.parts:
            result = importer.run_files(files, dry_run=dry_run)
        elif len(files) > 1:
            raise CommandError(f"{kind} imports one file at a time")
        else:
            # The rows are read from the file as they are needed (benxi_cp/tabular.py).
            result = importer.run(files[0], files[0].name, dry_run=dry_run)
        names = ", ".join(file.name for file in files)
        if not result.ok:
            for issue in result.errors:
                self.stderr.write(str(issue))
            if result.errors_cut:
                self.stderr.write(f"(the first {len(result.errors)} errors)")
            raise CommandError(f"{names} refused: {result.error_count} error(s), nothing written")
        prefix = "dry run: would have " if dry_run else ""
        self.stdout.write(prefix + result.summary)
