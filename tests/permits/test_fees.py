"""The environmental protection tax (docs/formats/compliance-summary.md, "fees"), the pages of
the compliance and fee forms, their files and the command that writes them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from enterprises.choices import Medium
from enterprises.models import AnnualDischarge, Pollutant
from permits import fees
from permits.models import TAX_MEDIA, TaxEquivalent, TaxRate
from tests.fixtures import ALL_ROLES
from tests.reports.factories import make_enterprise


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def discharge(enterprise, year, code, tonnes, verified=True):
    return AnnualDischarge.objects.create(
        enterprise=enterprise,
        year=year,
        pollutant=Pollutant.objects.get(code=code),
        amount=Decimal(tonnes),
        basis="Y",
        verified=verified,
    )


def rows(year=2001) -> list[dict]:
    return [dict(zip(fees.HEADER, row, strict=True)) for row in fees.csv_rows(year)]


@pytest.mark.django_db
def test_a_new_installation_starts_with_the_formats_tables():
    found = {
        e.pollutant.code: (e.medium, e.equivalent_kg.normalize())
        for e in TaxEquivalent.objects.select_related("pollutant")
    }
    assert found == {
        "COD": ("water", Decimal("1")),
        "NH3N": ("water", Decimal("0.8")),
        "SO2": ("air", Decimal("0.95")),
        "NOX": ("air", Decimal("0.95")),
        "SOOT": ("air", Decimal("2.18")),
        "DUST": ("air", Decimal("4")),
    }
    rates = {r.medium: r.rate_yuan.normalize() for r in TaxRate.objects.all()}
    assert rates == {"water": Decimal("1.4"), "air": Decimal("1.2")}


@pytest.mark.django_db
def test_the_tax_is_kilograms_over_the_equivalent_times_the_rate():
    works = make_enterprise("E1")
    discharge(works, 2001, "COD", "12.5")  # 12,500 kg / 1 = 12,500 eq × 1.4 = 17,500
    discharge(works, 2001, "NH3N", "1")  # 1,000 kg / 0.8 = 1,250 eq × 1.4 = 1,750
    discharge(works, 2001, "WASTEWATER", "100")  # not taxable: no row
    discharge(works, 2001, "SO2", "2", verified=False)  # not verified: no row
    assert rows() == [
        {
            "enterprise_code": "E1",
            "medium": "water",
            "pollutant": "COD",
            "discharge_kg": "12500.00",
            "equivalent_kg": "1",
            "equivalents": "12500.00",
            "counted": "yes",
            "rate_yuan": "1.40",
            "tax_yuan": "17500.00",
        },
        {
            "enterprise_code": "E1",
            "medium": "water",
            "pollutant": "NH3N",
            "discharge_kg": "1000.00",
            "equivalent_kg": "0.8",
            "equivalents": "1250.00",
            "counted": "yes",
            "rate_yuan": "1.40",
            "tax_yuan": "1750.00",
        },
    ]


@pytest.mark.django_db
def test_the_three_largest_of_each_medium_count_ties_broken_by_code():
    works = make_enterprise("E1")
    # Air: SO2 and NOX tie (same equivalent, same kg); SOOT and DUST tie in equivalents
    # (2.18 t / 2.18 = 1,000; 4 t / 4 = 1,000): the fourth by code is left out.
    discharge(works, 2001, "SO2", "0.95")  # 1,000 eq
    discharge(works, 2001, "NOX", "0.95")  # 1,000 eq
    discharge(works, 2001, "SOOT", "2.18")  # 1,000 eq
    discharge(works, 2001, "DUST", "4")  # 1,000 eq
    counted = {r["pollutant"]: r["counted"] for r in rows()}
    # All four tie: DUST, NOX, SO2 by code; SOOT is fourth.
    assert counted == {"DUST": "yes", "NOX": "yes", "SO2": "yes", "SOOT": "no"}
    assert {r["pollutant"]: r["tax_yuan"] for r in rows()}["SOOT"] == "0.00"
    discharge(works, 2001, "COD", "0.001")  # water is counted on its own
    assert {r["pollutant"]: r["counted"] for r in rows()}["COD"] == "yes"


@pytest.mark.django_db
def test_an_edited_rate_is_used_and_kept_in_the_history():
    works = make_enterprise("E1")
    discharge(works, 2001, "COD", "1")
    rate = TaxRate.objects.get(medium="water")
    rate.rate_yuan = Decimal("2.8")
    rate.save()
    assert rows()[0]["tax_yuan"] == "2800.00"
    assert rate.history.first().rate_yuan == Decimal("2.8")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_sees_the_forms(client_as, role):
    """The permits' addresses of the forms lead to the annual forms (reports/annual.py; their
    own tests are tests/reports/test_permit_forms.py)."""
    client = client_as(role)
    reads = role != "auditor"
    for name in ("compliance", "fees"):
        response = client.get(reverse(f"permits:{name}"))
        assert response.status_code == (302 if reads else 403)
        form = client.get(reverse("reports:form", args=[name]))
        assert form.status_code == (200 if reads else 403)


@pytest.mark.django_db
def test_the_enterprise_page_shows_its_tax_by_year(client_as):
    works = make_enterprise("E1")
    discharge(works, 2001, "COD", "1")
    discharge(works, 2000, "NH3N", "0.08")  # 100 eq × 1.4 = 140
    page = client_as("leadership").get(works.get_absolute_url())
    body = page.content.decode()
    assert 'id="enterprise-tax"' in body
    assert fees.by_year(works.pk) == [(2001, Decimal("1400.00")), (2000, Decimal("140.00"))]


@pytest.mark.django_db
def test_the_help_page_explains_permits_compliance_and_the_tax(client_as):
    content = client_as("leadership").get(reverse("help"), HTTP_ACCEPT_LANGUAGE="en").content
    text = content.decode()
    for anchor in ("permits", "basis-hourly_mean", "exceedance", "environmental-protection-tax"):
        assert f'id="{anchor}"' in text, anchor
    assert "1.4 times the limit" in text


@pytest.mark.django_db
def test_the_tax_is_levied_on_water_and_air_only():
    """The database's check takes the register's media (enterprises.choices.Medium)."""
    assert [value for value, _label in TAX_MEDIA] == [Medium.WATER, Medium.AIR]
    cod = Pollutant.objects.get(code="COD")
    with pytest.raises(IntegrityError), transaction.atomic():
        TaxRate.objects.create(medium=Medium.SOLID, rate_yuan=Decimal("1"))
    equivalent = TaxEquivalent.objects.get(pollutant=cod)
    equivalent.medium = Medium.RESOURCE
    with pytest.raises(IntegrityError), transaction.atomic():
        equivalent.save()
