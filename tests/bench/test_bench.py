"""The benchmark cannot rot: `seed_scale` and the bench measurement run at two tiny scales.

Every page's SQL query count must be the same at both scales (the pages do not grow queries
with the data). No assertion about time.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench import benchmark, scale
from enterprises.models import DischargeReport, DischargeValue, Enterprise, ReliabilityFlag

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
    assert small_counts == large_counts
    assert {entry.page.label: entry.timing.status for entry in large.pages} == dict.fromkeys(
        large_counts, 200
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


def test_bench_refuses_a_database_holding_data_it_did_not_generate(tmp_path):
    Enterprise.objects.create(code="REAL-1", name="真实企业", sector="coal")
    with pytest.raises(CommandError, match="--force"):
        call_command("bench", "--scales", "tiny", "--no-write")
    assert Enterprise.objects.filter(code="REAL-1").exists()
