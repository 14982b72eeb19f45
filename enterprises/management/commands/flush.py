"""Django's flush, able to empty a SQLite database that holds verified reports.

PostgreSQL empties the tables with TRUNCATE, which no row trigger sees; SQLite deletes
their rows one table at a time, in no set order, and the database's lock on verified
reports (enterprises/locks.py) would refuse the values of a verified report, and the
lock on accepted audits (audits/locks.py) the rows of an accepted audit. Here the
whole flush runs in one transaction with every guard lifted (benxi_cp/guards.py), and put
back at its end.
"""

from django.core.management.commands import flush
from django.db import connections, transaction

from benxi_cp import guards


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        if connections[database].vendor != "sqlite":
            return super().handle(**options)
        with (
            transaction.atomic(using=database),
            guards.suspended(using=database),
        ):
            return super().handle(**options)
