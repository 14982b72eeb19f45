from django.core.management.base import BaseCommand, CommandError

from benxi_cp.validators import FIRST_YEAR, LAST_YEAR, in_range
from targets.computations import recompute


class Command(BaseCommand):
    help = (
        "Recompute the actual values of every computed indicator for the given year(s) from "
        "the records (verified annual discharge reports, audits, the register). A value "
        "somebody entered is never overwritten; a computed value whose records are gone is "
        "removed. Prints one summary line per year."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            required=True,
            help="The year to recompute; repeat for several years.",
        )

    def handle(self, *args, **options):
        for year in options["year"]:
            if not in_range(year):
                raise CommandError(f"The year {year} is out of range ({FIRST_YEAR}–{LAST_YEAR}).")
        for year in options["year"]:
            summary = recompute(year)
            self.stdout.write(str(summary))
            if summary.unknown:
                self.stderr.write(
                    f"{year}: indicators naming an unknown computation: "
                    + ", ".join(summary.unknown)
                )
