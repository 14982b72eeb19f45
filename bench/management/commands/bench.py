"""`manage.py bench`: measure every main page, the import and the exports at two scales."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Seed the database DATABASE_URL names at each scale (its data is DELETED) and measure "
        "every main page (queries, median and 90th-percentile time), the summary and "
        "dashboards against their bare SQL, the "
        "discharge import and the exports' memory; write docs/benchmarks.md and print it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scales",
            default="small,province",
            help="comma-separated scales: small, city, province, tiny, or NxY[m] (m: monthly)",
        )
        parser.add_argument("--repeats", type=int, default=7)
        parser.add_argument("--import-rows", type=int, default=5000)
        parser.add_argument(
            "--page-limit",
            type=float,
            default=60,
            help="seconds after which a page is stopped and shown as timed out",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="do not re-seed a scale the database already holds (the last one seeded)",
        )
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md")
        )
        parser.add_argument("--no-write", action="store_true", help="print only")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of a database that holds records bench did not generate",
        )

    def handle(self, *args, **options):
        from bench import benchmark
        from bench.scale import holds_data
        from benxi_cp.models import SiteFlag

        # Seeding deletes every enterprise, audit and report: never those of a real or demo
        # database by accident, only data that an earlier bench run generated.
        generated = SiteFlag.objects.filter(key="bench_scale").exists()
        if holds_data() and not generated and not options["force"]:
            raise CommandError(
                "The database holds enterprises, audits or discharge reports that bench did not "
                "generate, and bench replaces them. Point DATABASE_URL at a database for "
                'benchmarks, or pass --force (make bench BENCH_ARGS="--force").'
            )

        try:
            scales = [benchmark.parse_scale(s) for s in options["scales"].split(",") if s]
        except ValueError as error:
            raise CommandError(str(error)) from None
        # Measure what production runs: no query log, no template debug.
        settings.DEBUG = False
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        results = []
        for name, spec in scales:
            results.append(
                benchmark.measure(
                    name,
                    spec,
                    repeats=options["repeats"],
                    reuse=options["reuse"],
                    import_rows=options["import_rows"],
                    page_limit=options["page_limit"],
                    log=lambda text: self.stderr.write(text),
                )
            )
        command = "manage.py bench " + " ".join(sys.argv[2:])
        document = benchmark.render(results, command.strip())
        if not options["no_write"]:
            output = Path(options["output"])
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(document, encoding="utf-8")
        self.stdout.write(document)
