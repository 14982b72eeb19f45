"""The scopes of cached figures the register's tables change (benxi_cp/datacache.py).

- `register`: the enterprises and the pollutant catalogue (and every table not named below);
- `discharge`: verified annual discharge: the ledger when a row is added or removed, or a
  row that is verified before or after the change changes (a provisional row's amount is a
  draft's: it invalidates nothing), and the raw reports only where a verified report is
  concerned (its status, its values);
- `reports`: the reports' workflow: a report added or removed, or its year or status changed
  (the years the pages offer).

Reliability flags and unlock records change no scope.
"""

from benxi_cp.datacache import DataScopes, Watch, differs
from enterprises.choices import ReportStatus
from enterprises.models import (
    AnnualDischarge,
    DischargeReport,
    DischargeValue,
    ReliabilityFlag,
    ReportUnlock,
)

VERIFIED = ReportStatus.VERIFIED.value
_REPORT = DischargeReport._meta.db_table
_VERIFIED_REPORT = (
    f"EXISTS (SELECT 1 FROM {_REPORT} r WHERE r.id = {{row}}.report_id AND r.status = '{VERIFIED}')"
)


def _verified_report(row: str) -> str:
    return _VERIFIED_REPORT.format(row=row)


SCOPES = DataScopes(
    app_label="enterprises",
    scope="register",
    extra=("discharge", "reports"),
    tables={
        # The ledger: a row added or removed changes a year's figures or its completeness;
        # an update only when the row is verified before or after it, or moves.
        AnnualDischarge._meta.db_table: (
            Watch(
                "discharge",
                update=(
                    f"((o.verified OR n.verified) AND {differs('amount', 'basis', 'verified')})"
                    f" OR {differs('enterprise_id', 'year', 'pollutant_id')}"
                ),
            ),
        ),
        # The raw reports: their workflow (status, year) for the pages' years; verified ones
        # also for discharge, for whatever still reads verified figures from the raw reports.
        _REPORT: (
            Watch("reports", update=differs("year", "status")),
            Watch(
                "discharge",
                insert=f"n.status = '{VERIFIED}'",
                update=(
                    f"(o.status = '{VERIFIED}' OR n.status = '{VERIFIED}') AND "
                    f"{differs('status', 'year', 'enterprise_id', 'period_kind', 'period_number')}"
                ),
                delete=f"o.status = '{VERIFIED}'",
            ),
        ),
        DischargeValue._meta.db_table: (
            Watch(
                "discharge",
                insert=_verified_report("n"),
                update=(
                    f"({_verified_report('o')} OR {_verified_report('n')})"
                    f" AND {differs('amount', 'pollutant_id', 'report_id')}"
                ),
                delete=_verified_report("o"),
            ),
        ),
        # Recomputed on every save of a report, drafts included; no cached figure reads them.
        ReliabilityFlag._meta.db_table: (),
        ReportUnlock._meta.db_table: (),  # the unlock's status change is the report's
    },
    # A correction in progress: a verified report unlocked since the hold began and not
    # verified again (a workflow cycle half done: its figures are not stored).
    held=("discharge",),
    in_progress=(
        f"SELECT 1 FROM {ReportUnlock._meta.db_table} u JOIN {_REPORT} r ON r.id = u.report_id "
        f"WHERE u.unlocked_at > %s AND r.status <> '{VERIFIED}'"
    ),
)
