from benxi_cp.reminders import ReminderCommand
from programme.reminders import send_reminders


class Command(ReminderCommand):
    help = (
        "Send the weekly reminder e-mail: each active user with an e-mail address gets one "
        "message listing the items of their work queue (every source) that are overdue or "
        "due within BENXI_REMINDER_DAYS days, in their language (Chinese if unknown), as "
        "plain text and HTML. Users with nothing due get nothing. At most one message per "
        "user and week: a second run in the same week sends only to those not reached yet "
        "(a failed send is tried again). --dry-run lists what would be sent and sends nothing."
    )

    date_help = "act as on this day (YYYY-MM-DD) instead of today; its week counts"
    sent_as = "{} items"
    days_help = "an item due within this many days is due soon (default BENXI_REMINDER_DAYS)"

    def send(self, today, days, dry_run):
        return send_reminders(today, days, dry_run=dry_run)

    def counts(self, outcome, verb: str) -> str:
        return (
            f"{verb} {len(outcome.sent)}, nothing due {len(outcome.nothing_due)}, "
            f"already sent this week {len(outcome.already_sent)}, failed {len(outcome.failed)}"
        )
