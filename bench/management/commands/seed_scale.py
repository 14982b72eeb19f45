"""Build a deterministic scale data set: `seed_scale --enterprises N --years Y [--monthly]`."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Generate a deterministic, realistic data set of N enterprises over Y years (with "
        "--monthly, monthly reports too) through bulk inserts (COPY on PostgreSQL). Refuses "
        "a database that holds enterprises, audits or reports unless --force, which deletes "
        "them (and every other row of the data apps) first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=60)
        parser.add_argument("--years", type=int, default=6)
        parser.add_argument("--monthly", action="store_true", help="monthly reports as well")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="delete existing data first")

    def handle(self, *args, **options):
        from bench.scale import DatabaseNotEmpty, ScaleSpec, seed

        if options["enterprises"] < 1 or not 1 <= options["years"] <= 50:
            raise CommandError("--enterprises must be at least 1 and --years between 1 and 50.")
        spec = ScaleSpec(
            enterprises=options["enterprises"],
            years=options["years"],
            monthly=options["monthly"],
            seed=options["seed"],
        )
        try:
            result = seed(spec, force=options["force"])
        except DatabaseNotEmpty as refused:
            raise CommandError(str(refused)) from None
        counts = ", ".join(f"{count} {table}" for table, count in result.counts.items())
        self.stdout.write(f"Seeded {spec.label} in {result.seconds:.1f} s: {counts}.")
