from benxi_cp.reminders import ReminderCommand
from portal.reminders import send_deadline_reminders


class Command(ReminderCommand):
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

    sent_as = "{} deadlines"
    days_help = "a report due within this many days is due soon (default BENXI_REMINDER_DAYS)"

    def send(self, today, days, dry_run):
        return send_deadline_reminders(today, days, dry_run=dry_run)
