import datetime

from django.core.management.base import BaseCommand, CommandError

from benxi_cp import clock
from portal.certificates import send_certificate_reminders


class Command(BaseCommand):
    help = (
        "E-mail each enterprise's preparers and signatories (active grants, an address) when "
        "its latest CP acceptance certificate expires within six months, and again when it "
        "has expired, in their language; each person once per certificate and threshold "
        "(recorded). A failed send is tried again by the next run. --dry-run lists what "
        "would be sent and sends and records nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent; send nothing"
        )
        parser.add_argument("--date", help="act as on this day (YYYY-MM-DD) instead of today")

    def handle(self, *args, **options):
        today = clock.today()
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date {options['date']!r} is not YYYY-MM-DD.") from None
        dry_run = options["dry_run"]
        outcome = send_certificate_reminders(today, dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        for username, ref in outcome.sent:
            self.stdout.write(f"{verb}: {username} ({ref})")
        for username, error in outcome.failed:
            self.stderr.write(f"failed: {username}: {error}")
        self.stdout.write(
            f"{today:%Y-%m-%d}: {verb} {len(outcome.sent)}, failed {len(outcome.failed)}."
        )
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} messages could not be sent.")
