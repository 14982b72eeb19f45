from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from benxi_cp.demo import print_logins
from benxi_cp.models import SiteFlag


def demo_modules() -> list[ModuleType]:
    """Each app's demo.py, in the order of INSTALLED_APPS."""
    modules = []
    for app_config in apps.get_app_configs():
        try:
            modules.append(import_module(f"{app_config.name}.demo"))
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.demo":
                raise
    return modules


def foreign_records(modules: list[ModuleType]) -> dict[str, int]:
    """What the database holds that the demo did not make, by kind: count (non-zero only).
    Each app's demo.py names its own (`foreign_records(loaded)`)."""
    loaded = SiteFlag.objects.filter(key=SiteFlag.DEMO_LOADED).exists()
    found: dict[str, int] = {}
    for module in modules:
        if hasattr(module, "foreign_records"):
            found.update(module.foreign_records(loaded))
    return {kind: count for kind, count in found.items() if count}


class Command(BaseCommand):
    help = (
        "Load the demonstration city: demo users (one per role), enterprises and, as the apps "
        "provide them, audits, discharge reports and targets. Each app's demo.py is run in the "
        "order of INSTALLED_APPS, after each one's prepare() if it has one. Running it twice "
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
        modules = demo_modules()
        if not options["force"]:
            if not (settings.DEBUG or settings.BENXI_DEMO_ALLOWED):
                raise CommandError(
                    "DEBUG is off: this looks like a production server, and the demo would give "
                    "its accounts (admin among them) the passwords the README prints. Nothing "
                    "was loaded. Pass --force to load it all the same (a demonstration server)."
                )
            foreign = foreign_records(modules)
            if foreign:
                held = ", ".join(f"{count} {kind}" for kind, count in foreign.items())
                raise CommandError(
                    f"The database holds records the demo did not make ({held}); the demo "
                    "would mix with them and reset accounts. Nothing was loaded. Point "
                    "DATABASE_URL at another database, or pass --force."
                )
        with transaction.atomic():
            # What must happen before any app loads (reports: closed years are reopened, so
            # that their records can be loaded again).
            for module in modules:
                if hasattr(module, "prepare"):
                    module.prepare(self.stdout)
            for module in modules:
                module.load(self.stdout)
            SiteFlag.objects.update_or_create(key=SiteFlag.DEMO_LOADED, defaults={"value": "1"})
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        print_logins(self.stdout)
        # The apps' own demo accounts (the enterprise users), after the staff's.
        for module in modules:
            if module.__name__ != "benxi_cp.demo" and hasattr(module, "print_logins"):
                module.print_logins(self.stdout)
