"""Fixtures for the discharge report tests: an enterprise, the catalogue, reports by hand."""

from decimal import Decimal

import pytest

from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant


@pytest.fixture
def steel(db) -> Enterprise:
    return Enterprise.objects.create(
        code="S-1", name="溪城钢铁厂", name_en="Xicheng Steel", sector="iron_steel"
    )


@pytest.fixture
def pollutants(db) -> dict[str, Pollutant]:
    return {p.code: p for p in Pollutant.objects.all()}


@pytest.fixture
def make_report(db):
    """make_report(enterprise, 1998, {"COD": 100}, status="verified", kind="Y", number=0)."""

    def make(
        enterprise: Enterprise,
        year: int,
        amounts: dict[str, float | str] | None = None,
        *,
        status: str = "draft",
        kind: str = "Y",
        number: int = 0,
        basis: str = "measured_sampling",
        output=None,
    ) -> DischargeReport:
        report = DischargeReport.objects.create(
            enterprise=enterprise,
            year=year,
            period_kind=kind,
            period_number=number,
            status=status if status != "verified" else "submitted",
            output_10k_yuan=output,
        )
        catalogue = {p.code: p for p in Pollutant.objects.all()}
        for code, amount in (amounts or {}).items():
            DischargeValue.objects.create(
                report=report, pollutant=catalogue[code], amount=Decimal(str(amount)), basis=basis
            )
        if status == "verified":
            report.status = "verified"
            report.save()
        return report

    return make
