"""An enterprise's annual discharge: the programme's one rule, and the ledger that keeps it.

The rule (docs/formats/programme-summary.md, "Baseline detail"), per enterprise, year and
pollutant:

- verified figure: the verified annual report's value; when the enterprise has no verified
  annual report for the year, the sum of four verified quarterly reports, else of twelve
  verified monthly ones. An enterprise with a verified annual report that lacks a pollutant
  has no figure for it (the quarters do not fill in). A partial set of quarters or months
  is not an annual figure.
- provisional figure, where there is no verified one: the same rule over the reports of any
  status (an annual report filed but not verified; four quarters or twelve months of which
  some are not verified). It is kept so that the ledger knows which figures are still
  waiting for the EPB.

A year is complete when the ledger holds figures for it and every one of them is verified.
A city total of a year is the sum of the verified figures, and it is a total only once the
year is complete: a half-verified year would sum a part of the city and read as a fall.

The ledger (`AnnualDischarge`) holds one row per enterprise, year and pollutant with a
figure. `refresh(pairs)` recomputes the rows of some (enterprise, year) pairs from the raw
reports and writes only what changed, in the caller's transaction: every path that changes
reports calls it (the workflow, the importers, the admin, a report's deletion), after
locking the reports of those pairs (enterprises/locks.py: the ledger rows of a pair are only
written under that lock). `rebuild()` recomputes the whole ledger (`manage.py
rebuild_ledger`; the scale seeder after seeding).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, When
from django.db.models.signals import post_delete
from django.dispatch import receiver

from benxi_cp.bulk import insert_rows
from enterprises.choices import PeriodKind, ReportStatus
from enterprises.models import AnnualDischarge, DischargeReport, DischargeValue

Key = tuple[int, int, int]  # (enterprise id, year, pollutant id)
Pair = tuple[int, int]  # (enterprise id, year)

PERIODS_IN_YEAR = {PeriodKind.QUARTER: 4, PeriodKind.MONTH: 12}
SUB_PERIODS = (PeriodKind.QUARTER, PeriodKind.MONTH)  # the order of preference
COLUMNS = ("enterprise_id", "year", "pollutant_id", "amount", "basis", "verified")
BATCH = 500  # (enterprise, year) pairs per refresh query: bounded SQL, bounded memory


@dataclass(frozen=True)
class Entry:
    amount: Decimal
    basis: str  # PeriodKind
    verified: bool


def pairs_q(pairs: Iterable[Pair], prefix: str = "") -> Q:
    """Rows whose (enterprise, year) is one of `pairs`; one condition per year."""
    by_year: dict[int, list[int]] = defaultdict(list)
    for enterprise, year in pairs:
        by_year[year].append(enterprise)
    chosen = Q(pk__in=[])
    for year, enterprises in sorted(by_year.items()):
        chosen |= Q(**{f"{prefix}year": year, f"{prefix}enterprise_id__in": sorted(enterprises)})
    return chosen


def report_pairs(report_ids: Iterable[int]) -> set[Pair]:
    """The (enterprise, year) pairs of some reports."""
    return set(
        DischargeReport.objects.filter(pk__in=list(report_ids))
        .order_by()
        .values_list("enterprise_id", "year")
    )


def _choose(annual_verified: bool | None, kinds: dict[str, tuple]) -> Entry | None:
    """The figure of one enterprise, year and pollutant from its sums per period kind:
    {kind: (verified sum, verified count, sum, count)}; `annual_verified` is None when the
    enterprise filed no annual report for the year, else whether that report is verified."""
    if annual_verified:
        year = kinds.get(PeriodKind.YEAR)
        return Entry(year[0], PeriodKind.YEAR, True) if year and year[1] else None
    for kind in SUB_PERIODS:
        sums = kinds.get(kind)
        if sums and sums[1] == PERIODS_IN_YEAR[kind]:
            return Entry(sums[0], kind, True)
    if annual_verified is False:
        year = kinds.get(PeriodKind.YEAR)
        return Entry(year[2], PeriodKind.YEAR, False) if year else None
    for kind in SUB_PERIODS:
        sums = kinds.get(kind)
        if sums and sums[3] == PERIODS_IN_YEAR[kind]:
            return Entry(sums[2], kind, False)
    return None


def compute(pairs: Iterable[Pair] | None = None, year: int | None = None) -> dict[Key, Entry]:
    """The rule applied to the raw reports of `pairs` (or of `year`, or of everything), in
    two queries: the annual reports' statuses, and the values summed per enterprise, year,
    pollutant and period kind, verified and all."""
    reports = DischargeReport.objects.order_by()
    values = DischargeValue.objects.order_by()
    if pairs is not None:
        pairs = list(pairs)
        if not pairs:
            return {}
        reports = reports.filter(pairs_q(pairs))
        values = values.filter(pairs_q(pairs, "report__"))
    if year is not None:
        reports = reports.filter(year=year)
        values = values.filter(report__year=year)
    annual = {
        (enterprise, y): status == ReportStatus.VERIFIED
        for enterprise, y, status in reports.filter(period_kind=PeriodKind.YEAR).values_list(
            "enterprise_id", "year", "status"
        )
    }
    verified = Q(report__status=ReportStatus.VERIFIED)
    sums = values.values(
        e=F("report__enterprise_id"),
        y=F("report__year"),
        p=F("pollutant_id"),
        kind=F("report__period_kind"),
    ).annotate(
        v_total=Sum("amount", filter=verified),
        v_count=Count("pk", filter=verified),  # one value per report and pollutant
        total=Sum("amount"),
        count=Count("pk"),
    )
    grouped: dict[Key, dict[str, tuple]] = defaultdict(dict)
    for row in sums:
        grouped[(row["e"], row["y"], row["p"])][row["kind"]] = (
            row["v_total"],
            row["v_count"],
            row["total"],
            row["count"],
        )
    result = {}
    for key, kinds in grouped.items():
        entry = _choose(annual.get(key[:2]), kinds)
        if entry is not None:
            result[key] = entry
    return result


def _batches(pairs: list[Pair]) -> Iterator[list[Pair]]:
    for start in range(0, len(pairs), BATCH):
        yield pairs[start : start + BATCH]


def refresh(pairs: Iterable[Pair]) -> bool:
    """Bring the ledger rows of `pairs` in line with their reports, in the caller's
    transaction, writing only the rows that change (new rows as plain tuples: COPY on
    PostgreSQL, benxi_cp/bulk.py).

    True when what the programme's figures read changed: a verified figure, or a row come
    or gone (a year's completeness counts them). A new amount in a draft, still unverified,
    is False: no verified figure and no year's state moves."""
    pairs = sorted(set(pairs))
    if not pairs:
        return False
    moved = False
    with transaction.atomic():
        for batch in _batches(pairs):
            fresh = compute(batch)
            stored = {
                (enterprise, year, pollutant): (pk, (amount, basis, verified))
                for pk, enterprise, year, pollutant, amount, basis, verified in (
                    AnnualDischarge.objects.filter(pairs_q(batch))
                    .order_by()
                    .values_list("pk", *COLUMNS)
                )
            }
            gone = [pk for key, (pk, _figure) in stored.items() if key not in fresh]
            changed, created = [], []
            for key, entry in fresh.items():
                row = stored.get(key)
                figure = (entry.amount, entry.basis, entry.verified)
                if row is None:
                    created.append((*key, *figure))
                elif row[1] != figure:
                    moved = moved or row[1][2] or entry.verified
                    changed.append(
                        AnnualDischarge(
                            pk=row[0],
                            amount=entry.amount,
                            basis=entry.basis,
                            verified=entry.verified,
                        )
                    )
            if gone:
                AnnualDischarge.objects.filter(pk__in=gone).delete()
            if changed:
                AnnualDischarge.objects.bulk_update(changed, ["amount", "basis", "verified"])
            insert_rows(AnnualDischarge, COLUMNS, created)
            moved = moved or bool(gone or created)
    return moved


@receiver(post_delete, sender=DischargeReport, dispatch_uid="enterprises.ledger.report_deleted")
def _report_deleted(sender, instance: DischargeReport, **kwargs) -> None:
    """A deleted report's figures go, or fall back to the enterprise's other reports of the
    year; Django sends this inside the deletion's transaction, for a queryset's too."""
    refresh({(instance.enterprise_id, instance.year)})


def rebuild() -> int:
    """Recompute the whole ledger from the raw reports, a year at a time; the row count."""
    count = 0
    with transaction.atomic():
        AnnualDischarge.objects.all().delete()
        years = DischargeReport.objects.order_by("year").values_list("year", flat=True).distinct()
        for year in list(years):
            rows = [
                (*key, entry.amount, entry.basis, entry.verified)
                for key, entry in compute(year=year).items()
            ]
            insert_rows(AnnualDischarge, COLUMNS, rows)
            count += len(rows)
    return count


# Reading the ledger: what every figure of the programme uses.


def verified_figures(
    years: Iterable[int] | None = None,
    enterprise_ids: Iterable[int] | None = None,
    pollutant_ids: Iterable[int] | None = None,
    pairs: Iterable[Pair] | None = None,
) -> dict[Key, Decimal]:
    """{(enterprise id, year, pollutant id): verified annual amount}, each argument narrowing
    the result (`pairs`: only those (enterprise, year))."""
    rows = AnnualDischarge.objects.filter(verified=True).order_by()
    if years is not None:
        rows = rows.filter(year__in=list(years))
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    if pollutant_ids is not None:
        rows = rows.filter(pollutant_id__in=list(pollutant_ids))
    if pairs is not None:
        rows = rows.filter(pairs_q(list(pairs)))
    return {
        (e, y, p): amount
        for e, y, p, amount in rows.values_list("enterprise_id", "year", "pollutant_id", "amount")
    }


@dataclass(frozen=True)
class YearState:
    """How far the EPB has verified a year's figures."""

    year: int
    verified: int  # enterprises with at least one verified figure
    pending: int  # enterprises with a figure still waiting for verification

    @property
    def complete(self) -> bool:
        return self.verified > 0 and self.pending == 0


def _scoped(rows, enterprise_ids: Iterable[int] | None, sector: str | None):
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    if sector:
        rows = rows.filter(enterprise__sector=sector)
    return rows


def year_states(
    years: Iterable[int] | None = None,
    enterprise_ids: Iterable[int] | None = None,
    sector: str | None = None,
) -> dict[int, YearState]:
    """{year: YearState} for the years the ledger holds (or those of `years`), one query;
    of the city, or of some enterprises or one sector when given."""
    rows = _scoped(AnnualDischarge.objects.order_by(), enterprise_ids, sector)
    if years is not None:
        rows = rows.filter(year__in=list(years))
    counts = rows.values("year").annotate(
        n_verified=Count("enterprise", filter=Q(verified=True), distinct=True),
        n_pending=Count("enterprise", filter=Q(verified=False), distinct=True),
    )
    return {
        row["year"]: YearState(row["year"], row["n_verified"], row["n_pending"]) for row in counts
    }


def verified_sums(
    pollutant_id: int,
    up_to: int | None = None,
    enterprise_ids: Iterable[int] | None = None,
    sector: str | None = None,
) -> dict[int, tuple[Decimal, int]]:
    """{year: (sum of the verified figures of one pollutant, enterprises behind it)} of the
    city, some enterprises or one sector, one query. A sum is a total only for a year the
    scope's `year_states` call complete."""
    rows = _scoped(
        AnnualDischarge.objects.filter(pollutant_id=pollutant_id, verified=True).order_by(),
        enterprise_ids,
        sector,
    )
    if up_to is not None:
        rows = rows.filter(year__lte=up_to)
    sums = rows.values("year").annotate(total=Sum("amount"), count=Count("enterprise"))
    return {row["year"]: (row["total"], row["count"]) for row in sums}


def year_complete(year: int) -> bool:
    """Whether the ledger holds figures for `year` and every one of them is verified."""
    state = year_states([year]).get(year)
    return state is not None and state.complete


def city_total(pollutant_id: int, year: int) -> Decimal | None:
    """The city's total of one pollutant in `year`: the sum of its verified figures (as the
    trends show it, `verified_sums`), and a total only once the year is complete; else None."""
    if not year_complete(year):
        return None
    total = verified_sums(pollutant_id, up_to=year).get(year)
    return None if total is None else total[0]


def verified_amount(enterprise: str, year: str, pollutant: str) -> Subquery:
    """SQL, for annotations: the verified figure of the enterprise, year and pollutant whose
    ids are the outer query's fields `enterprise`, `year` and `pollutant` (NULL without
    one). The one row of the unique (enterprise, year, pollutant) index; the verified
    condition is in the SELECT, so that the planner keeps to that index."""
    return Subquery(
        AnnualDischarge.objects.filter(
            enterprise_id=OuterRef(enterprise),
            year=OuterRef(year),
            pollutant_id=OuterRef(pollutant),
        )
        .order_by()
        .annotate(verified_amount=Case(When(verified=True, then=F("amount"))))
        .values("verified_amount")[:1]
    )
