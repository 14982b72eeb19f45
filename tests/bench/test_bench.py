"""The benchmark cannot rot: `seed_scale` and the bench measurement run at two tiny scales.

Every page's SQL query count must be the same at both scales (the pages do not grow queries
with the data). No assertion about time.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench import benchmark, scale
from enterprises.models import DischargeReport, DischargeValue, Enterprise, ReliabilityFlag
from permits import compliance, issuing
from permits.models import MonitoringValue, Permit

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_settings(settings):
    settings.ALLOWED_HOSTS = ["*"]
    return settings


def quiet(_text):
    pass


# Charts are left out here: drawing them with matplotlib in the test process's main thread
# made a later browser test's chart (drawn in the live server's thread) hang. The reports
# tests pin the charts' query counts.
QUICK = {"repeats": 0, "import_rows": 40, "memory": False, "skip_groups": ("chart",), "log": None}


def test_query_counts_are_the_same_at_two_tiny_scales(bench_settings):
    options = {**QUICK, "log": quiet}
    small = benchmark.measure("tiny", benchmark.SCALES["tiny"], **options)
    large = benchmark.measure("tiny2", benchmark.SCALES["tiny2"], **options)
    assert large.counts["reports"] > small.counts["reports"]
    small_counts = {entry.page.label: entry.timing.queries for entry in small.pages}
    large_counts = {entry.page.label: entry.timing.queries for entry in large.pages}
    assert {"Enterprise register", "Discharge reports", "Report detail", "Audit detail"} <= set(
        small_counts
    )
    # The landing page's queues count their items once they hold more than a page of them
    # (one COUNT each, tests/benxi_cp/test_landing.py): bounded, not the same.
    landing = small_counts.pop("EPB landing page"), large_counts.pop("EPB landing page")
    assert landing[0] <= landing[1] <= landing[0] + 4, landing
    assert small_counts == large_counts
    assert {entry.page.label: entry.timing.status for entry in large.pages} == dict.fromkeys(
        [*large_counts, "EPB landing page"], 200
    )
    assert large.import_rows == 40 and large.import_rate > 0 and large.bulk_rate > 0
    # The benchmark import was rolled back.
    assert not DischargeReport.objects.filter(year=scale.LAST_YEAR + 1).exists()
    document = benchmark.render([small, large], "manage.py bench --scales tiny,tiny2")
    assert "| Discharge reports |" in document
    assert "## Summary and dashboards against their bare SQL" in document


def test_seed_is_deterministic_and_refuses_a_database_with_data():
    spec = scale.ScaleSpec(enterprises=5, years=2, monthly=True, seed=7)
    first = scale.seed(spec)
    fingerprint = (
        list(Enterprise.objects.order_by("pk").values_list("code", "name", "sector", "cp_status")),
        sorted(DischargeValue.objects.values_list("report_id", "pollutant_id", "amount")),
        ReliabilityFlag.objects.count(),
    )
    assert first.counts["enterprise"] == 5
    assert first.counts["report"] == 5 * 2 * 13  # a year and its twelve months
    with pytest.raises(scale.DatabaseNotEmpty):
        scale.seed(spec)
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_scale", "--enterprises", "5", "--years", "2")
    scale.seed(spec, force=True)
    assert fingerprint == (
        list(Enterprise.objects.order_by("pk").values_list("code", "name", "sector", "cp_status")),
        sorted(DischargeValue.objects.values_list("report_id", "pollutant_id", "amount")),
        ReliabilityFlag.objects.count(),
    )


def test_monthly_values_add_up_to_the_annual_report():
    scale.seed(scale.ScaleSpec(enterprises=3, years=2, monthly=True, seed=3))
    annual = DischargeReport.objects.filter(period_kind="Y").first()
    for value in annual.values.all():
        months = DischargeValue.objects.filter(
            report__enterprise=annual.enterprise,
            report__year=annual.year,
            report__period_kind="M",
            pollutant=value.pollutant,
        )
        assert months.count() == 12
        total = sum(v.amount for v in months)
        assert abs(total - value.amount) <= Decimal("0.0012")


def test_the_seed_gives_each_enterprise_a_permit_and_a_year_of_daily_monitoring():
    result = scale.seed(scale.ScaleSpec(enterprises=40, years=2, seed=5))
    assert result.counts["permit"] == Permit.objects.count() == 40
    assert result.counts["revision"] == 40 and result.counts["outlet"] == 80
    # every day of the last year at both outlets, but the months a few enterprises missed
    values = MonitoringValue.objects.count()
    assert values == result.counts["monitoring"] and 60 * 365 < values <= 80 * 365
    assert not MonitoringValue.objects.exclude(measured_on__year=scale.LAST_YEAR).exists()
    # The permits read as the issuing code writes them, and compliance finds the profiles.
    permit = Permit.objects.get(enterprise__code="912105000000000001")

    def rows(limits):
        return sorted(sorted(limit.items()) for limit in limits)

    assert rows(issuing.snapshot_of(permit)["limits"]) == rows(permit.revisions.get().limits)
    found = compliance.findings(scale.LAST_YEAR, datetime.date(scale.LAST_YEAR + 1, 3, 1))
    assert len(found["permitted"]) == 40
    assert found["compliant"] and len(found["compliant"]) < 40
    assert found["exceedance"] or found["missing"]


def test_bench_refuses_a_database_holding_data_it_did_not_generate(tmp_path):
    Enterprise.objects.create(code="REAL-1", name="真实企业", sector="coal")
    with pytest.raises(CommandError, match="--force"):
        call_command("bench", "--scales", "tiny", "--no-write")
    assert Enterprise.objects.filter(code="REAL-1").exists()
