"""The load benchmark's writers in processes of their own: `python -m bench.worker MODE JSON`.

In production a bureau's import and a user's save run in different gunicorn workers, that is
in different processes: measured in one process, the importer's parsing loop would hold the
GIL and the small write would wait for the CPU, not for the database. `bench.load` starts
these processes and talks to each over its standard input and output, one JSON object a
line: the worker says `ready` (with its database backend's pid, which the driver watches in
`pg_stat_activity`) once Django is set up and connected, so that the start-up is never timed.

Modes (the JSON argument gives their keys):

- `small` (report, value, user): on each line `write N` it saves the value (its original
  amount, plus 1 when N is odd) through the workflow's save_report and answers the time in
  ms; on `quit` (or when its input closes) it puts the original amount back and ends;
- `import` (rows, exclude, user, hold): on `go` it imports a discharge file of `rows` rows
  (every enterprise but `exclude`) in a transaction, says `written`, keeps the transaction
  and its rows `hold` seconds, then runs the commit's own work (the deferred triggers that
  move the cache tokens) and rolls back (the data stays as seeded); it says `released`;
- `slow` (enterprise, pollutant, user, year, seconds): on `go` it saves a new draft report
  of `enterprise` and waits `seconds` in its transaction, rolled back; it answers its start
  and end (time.time()).
"""

import json
import os
import sys
import time
from decimal import Decimal


def say(**message) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def hear() -> str:
    line = sys.stdin.readline()
    if not line:
        raise SystemExit(0)  # the driver is gone
    return line.strip()


class _Rollback(Exception):
    pass


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def small(report: int, value: int, user: int) -> None:
    from django.contrib.auth.models import User

    from enterprises import workflow
    from enterprises.models import DischargeReport, DischargeValue

    stored = DischargeValue.objects.select_related("pollutant").get(pk=value)
    who = User.objects.get(pk=user)
    original = stored.amount

    def write(number: int) -> float:
        draft = DischargeReport.objects.get(pk=report)
        amount = original + (Decimal(1) if number % 2 else Decimal(0))
        start = time.perf_counter()
        workflow.save_report(
            draft, [workflow.ValueRow(stored.pollutant, amount, stored.basis)], who, replace=False
        )
        return (time.perf_counter() - start) * 1000

    say(ready=True, pid=_backend_pid())
    # until `quit`, or the driver gone (an empty line): the original amount goes back either way
    while (line := sys.stdin.readline().strip()) not in ("quit", ""):
        say(ms=write(int(line.split()[1])))
    write(0)
    say(done=True)


def load_file(rows: int, exclude: int, user: int, hold: float) -> None:
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from bench.load import LAST_YEAR, discharge_file
    from benxi_cp.importers import get_importer

    who = User.objects.get(pk=user)
    content = discharge_file(rows, LAST_YEAR + 1, exclude=exclude)
    say(ready=True, pid=_backend_pid())
    hear()  # go
    start = time.perf_counter()
    try:
        with transaction.atomic():
            say(importing=True)
            outcome = get_importer("discharge")(user=who).run(
                content, "bench-load.csv", dry_run=False
            )
            seconds = time.perf_counter() - start
            if not outcome.ok:
                say(error=f"the import was refused: {outcome.errors[:3]}")
            say(written=True, seconds=seconds)
            time.sleep(hold)
            with connection.cursor() as cursor:  # what COMMIT would do first
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            raise _Rollback
    except _Rollback:
        pass
    say(released=True)


def slow(enterprise: int, pollutant: int, user: int, year: int, seconds: float) -> None:
    from django.contrib.auth.models import User
    from django.db import transaction

    from enterprises import workflow
    from enterprises.models import DischargeReport, Enterprise, Pollutant

    who = User.objects.get(pk=user)
    owner = Enterprise.objects.get(pk=enterprise)
    measured = Pollutant.objects.get(pk=pollutant)
    say(ready=True, pid=_backend_pid())
    hear()  # go
    start = time.time()
    try:
        with transaction.atomic():
            report = DischargeReport(enterprise=owner, year=year, period_kind="Y", period_number=0)
            rows = [workflow.ValueRow(measured, Decimal("12.5"), "measured_sampling")]
            workflow.save_report(report, rows, who)
            time.sleep(seconds)
            raise _Rollback
    except _Rollback:
        pass
    say(start=start, end=time.time())


MODES = {"small": small, "import": load_file, "slow": slow}


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benxi_cp.settings")
    django.setup()
    mode, arguments = argv[1], json.loads(argv[2])
    try:
        MODES[mode](**arguments)
    except Exception as error:  # noqa: BLE001 - the driver reports it in the table
        say(error=f"{type(error).__name__}: {error}")
        raise SystemExit(1) from error


if __name__ == "__main__":
    main(sys.argv)
