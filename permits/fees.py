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


def _lines(figures) -> list[Line]:
    """Tax lines of (year, enterprise id, enterprise code, pollutant id, t) rows, the counted
    three chosen within each enterprise, year and medium; with the years, in the rows' order
    by enterprise code, medium and pollutant."""
    equivalents = {e.pollutant_id: e for e in TaxEquivalent.objects.select_related("pollutant")}
    rates = dict(TaxRate.objects.values_list("medium", "rate_yuan"))
    found = []
    for year, enterprise, code, pollutant, amount in figures.filter(
        pollutant_id__in=list(equivalents)
    ).values_list("year", "enterprise_id", "enterprise__code", "pollutant_id", "amount"):
        equivalent = equivalents[pollutant]
        if equivalent.medium not in rates:
            continue
        line = Line(
            enterprise,
            code,
            equivalent.medium,
            equivalent.pollutant.code,
            amount * 1000,
            equivalent.equivalent_kg,
            rates[equivalent.medium],
        )
        found.append((year, line))
    groups = defaultdict(list)
    for year, line in found:
        groups[(year, line.enterprise_id, line.medium)].append(line)
    for group in groups.values():
        group.sort(key=lambda line: (-line.equivalents, line.pollutant))
        for line in group[:COUNTED]:
            line.counted = True
    return sorted(found, key=lambda p: (p[0], p[1].enterprise_code, p[1].medium, p[1].pollutant))


def lines(year: int, enterprise_id: int | None = None) -> list[Line]:
    """The year's tax lines (of one enterprise, with `enterprise_id`), ordered by enterprise
    code, medium and pollutant (three queries)."""
    figures = AnnualDischarge.objects.filter(year=year, verified=True).order_by()
    if enterprise_id is not None:
        figures = figures.filter(enterprise_id=enterprise_id)
    return [line for _year, line in _lines(figures)]


def _text(value: Decimal, places: int | None = 2) -> str:
    if places is None:
        return format(value.normalize(), "f")
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def csv_rows(year: int) -> list[list[str]]:
    """The `fees` CSV form's rows (HEADER), every figure written as the format says."""
    return [csv_line(line) for line in lines(year)]


def csv_line(line: Line) -> list[str]:
    """A tax line as the CSV form writes it."""
    return [
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


def by_year(enterprise_id: int) -> list[tuple[int, Decimal]]:
    """An enterprise's tax by year (the years with a verified taxable discharge), latest
    first (three queries)."""
    figures = AnnualDischarge.objects.filter(enterprise_id=enterprise_id, verified=True).order_by()
    totals: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for year, line in _lines(figures):
        totals[year] += line.tax_yuan
    return sorted(totals.items(), reverse=True)
