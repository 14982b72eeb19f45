"""Demo calibration, run last by load_demo: the 2001 summary reproduces the paper's COD rate.

The audits demo gives the implemented options 5,759 t of annual COD reductions; the paper
puts that at 33.3 % of the same enterprises' discharge before their audits. The discharge
demo draws every enterprise's figures from its sector's range, independently of the
audits, so the baseline of the enterprises claiming COD cuts (their verified COD in the
year before their first audit) lands wherever the draws fall.

This loader scales the COD of every demo enterprise (code DEMO-…), in every report of every
year and period, by one factor chosen so that this baseline becomes the reduction / 0.333.
One factor for all keeps each series' shape, trends and quarter sums, and every
enterprise's place among its sector peers, so the reliability checks judge the data as
before; the grades of the changed reports are refreshed all the same. The targets demo,
whose COD indicator is computed from the reports, is run again to follow. Loading the demo
again finds the rate already at 33.3 % and changes nothing.

The values are rewritten below the report lock (benxi_cp/guards.py `suspended`, which the
database's lock on verified reports allows to loaders of generated data only), as a data
load: this is the demo's own data being made, not a user's change to a verified report
(the history records the reason).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models.functions import Now
from simple_history.utils import bulk_update_with_history

from benxi_cp import guards
from enterprises import ledger
from enterprises.models import DischargeValue
from enterprises.reliability_store import refresh_reports
from reports.models import YearClosing
from reports.summary import programme_summary

YEAR = 2001
POLLUTANT = "COD"
PAPER_RATE_PCT = Decimal("33.3")
DEMO_PREFIX = "DEMO-"
REASON = "demo calibration: COD reduction rate of the 2001 programme summary"
REOPEN_REASON = "The demo data was loaded again (manage.py load_demo)."


def prepare(stdout) -> None:
    """Before the apps load the demo again: reopen the closed years (their records are about
    to be loaded anew), so that the demo always leaves every year open."""
    reopened = YearClosing.objects.filter(reopened_at__isnull=True).update(
        reopened_at=Now(), reopened_by_name="load_demo", reopen_reason=REOPEN_REASON
    )
    if reopened:
        stdout.write(f"Reports: {reopened} closed year(s) reopened to load the demo again.")


def cod_reduction(year: int = YEAR):
    return next(
        (r for r in programme_summary(year).reductions if r.pollutant.code == POLLUTANT), None
    )


def load(stdout) -> None:
    reduction = cod_reduction()
    if reduction is None or reduction.baseline is None:
        stdout.write("Reports: no COD reduction with a baseline to calibrate.")
        return
    if reduction.rate_pct == PAPER_RATE_PCT:
        stdout.write(f"Reports: the {YEAR} COD reduction rate is {reduction.rate_pct}%.")
        return
    wanted = reduction.amount_with_baseline * 100 / PAPER_RATE_PCT
    factor = wanted / reduction.baseline
    values = list(
        DischargeValue.objects.filter(
            pollutant__code=POLLUTANT, report__enterprise__code__startswith=DEMO_PREFIX
        )
    )
    for value in values:
        value.amount = (value.amount * factor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    with transaction.atomic(), guards.suspended():  # the demo's own data, as a data load
        bulk_update_with_history(
            values, DischargeValue, ["amount"], batch_size=500, default_change_reason=REASON
        )
    refresh_reports({value.report_id for value in values})
    ledger.refresh(ledger.report_pairs({value.report_id for value in values}))

    from targets import demo as targets_demo  # its COD indicator is computed from reports

    targets_demo.load(stdout)
    after = cod_reduction()
    stdout.write(
        f"Reports: COD of the demo enterprises scaled by {factor:.4f}; the {YEAR} COD "
        f"reduction rate is {after.rate_pct}% ({after.amount_with_baseline:.1f} of "
        f"{after.baseline:.1f} t)."
    )
