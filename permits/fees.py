"""The environmental protection tax of a year (docs/formats/compliance-summary.md, "fees"): on
each enterprise's verified annual discharge of the taxable pollutants (the programme's one
rule, enterprises/ledger.py), kilograms ÷ the pollutant's equivalent = equivalents; in each
medium the three pollutants with the most equivalents are counted (ties broken by pollutant
code), each taxed equivalents × the medium's rate. The equivalents and rates are the tables
the programme office edits (TaxEquivalent, TaxRate)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from enterprises.models import AnnualDischarge
from permits.models import TaxEquivalent, TaxRate

COUNTED = 3  # pollutants counted in each medium of an enterprise
CENT = Decimal("0.01")

HEADER = [
    "enterprise_code",
    "medium",
    "pollutant",
    "discharge_kg",
    "equivalent_kg",
    "equivalents",
    "counted",
    "rate_yuan",
    "tax_yuan",
]


@dataclass
class Line:
    enterprise_id: int
    enterprise_code: str
    medium: str
    pollutant: str
    discharge_kg: Decimal
    equivalent_kg: Decimal
    rate_yuan: Decimal
    counted: bool = False

    @property
    def equivalents(self) -> Decimal:
        return (self.discharge_kg / self.equivalent_kg).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def tax_yuan(self) -> Decimal:
        if not self.counted:
            return Decimal("0.00")
        return (self.equivalents * self.rate_yuan).quantize(CENT, rounding=ROUND_HALF_UP)


def lines(year: int, enterprise_ids=None) -> list[Line]:
    """The year's tax lines, ordered by enterprise code, medium and pollutant."""
    equivalents = {e.pollutant_id: e for e in TaxEquivalent.objects.select_related("pollutant")}
    rates = dict(TaxRate.objects.values_list("medium", "rate_yuan"))
    figures = AnnualDischarge.objects.filter(
        year=year, verified=True, pollutant_id__in=list(equivalents)
    ).values_list("enterprise_id", "enterprise__code", "pollutant_id", "amount")
    if enterprise_ids is not None:
        figures = figures.filter(enterprise_id__in=list(enterprise_ids))
    found = []
    for enterprise, code, pollutant, amount in figures.order_by():
        equivalent = equivalents[pollutant]
        if equivalent.medium not in rates:
            continue
        found.append(
            Line(
                enterprise,
                code,
                equivalent.medium,
                equivalent.pollutant.code,
                amount * 1000,
                equivalent.equivalent_kg,
                rates[equivalent.medium],
            )
        )
    groups = defaultdict(list)
    for line in found:
        groups[(line.enterprise_id, line.medium)].append(line)
    for group in groups.values():
        group.sort(key=lambda line: (-line.equivalents, line.pollutant))
        for line in group[:COUNTED]:
            line.counted = True
    return sorted(found, key=lambda line: (line.enterprise_code, line.medium, line.pollutant))


def _text(value: Decimal, places: int | None = 2) -> str:
    if places is None:
        return format(value.normalize(), "f")
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def csv_rows(year: int) -> list[list[str]]:
    """The `fees` CSV form's rows (HEADER), every figure written as the format says."""
    return [
        [
            line.enterprise_code,
            line.medium,
            line.pollutant,
            _text(line.discharge_kg),
            _text(line.equivalent_kg, None),
            _text(line.equivalents),
            "yes" if line.counted else "no",
            _text(line.rate_yuan),
            _text(line.tax_yuan),
        ]
        for line in lines(year)
    ]


def by_year(enterprise_id: int) -> list[tuple[int, Decimal]]:
    """An enterprise's tax by year (the years with a verified taxable discharge), latest first."""
    years = (
        AnnualDischarge.objects.filter(enterprise_id=enterprise_id, verified=True)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    result = []
    for year in years:
        taxed = lines(year, [enterprise_id])
        if taxed:
            result.append((year, sum((line.tax_yuan for line in taxed), Decimal("0.00"))))
    return result
