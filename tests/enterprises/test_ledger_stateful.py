"""The ledger kept by every path that changes reports: random sequences of the workflow's
steps, imports and deletions, and after each step the maintained ledger equals a rebuild."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from benxi_cp.importers import get_importer
from enterprises import ledger, workflow
from enterprises.choices import ReportStatus
from enterprises.models import (
    AnnualDischarge,
    DischargeReport,
    Enterprise,
    Pollutant,
    parse_period,
    period_code,
)
from enterprises.workflow import ValueRow

ENTERPRISES = ("LS-1", "LS-2")
YEARS = (2000, 2001)
CODES = ("COD", "SO2", "NH3N")
QUARTERS = tuple(f"Q{n}" for n in range(1, 5))
MONTHS = tuple(f"M{n:02d}" for n in range(1, 13))
PERIODS = ("Y", *QUARTERS, *MONTHS)

amounts = st.decimals(min_value=0, max_value=10_000, places=1, allow_nan=False)
values = st.dictionaries(st.sampled_from(CODES), amounts, min_size=1, max_size=len(CODES))
# One period, or a whole year's quarters or months in one file (a complete set is what
# gives the ledger a figure from sub-periods).
period_sets = st.one_of(
    st.sampled_from(PERIODS).map(lambda period: (period,)),
    st.just(QUARTERS),
    st.just(MONTHS),
)


def having(status: str | None = None):
    """A rule that needs a report (of `status`): hypothesis leans to rules without
    arguments, which would otherwise spend most steps on an empty database."""

    def check(machine) -> bool:
        reports = DischargeReport.objects.all()
        return (status is None or reports.filter(status=status).exists()) and reports.exists()

    return precondition(check)


class LedgerMachine(RuleBasedStateMachine):
    """Each example runs in a savepoint rolled back at its end: a clean database each time."""

    @initialize()
    def begin(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.user = User.objects.create_superuser("ledger-admin", password="x")
        # Separation of duties: whoever entered a report does not verify it.
        self.verifier = User.objects.create_superuser("ledger-verifier", password="x")
        self.enterprises = [
            Enterprise.objects.create(code=code, name=code, sector="iron_steel")
            for code in ENTERPRISES
        ]
        self.pollutants = {p.code: p for p in Pollutant.objects.filter(code__in=CODES)}

    def teardown(self):
        atomic = getattr(self, "atomic", None)
        if atomic is not None:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def _report(self, which: int, status: str | None = None) -> DischargeReport | None:
        reports = DischargeReport.objects.order_by("pk")
        if status is not None:
            reports = reports.filter(status=status)
        reports = list(reports)
        return reports[which % len(reports)] if reports else None

    @rule(
        enterprise=st.sampled_from(range(len(ENTERPRISES))),
        year=st.sampled_from(YEARS),
        period=st.sampled_from(PERIODS),
        entered=values,
        replace=st.booleans(),
    )
    def save(self, enterprise, year, period, entered, replace):
        kind, number = parse_period(period)
        report = DischargeReport.objects.filter(
            enterprise=self.enterprises[enterprise],
            year=year,
            period_kind=kind,
            period_number=number,
        ).first() or DischargeReport(
            enterprise=self.enterprises[enterprise],
            year=year,
            period_kind=kind,
            period_number=number,
        )
        rows = [
            ValueRow(self.pollutants[code], amount, "estimated") for code, amount in entered.items()
        ]
        if report.status == ReportStatus.VERIFIED:
            with pytest.raises(ValidationError):
                workflow.save_report(report, rows, self.user, replace=replace)
        else:
            workflow.save_report(report, rows, self.user, replace=replace)

    @rule(
        enterprise=st.sampled_from(ENTERPRISES),
        year=st.sampled_from(YEARS),
        periods=period_sets,
        entered=values,
    )
    def import_file(self, enterprise, year, periods, entered):
        lines = ["enterprise_code,year,period,pollutant,amount"]
        for period in periods:
            lines += [f"{enterprise},{year},{period},{code},{a}" for code, a in entered.items()]
        content = "\n".join(lines).encode()
        result = get_importer("discharge")(user=self.user).run(content, "batch.csv")
        locked = DischargeReport.objects.filter(
            enterprise__code=enterprise, year=year, status=ReportStatus.VERIFIED
        ).values_list("period_kind", "period_number")
        touches_locked = any(period_code(*pair) in periods for pair in locked)
        assert result.ok != touches_locked, [str(issue) for issue in result.errors]

    @having()
    @rule(which=st.integers(0, 1000))
    def submit(self, which):
        report = self._report(which)
        if report is not None:
            try:
                workflow.submit(report, self.user)
            except ValidationError:
                assert report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED) or (
                    not report.values.exists()
                )

    @having(ReportStatus.SUBMITTED)
    @rule(which=st.integers(0, 1000))
    def verify(self, which):
        report = self._report(which, ReportStatus.SUBMITTED)
        if report is not None:
            workflow.verify(report, self.verifier)

    @having()
    @rule()
    def submit_and_verify_everything(self):
        for report in DischargeReport.objects.exclude(status=ReportStatus.VERIFIED):
            if report.status != ReportStatus.SUBMITTED and report.values.exists():
                report = workflow.submit(report, self.user)
            if report.status == ReportStatus.SUBMITTED:
                workflow.verify(report, self.verifier)

    @having(ReportStatus.SUBMITTED)
    @rule(which=st.integers(0, 1000))
    def return_report(self, which):
        report = self._report(which, ReportStatus.SUBMITTED)
        if report is not None:
            workflow.return_report(report, self.user, "please check")

    @having(ReportStatus.VERIFIED)
    @rule(which=st.integers(0, 1000))
    def unlock(self, which):
        report = self._report(which, ReportStatus.VERIFIED)
        if report is not None:
            workflow.unlock(report, self.user, "a correction")
            assert report.unlocks.filter(pending=False).exists()

    @having(ReportStatus.DRAFT)
    @rule(which=st.integers(0, 1000))
    def delete_draft(self, which):
        report = self._report(which, ReportStatus.DRAFT)
        if report is not None:
            report.delete()

    @invariant()
    def ledger_equals_a_rebuild(self):
        if not hasattr(self, "atomic"):
            return
        stored = {
            (row.enterprise_id, row.year, row.pollutant_id): ledger.Entry(
                row.amount, row.basis, row.verified
            )
            for row in AnnualDischarge.objects.all()
        }
        assert stored == ledger.compute()
        assert all(isinstance(entry.amount, Decimal) for entry in stored.values())


@pytest.mark.django_db
def test_the_ledger_follows_every_path_that_changes_reports():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
