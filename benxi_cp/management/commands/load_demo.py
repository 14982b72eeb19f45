from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from benxi_cp.demo import print_logins
from benxi_cp.models import SiteFlag


class Command(BaseCommand):
    help = (
        "Load the demonstration city: demo users (one per role), enterprises and, as the apps "
        "provide them, audits, discharge reports and targets. Each app's demo.py is run in the "
        "order of INSTALLED_APPS (after each one's prepare(), if it has one). Running it twice "
        "leaves the same data, every year open."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            modules = []
            for app_config in apps.get_app_configs():
                try:
                    modules.append(import_module(f"{app_config.name}.demo"))
                except ModuleNotFoundError as error:
                    if error.name != f"{app_config.name}.demo":
                        raise
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
