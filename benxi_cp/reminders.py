"""The reminder e-mails' commands (the weekly reminder of the work queues, the enterprises'
deadlines, the acceptance certificates to renew) read the same options and report the same
way: a subclass names what it sends and how a message is described."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benxi_cp import clock


class ReminderCommand(BaseCommand):
    """`--dry-run`, `--date` (the demo's date or today by default) and, where `with_days`,
    `--days` (BENXI_REMINDER_DAYS by default); a line per message sent or failed, a summary
    line, and a non-zero exit when a message could not be sent."""

    with_days = True
    date_help = "act as on this day (YYYY-MM-DD) instead of today"
    days_help = "due within this many days is due soon (default BENXI_REMINDER_DAYS)"
    sent_as = "{}"  # what a message sent held, from the outcome's second value

    def send(self, today: datetime.date, days: int | None, dry_run: bool):
        """The outcome: .sent [(username, what)], .failed [(username, error)]."""
        raise NotImplementedError

    def counts(self, outcome, verb: str) -> str:
        return f"{verb} {len(outcome.sent)}, failed {len(outcome.failed)}"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent; send nothing"
        )
        parser.add_argument("--date", help=self.date_help)
        if self.with_days:
            parser.add_argument("--days", type=int, default=None, help=self.days_help)

    def handle(self, *args, **options):
        today = clock.today()
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date {options['date']!r} is not YYYY-MM-DD.") from None
        days = None
        if self.with_days:
            days = options["days"]
            days = settings.BENXI_REMINDER_DAYS if days is None else days
            if days < 0:
                raise CommandError("--days cannot be negative.")
        dry_run = options["dry_run"]
        outcome = self.send(today, days, dry_run)
        verb = "would send" if dry_run else "sent"
        for username, what in outcome.sent:
            self.stdout.write(f"{verb}: {username} ({self.sent_as.format(what)})")
        for username, error in outcome.failed:
            self.stderr.write(f"failed: {username}: {error}")
        self.stdout.write(f"{today:%Y-%m-%d}: {self.counts(outcome, verb)}.")
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} messages could not be sent.")
