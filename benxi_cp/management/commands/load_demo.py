from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from benxi_cp import clock
from benxi_cp.demo import Demo, print_logins
from benxi_cp.models import SiteFlag
from benxi_cp.registry import registry


def demo_parts() -> list[Demo]:
    """Each app's part of the demo, in the order of INSTALLED_APPS (registry.demo)."""
    return list(registry.demo)


def foreign_records(parts: list[Demo]) -> dict[str, int]:
    """What the database holds that the demo did not make, by kind: count (non-zero only).
    Each app's part names its own (`foreign_records(loaded)`)."""
    loaded = SiteFlag.objects.filter(key=SiteFlag.DEMO_LOADED).exists()
    found: dict[str, int] = {}
    for part in parts:
        if part.foreign_records is not None:
            found.update(part.foreign_records(loaded))
    return {kind: count for kind, count in found.items() if count}


class Command(BaseCommand):
    help = (
        "Load the demonstration city: demo users (one per role) and each app's records, as "
        "the apps provide them. Each app's part is loaded in the order of INSTALLED_APPS, "
        "after every part's prepare() where it has one. Running it twice "
        "leaves the same data, every year open. It sets the demo accounts' passwords to the "
        "ones the README prints, and replaces the demo's records: it refuses with DEBUG off, "
        "and on a database holding users or records it did not make, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even with DEBUG off or on a database holding records the demo did not make",
        )

    def handle(self, *args, **options):
        parts = demo_parts()
        if not options["force"]:
            if not (settings.DEBUG or settings.BENXI_DEMO_ALLOWED):
                raise CommandError(
                    "DEBUG is off: this looks like a production server, and the demo would give "
                    "its accounts (admin among them) the passwords the README prints. Nothing "
                    "was loaded. Pass --force to load it all the same (a demonstration server)."
                )
            foreign = foreign_records(parts)
            if foreign:
                held = ", ".join(f"{count} {kind}" for kind, count in foreign.items())
                raise CommandError(
                    f"The database holds records the demo did not make ({held}); the demo "
                    "would mix with them and reset accounts. Nothing was loaded. Point "
                    "DATABASE_URL at another database, or pass --force."
                )
        with transaction.atomic():
            # What must happen before any app loads (closed years are reopened, say, so that
            # their records can be loaded again).
            for part in parts:
                if part.prepare is not None:
                    part.prepare(self.stdout)
            for part in parts:
                part.load(self.stdout)
            # The demo's own date (benxi_cp/clock.py): its queues are computed as of then.
            SiteFlag.objects.update_or_create(
                key=SiteFlag.DEMO_LOADED, defaults={"value": clock.DEMO_TODAY.isoformat()}
            )
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        print_logins(self.stdout)
        # The apps' own demo accounts, after the staff's.
        for part in parts:
            if part.print_logins is not None:
                part.print_logins(self.stdout)
