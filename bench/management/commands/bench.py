"""`manage.py bench`: measure every main page, the import and the exports at two scales."""

import os
import shlex
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench import as_users, load, nodes


class Command(BaseCommand):
    help = (
        "Seed the database DATABASE_URL names at each scale (its data is DELETED) and measure "
        "every main page (queries, median and 90th-percentile time), the summary and "
        "dashboards against their bare SQL, the "
        "discharge import and the exports' memory; write docs/benchmarks.md and print it. "
        "With --load: serve the app with gunicorn and measure it under readers and a writer, "
        "and concurrent writes (its own section of docs/benchmarks.md). With --load --nodes N: "
        "the readers against one node, then against N nodes behind nginx with the read "
        "replica (DATABASE_REPLICA_URL), and what each extra node adds (its own section). "
        "With --as-users: what users meet, each in a process of its own with the server's "
        "settings: committed imports (import_data) by wall time and peak memory, a save "
        "through the entry grid over HTTP (gunicorn with deploy/gunicorn.conf.py and the task "
        "worker), and the annual forms in PDF (annual_report) by time and peak memory (its own "
        "section)."
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
            "--groups",
            default="",
            help="time only the pages of these groups (comma-separated: list, api, detail, "
            "dashboard, form, chart, other); all by default",
        )
        parser.add_argument(
            "--load",
            action="store_true",
            help="load mode (PostgreSQL and REDIS_URL), at the last scale of --scales: the "
            "production configuration (gunicorn with deploy/gunicorn.conf.py, 3 workers, the "
            "task worker beside it), six readers over the main pages without and with a "
            "writer, worker memory and concurrent writes; its section of the output replaces "
            "only the "
            "previous load section",
        )
        parser.add_argument(
            "--nodes",
            type=int,
            default=0,
            help="load mode: compare one node with this many behind nginx (needs nginx; with "
            "DATABASE_REPLICA_URL, the nodes read from the replica); its section of the output "
            "replaces only the previous nodes section",
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=60,
            help="load mode: seconds of each run (readers only; readers and a writer)",
        )
        self._as_users_arguments(parser)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of a database that holds records bench did not generate",
        )

    def _as_users_arguments(self, parser) -> None:
        parser.add_argument(
            "--as-users",
            action="store_true",
            help="measure, at the last scale of --scales, what users meet: committed imports, "
            "a save over HTTP, the forms in PDF, each as a user runs it; its section of the "
            "output replaces only the previous one of its kind",
        )
        parser.add_argument(
            "--parts",
            default=",".join(as_users.PARTS),
            help="--as-users: the measurements to run, comma-separated: imports, save, pdf",
        )
        parser.add_argument(
            "--discharge-rows",
            default=",".join(str(n) for n in as_users.DISCHARGE_ROWS),
            help="--as-users: the sizes (rows, comma-separated) of the discharge files imported",
        )
        parser.add_argument(
            "--monitoring-rows",
            type=int,
            default=as_users.MONITORING_ROWS,
            help="--as-users: the rows of the monitoring file imported (0: none)",
        )
        parser.add_argument(
            "--saves",
            type=int,
            default=as_users.SAVES,
            help="--as-users: how many times the grid's save is timed",
        )
        parser.add_argument(
            "--pdf-args",
            action="append",
            default=[],
            metavar="ARGUMENTS",
            help="--as-users: one more annual_report run in PDF, its arguments in one string "
            '(e.g. "--form discharge --district 210502"); may be repeated',
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
        if not scales:
            raise CommandError("--scales names no scale.")
        output = Path(options["output"])
        previous = output.read_text(encoding="utf-8") if output.exists() else ""
        command = ("manage.py bench " + shlex.join(sys.argv[2:])).strip()
        if options["load"]:
            self._load(scales[-1], options, previous, output, command)
            return
        if options["as_users"]:
            self._as_users(scales[-1], options, previous, output, command)
            return
        # Measure what production runs: no query log, no template debug.
        settings.DEBUG = False
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        groups = {g for g in options["groups"].split(",") if g}
        known = set(benchmark.GROUPS) if groups else set()
        if groups - known:
            raise CommandError(f"--groups: unknown {', '.join(sorted(groups - known))}.")
        skip = tuple(sorted(known - groups))
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
                    skip_groups=skip,
                    log=lambda text: self.stderr.write(text),
                )
            )
        document = benchmark.render(results, command)
        kept = load.load_section(previous)  # the last load runs' sections stay
        if kept:
            document = load.merge_section(document, kept)
        kept = nodes.nodes_section(previous)
        if kept:
            document = nodes.merge_nodes(document, kept)
        kept = as_users.as_users_section(previous)
        if kept:
            document = as_users.merge_as_users(document, kept)
        self._write(document, output, options)

    def _as_users(self, scale, options, previous: str, output: Path, command: str) -> None:
        parts = tuple(p for p in options["parts"].split(",") if p)
        unknown = set(parts) - set(as_users.PARTS)
        if unknown or not parts:
            raise CommandError(
                f"--parts: unknown {', '.join(sorted(unknown)) or '(none given)'}; "
                f"choose among {', '.join(as_users.PARTS)}."
            )
        try:
            sizes = tuple(int(n) for n in options["discharge_rows"].split(",") if n)
        except ValueError:
            raise CommandError("--discharge-rows: whole numbers, comma-separated.") from None
        if any(n <= 0 for n in sizes) or options["monitoring_rows"] < 0:
            raise CommandError("--discharge-rows and --monitoring-rows must be positive.")
        if not 1 <= options["saves"] <= 1000:
            raise CommandError("--saves must be between 1 and 1000.")
        name, spec = scale
        started = time.monotonic()
        result = as_users.run_as_users(
            name,
            spec,
            parts=parts,
            discharge_rows=sizes,
            monitoring_rows=options["monitoring_rows"],
            saves=options["saves"],
            pdf_extra=options["pdf_args"],
            reuse=options["reuse"],
            log=lambda text: self.stderr.write(f"[{time.monotonic() - started:5.0f} s] {text}"),
        )
        section = as_users.render_as_users(result, command)
        document = as_users.merge_as_users(previous or "# Benchmarks\n", section)
        self._write(document, output, options)

    def _load(self, scale, options, previous: str, output: Path, command: str) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            raise CommandError(
                "--load needs PostgreSQL: set DATABASE_URL (gunicorn's workers and the "
                "concurrent writers share the database)."
            )
        # The arguments first, then what the machine must give.
        if options["nodes"] and not 2 <= options["nodes"] <= 8:
            raise CommandError("--nodes must be between 2 and 8.")
        if not os.environ.get("REDIS_URL"):
            raise CommandError(
                "--load runs the production configuration, whose figures are cached in Redis: "
                "set REDIS_URL (a Redis database of the benchmark's own)."
            )
        if options["duration"] <= 0 or options["duration"] > 3600:
            raise CommandError("--duration must be between 0 and 3600 seconds.")
        settings.DEBUG = False
        name, spec = scale
        started = time.monotonic()
        if options["nodes"]:
            self._nodes(name, spec, options, previous, output, command, started)
            return
        result = load.run_load(
            name,
            spec,
            duration=options["duration"],
            reuse=options["reuse"],
            log=lambda text: self.stderr.write(f"[{time.monotonic() - started:5.0f} s] {text}"),
        )
        section = load.render_load(result, command)
        document = load.merge_section(previous or "# Benchmarks\n", section)
        self._write(document, output, options)

    def _nodes(self, name, spec, options, previous, output, command, started) -> None:
        try:
            result = nodes.run_nodes(
                name,
                spec,
                nodes=options["nodes"],
                duration=options["duration"],
                reuse=options["reuse"],
                log=lambda text: self.stderr.write(f"[{time.monotonic() - started:5.0f} s] {text}"),
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        section = nodes.render_nodes(result, command)
        self._write(nodes.merge_nodes(previous or "# Benchmarks\n", section), output, options)

    def _write(self, document: str, output: Path, options) -> None:
        if not options["no_write"]:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(document, encoding="utf-8")
        self.stdout.write(document)
