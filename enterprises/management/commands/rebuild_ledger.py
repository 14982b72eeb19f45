"""`manage.py rebuild_ledger`: recompute the annual discharge ledger from the raw reports."""

from django.core.management.base import BaseCommand

from enterprises import ledger


class Command(BaseCommand):
    help = (
        "Recompute the ledger of annual discharge (one figure per enterprise, year and "
        "pollutant: the annual report, else four quarters, else twelve months; verified or "
        "provisional) from the discharge reports, replacing what it holds, in one transaction."
    )

    def handle(self, *args, **options):
        count = ledger.rebuild()
        self.stdout.write(f"ledger rebuilt: {count} figures")
