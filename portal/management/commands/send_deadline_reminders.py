import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benxi_cp import clock
from portal.reminders import send_deadline_reminders


class Command(BaseCommand):
    help = (
        "E-mail each enterprise's preparers and signatories (active grants, an address) the "
        "reports of their enterprises that are overdue or due within BENXI_REMINDER_DAYS "
        "days (monthly by the 15th of the next month, quarterly within 15 days of the "
        "quarter, annual by 31 January: portal/deadlines.py) and the drafts or returned "
        "reports awaiting signature, in their language (Chinese if unknown). Each person is "
        "told of each deadline at most once (recorded); a person with nothing new gets "
        "nothing, and a failed send is tried again by the next run. --dry-run lists what "
        "would be sent and sends and records nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent; send nothing"
        )
        parser.add_argument("--date", help="act as on this day (YYYY-MM-DD) instead of today")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="a report due within this many days is due soon (default BENXI_REMINDER_DAYS)",
        )

    def handle(self, *args, **options):
        today = clock.today()
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date {options['date']!r} is not YYYY-MM-DD.") from None
        days = options["days"] if options["days"] is not None else settings.BENXI_REMINDER_DAYS
        if days < 0:
            raise CommandError("--days cannot be negative.")
        dry_run = options["dry_run"]
        outcome = send_deadline_reminders(today, days, dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        for username, items in outcome.sent:
            self.stdout.write(f"{verb}: {username} ({items} deadlines)")
        for username, error in outcome.failed:
            self.stderr.write(f"failed: {username}: {error}")
        self.stdout.write(
            f"{today:%Y-%m-%d}: {verb} {len(outcome.sent)}, failed {len(outcome.failed)}."
        )
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} messages could not be sent.")
