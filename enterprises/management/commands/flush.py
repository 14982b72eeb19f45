"""Django's flush, able to empty a SQLite database that holds verified reports, and quick on
a PostgreSQL database that holds few rows.

PostgreSQL empties the tables with TRUNCATE, which no row trigger sees; SQLite deletes
their rows one table at a time, in no set order, and the database's lock on verified
reports (enterprises/locks.py) would refuse the values of a verified report, and the
lock on accepted audits (audits/locks.py) the rows of an accepted audit. Here the
whole flush runs in one transaction with every guard lifted (benxi_cp/guards.py), and put
back at its end.

On PostgreSQL a flush that keeps the sequences (the test suite's, after each test that
commits: `reset_sequences=False`) deletes the rows instead, in one transaction with the
guards lifted and the foreign keys checked at its end (Django makes them deferrable): a
TRUNCATE gives each of the hundred tables and their indexes new files, 0.5-2 s a flush,
where deleting a test's few rows takes a few milliseconds. The tables are then empty as
after a TRUNCATE (the figures' tokens too), and the post_migrate signal is sent as Django's
flush sends it.
"""

from django.core.management.commands import flush
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections, transaction

from benxi_cp import guards
from benxi_cp.datacache import TABLE as DATA_VERSIONS


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        if connection.vendor == "postgresql" and not (
            options["interactive"] or options.get("reset_sequences", True)
        ):
            return self.delete_rows(database, options)
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with (
            transaction.atomic(using=database),
            guards.suspended(using=database),
        ):
            return super().handle(**options)

    def delete_rows(self, database: str, options) -> None:
        connection = connections[database]
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        quote = connection.ops.quote_name
        with (
            transaction.atomic(using=database),
            guards.suspended(using=database),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            # The figures' tokens last: the data tables' triggers write them.
            for table in sorted(tables, key=lambda name: (name == DATA_VERSIONS, name)):
                cursor.execute(f"DELETE FROM {quote(table)}")
        if tables and not options.get("inhibit_post_migrate", False):
            emit_post_migrate_signal(options["verbosity"], False, database)
