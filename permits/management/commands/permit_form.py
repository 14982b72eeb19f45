"""The compliance and fee forms of a year as CSV (docs/formats/compliance-summary.md)."""

import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand

from permits import compliance


def _forms() -> dict:
    from permits import fees

    return {
        "compliance": (compliance.HEADER, compliance.csv_rows),
        "fees": (fees.HEADER, fees.csv_rows),
    }


class Command(BaseCommand):
    help = (
        "Write the compliance form (each outlet, pollutant and basis with a limit in force in "
        "the year: samples, exceedances, chronic and serious flags, missing monitoring; each "
        "permitted annual quantity against the verified discharge) or the fee form (the "
        "environmental protection tax) of a year as CSV, column by column as "
        "docs/formats/compliance-summary.md states them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--form", required=True, choices=["compliance", "fees"])
        parser.add_argument("--output", dest="output_path", type=Path, help="file to write")

    def handle(self, *args, year: int, form: str, output_path: Path | None, **options):
        header, rows = _forms()[form]
        if output_path is None:
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows(year))
            self.stdout.write(text.getvalue(), ending="")
            return
        with output_path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows(year))
        self.stdout.write(f"wrote {output_path}")
