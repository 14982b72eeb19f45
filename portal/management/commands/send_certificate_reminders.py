from benxi_cp.reminders import ReminderCommand
from portal.certificates import send_certificate_reminders


class Command(ReminderCommand):
    help = (
        "E-mail each enterprise's preparers and signatories (active grants, an address) when "
        "its latest CP acceptance certificate expires within six months, and again when it "
        "has expired, in their language; each person once per certificate and threshold "
        "(recorded). A failed send is tried again by the next run. --dry-run lists what "
        "would be sent and sends and records nothing."
    )

    with_days = False

    def send(self, today, days, dry_run):
        return send_certificate_reminders(today, dry_run=dry_run)
