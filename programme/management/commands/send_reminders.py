import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benxi_cp import clock
from programme.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send the weekly reminder e-mail: each active user with an e-mail address gets one "
        "message listing the items of their work queue (every source) that are overdue or "
        "due within BENXI_REMINDER_DAYS days, in their language (Chinese if unknown), as "
        "plain text and HTML. Users with nothing due get nothing. At most one message per "
        "user and week: a second run in the same week sends only to those not reached yet "
        "(a failed send is tried again). --dry-run lists what would be sent and sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent; send nothing"
        )
        parser.add_argument(
            "--date",
            help="act as on this day (YYYY-MM-DD) instead of today; its week counts",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="an item due within this many days is due soon (default BENXI_REMINDER_DAYS)",
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
        outcome = send_reminders(today, days, dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        for username, items in outcome.sent:
            self.stdout.write(f"{verb}: {username} ({items} items)")
        for username, error in outcome.failed:
            self.stderr.write(f"failed: {username}: {error}")
        counts = (
            f"{verb} {len(outcome.sent)}, nothing due {len(outcome.nothing_due)}, "
            f"already sent this week {len(outcome.already_sent)}, failed {len(outcome.failed)}"
        )
        self.stdout.write(f"{today:%Y-%m-%d}: {counts}.")
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} messages could not be sent.")
