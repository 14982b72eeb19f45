"""The programme's organisation: the leading team and the office, their members, meetings
and the tasks meetings give departments, and the departments' staff (with the weekly
reminders of their work)."""
