"""The reliability checks against the database: load reports, store flags and grades.

`refresh_reports` loads the context of reports in a fixed number of queries, runs the checks
of enterprises/reliability.py and stores the findings as ReliabilityFlag rows and the
reports' grades: it runs whenever a report is saved, submitted or imported, and over the
whole demo at once. `enterprise_grades` and `flags_grade` read the stored grades and flags.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from statistics import median

from django.db.models import Q
from django.utils import timezone

from benxi_cp.bulk import insert_rows
from benxi_cp.registry import registry
from enterprises.choices import Basis, FlagCode, PeriodKind, ReportStatus, Severity
from enterprises.models import (
    DischargeReport,
    DischargeValue,
    Pollutant,
    ReliabilityFlag,
    period_code,
)
from enterprises.reliability import (
    HISTORY_WINDOW,
    MIN_PEERS,
    MONTHS,
    SCALED_YEARS,
    EnterpriseGrade,
    GradeResult,
    PeriodFigures,
    PermitFigures,
    ReportContext,
    assess,
    enterprise_grade,
    grade_of,
    grade_report,
)


def enterprise_grades(enterprise_ids: Iterable[int] | None = None) -> dict[int, EnterpriseGrade]:
    """The grade of each enterprise (all of them, or those given), in one query.

    For lists and dashboards; counts the same reports as the enterprise page does.
    """
    reports = DischargeReport.objects.exclude(status=ReportStatus.DRAFT).exclude(grade="")
    if enterprise_ids is not None:
        reports = reports.filter(enterprise_id__in=list(enterprise_ids))
    pairs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for enterprise_id, year, grade in reports.values_list("enterprise_id", "year", "grade"):
        pairs[enterprise_id].append((year, grade))
    return {enterprise_id: enterprise_grade(rows) for enterprise_id, rows in pairs.items()}


def _label(year: int, kind: str, number: int) -> str:
    return str(year) if kind == PeriodKind.YEAR else f"{year}-{period_code(kind, number)}"


# Reports checked at a time: an import of a hundred thousand rows (ten thousand reports)
# holds the history and peers of this many at once, not of all of them.
REFRESH_BATCH = 2000


def refresh_reports(report_ids: Iterable[int]) -> None:
    """Recompute and store the flags and the grade of these reports.

    A quarterly or monthly report also refreshes the annual report of its year, whose
    sub-period check depends on it. Runs in a fixed number of queries for every
    REFRESH_BATCH reports passed (one batch for a page's save): the enterprises' reports
    and values, the sector peers, then the writes. A batch holds whole enterprises (their
    annual reports are refreshed with their months), of one sector where it can (the
    peers it loads are its sectors')."""
    ids = set(report_ids)
    if not ids:
        return
    targets = DischargeReport.objects.filter(pk__in=ids).order_by(
        "enterprise__sector", "enterprise_id"
    )
    batch: list[tuple[int, int, str, int]] = []
    last_enterprise = None
    for pk, enterprise_id, kind, year in targets.values_list(
        "pk", "enterprise_id", "period_kind", "year"
    ):
        if len(batch) >= REFRESH_BATCH and enterprise_id != last_enterprise:
            _refresh_batch(batch)
            batch = []
        batch.append((pk, enterprise_id, kind, year))
        last_enterprise = enterprise_id
    _refresh_batch(batch)


def _refresh_batch(batch: list[tuple[int, int, str, int]]) -> None:
    """refresh_reports for one batch of (report id, enterprise, period kind, year), whole
    enterprises.

    Long: the reports, their values, flags and grades are read and written in a fixed
    number of bulk queries, one after the other; split, the steps would pass the same
    half-built maps back and forth."""
    if not batch:
        return
    ids = {pk for pk, *_rest in batch}
    targets = [(enterprise_id, kind, year) for _pk, enterprise_id, kind, year in batch]
    now = timezone.now()
    reports: dict[int, dict] = {}
    enterprise_ids = {enterprise_id for enterprise_id, _kind, _year in targets}
    # Only the history the checks read: each checked report's own series (same kind), the
    # annual series when a sub-period changed (its year is re-checked), and every report of
    # the years whose annual report is checked (its sub-periods). Not every report of the
    # enterprises: at ten years of monthly reports that was ten times as many rows.
    kinds = {kind for _enterprise, kind, _year in targets}
    if kinds - {PeriodKind.YEAR}:
        kinds.add(PeriodKind.YEAR)
    annual_years = {year for _enterprise, _kind, year in targets}
    # In the order of the unique index, not the reports' default order (which joins and
    # sorts every report of the table before the filter applies).
    # A checked month or quarter is compared with the verified reports of every kind of its
    # enterprise over the SCALED_YEARS before its year (check_scaled_history).
    scaled_from = {}
    for enterprise_id, kind, year in targets:
        if kind != PeriodKind.YEAR:
            scaled_from[enterprise_id] = min(year, scaled_from.get(enterprise_id, year))
    # One condition per first year, not per enterprise: SQLite refuses an expression of a
    # thousand terms (a monthly import of five hundred enterprises).
    by_first_year: dict[int, list[int]] = defaultdict(list)
    for enterprise_id, year in scaled_from.items():
        by_first_year[year - SCALED_YEARS].append(enterprise_id)
    scaled_q = Q()
    for first, enterprises in sorted(by_first_year.items()):
        scaled_q |= Q(enterprise_id__in=sorted(enterprises), year__gte=first)
    history = DischargeReport.objects.filter(
        Q(period_kind__in=kinds) | Q(year__in=annual_years) | scaled_q,
        enterprise_id__in=enterprise_ids,
    ).order_by("enterprise_id", "period_kind", "year", "period_number")
    for row in history.values(
        "id",
        "enterprise_id",
        "enterprise__sector",
        "year",
        "period_kind",
        "period_number",
        "status",
        "output_10k_yuan",
    ):
        row["label"] = _label(row["year"], row["period_kind"], row["period_number"])
        row["amounts"], row["bases"], row["value_ids"] = {}, {}, {}
        reports[row["id"]] = row
    codes = dict(Pollutant.objects.values_list("id", "code"))
    pollutant_ids = {code: pk for pk, code in codes.items()}
    # Every amount the checks compare, in the catalogue's order (the order of the checks
    # and of their flags); the bases and value ids below, of the checked reports only.
    values = DischargeValue.objects.filter(report__in=history).order_by(
        "report_id", "pollutant__position"
    )
    for report_id, pollutant_id, amount in values.values_list(
        "report_id", "pollutant_id", "amount"
    ):
        reports[report_id]["amounts"][codes[pollutant_id]] = amount

    chosen = {pk for pk in ids if pk in reports}
    subperiod_years = {
        (r["enterprise_id"], r["year"])
        for pk, r in reports.items()
        if pk in chosen and r["period_kind"] != PeriodKind.YEAR
    }
    chosen |= {
        pk
        for pk, r in reports.items()
        if r["period_kind"] == PeriodKind.YEAR
        and (r["enterprise_id"], r["year"]) in subperiod_years
    }
    checked = DischargeValue.objects.filter(report_id__in=chosen).order_by()
    for value_id, report_id, pollutant_id, basis in checked.values_list(
        "id", "report_id", "pollutant_id", "basis"
    ):
        report = reports[report_id]
        report["bases"][codes[pollutant_id]] = basis
        report["value_ids"][codes[pollutant_id]] = value_id

    # Every report of those enterprises, grouped for the history lookups.
    counted = [r for r in reports.values() if r["status"] != ReportStatus.DRAFT]
    by_series: dict[tuple[int, str], list[dict]] = defaultdict(list)
    by_year: dict[tuple[int, int, str], list[dict]] = defaultdict(list)
    by_period: dict[tuple[int, str, int, int], dict] = {}
    for r in counted:
        by_series[(r["enterprise_id"], r["period_kind"])].append(r)
        by_year[(r["enterprise_id"], r["year"], r["period_kind"])].append(r)
        by_period[(r["enterprise_id"], r["period_kind"], r["year"], r["period_number"])] = r
    verified_by_enterprise: dict[int, list[dict]] = defaultdict(list)
    for r in counted:
        if r["status"] == ReportStatus.VERIFIED:
            verified_by_enterprise[r["enterprise_id"]].append(r)
    for series in verified_by_enterprise.values():
        series.sort(key=lambda r: (_end_month(r), -MONTHS[r["period_kind"]]))
    positions: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for series_key, series in by_series.items():
        series.sort(key=lambda r: (r["year"], r["period_number"]))
        positions[series_key] = [(r["year"], r["period_number"]) for r in series]

    peers = _PeerMedians(_peer_intensities([reports[pk] for pk in chosen]))
    permits = permit_figures(
        [
            (pk, reports[pk]["enterprise_id"], reports[pk]["year"])
            for pk in chosen
            if reports[pk]["period_kind"] == PeriodKind.YEAR
        ]
    )

    def figures(r: dict) -> PeriodFigures:
        made = r.get("figures")
        if made is None:
            made = r["figures"] = PeriodFigures(
                r["label"], r["amounts"], r["bases"], r["output_10k_yuan"], r["period_kind"]
            )
        return made

    new_flags: list[tuple] = []
    grades: dict[str, list[int]] = defaultdict(list)
    for pk in chosen:
        r = reports[pk]
        series_key = (r["enterprise_id"], r["period_kind"])
        series = by_series.get(series_key, [])
        # The periods before this one; assess() reads the latest HISTORY_WINDOW of them.
        end = bisect_left(positions.get(series_key, []), (r["year"], r["period_number"]))
        earlier = [figures(p) for p in series[max(0, end - HISTORY_WINDOW) : end]]
        last = by_period.get((*series_key, r["year"] - 1, r["period_number"]))
        last_year = figures(last) if last is not None else None
        subperiods = {}
        if r["period_kind"] == PeriodKind.YEAR:
            for kind in (PeriodKind.QUARTER, PeriodKind.MONTH):
                parts = by_year.get((r["enterprise_id"], r["year"], kind))
                if parts:
                    subperiods[kind] = [figures(p) for p in parts]
        key = (r["enterprise__sector"], r["year"], r["period_kind"], r["period_number"])
        report_peers = peers.without(key, r["enterprise_id"], r["amounts"])
        thin = [code for code in r["amounts"] if len(report_peers.get(code, ())) < MIN_PEERS]
        if thin:
            # Too few peers reported the same period: the sector's intensities of the year,
            # whatever period kind each enterprise reports (an intensity has no length).
            year_key = (r["enterprise__sector"], r["year"], "", 0)
            report_peers.update(peers.without(year_key, r["enterprise_id"], thin))
        verified = []
        if r["period_kind"] != PeriodKind.YEAR:
            start = r["year"] * 12 + _start_month(r)
            verified = [
                figures(p)
                for p in verified_by_enterprise.get(r["enterprise_id"], [])
                if r["year"] - SCALED_YEARS <= p["year"] and _end_month(p) < start
            ]
        context = ReportContext(
            figures(r), earlier, last_year, subperiods, report_peers, verified, permits.get(pk)
        )
        findings = assess(context)
        value_ids = r["value_ids"]
        for finding in findings:
            new_flags.append(
                (
                    pk,
                    value_ids.get(finding.pollutant),
                    pollutant_ids.get(finding.pollutant),
                    finding.code,
                    finding.severity,
                    finding.params,
                )
            )
        estimated = sum(1 for basis in r["bases"].values() if basis == Basis.ESTIMATED)
        severities = Counter(finding.severity for finding in findings)
        empty = any(finding.code == FlagCode.EMPTY for finding in findings)
        grade = grade_of(
            severities[Severity.SERIOUS],
            severities[Severity.WARNING],
            empty,
            len(r["amounts"]),
            estimated,
        )
        grades[grade].append(pk)

    ReliabilityFlag.objects.filter(report_id__in=chosen).delete()
    # Written from plain tuples (COPY on PostgreSQL): thousands of flags after an import.
    insert_rows(ReliabilityFlag, FLAG_COLUMNS, new_flags, constants={"created": now})
    for grade, pks in grades.items():
        # A queryset update: the grade is derived data, so it changes even on a locked report.
        DischargeReport.objects.filter(pk__in=pks).update(grade=grade)


def permit_figures(annual: list[tuple[int, int, int]]) -> dict[int, PermitFigures]:
    """Each annual report's figures from the registered sources (the permits app's), merged."""
    found: dict[int, PermitFigures] = {}
    if not annual:
        return found
    for source in registry.reliability_sources:
        for pk, figures in source.load(annual).items():
            merged = found.setdefault(pk, PermitFigures())
            merged.permitted.update(figures.permitted)
            merged.monitored.update(figures.monitored)
    return found


def _start_month(r: dict) -> int:
    """The first month of a report's period within its year (1–12)."""
    kind, number = r["period_kind"], r["period_number"]
    return 1 if kind == PeriodKind.YEAR else (number - 1) * MONTHS[kind] + 1


def _end_month(r: dict) -> int:
    """The last month of a report's period, counted from year 0 (year × 12 + month)."""
    kind, number = r["period_kind"], r["period_number"]
    return r["year"] * 12 + (12 if kind == PeriodKind.YEAR else number * MONTHS[kind])


FLAG_COLUMNS = ["report_id", "value_id", "pollutant_id", "code", "severity", "params"]


class _PeerMedians:
    """The sector peers of each report: the intensities of the *other* enterprises.

    Sorted once per (sector, period) and pollutant; a report gets that list less its own
    enterprise's entry (one at most: one report per enterprise and period), so the medians
    are those of the same values as filtering the pairs per report, at a fraction of the cost.
    """

    def __init__(self, intensities: dict[tuple, dict[str, list[tuple[int, Decimal]]]]):
        self.sorted: dict[tuple, dict[str, list[Decimal]]] = {}
        self.own: dict[tuple, dict[str, dict[int, Decimal]]] = {}
        for key, by_code in intensities.items():
            self.sorted[key] = {
                code: sorted(v for _e, v in pairs) for code, pairs in by_code.items()
            }
            self.own[key] = {code: dict(pairs) for code, pairs in by_code.items()}

    def without(self, key: tuple, enterprise_id: int, codes) -> dict[str, list[Decimal]]:
        values = self.sorted.get(key)
        if not values:
            return {}
        own = self.own[key]
        result = {}
        for code in codes:
            ordered = values.get(code)
            if ordered is None:
                continue
            mine = own[code].get(enterprise_id)
            if mine is not None:
                index = bisect_left(ordered, mine)
                ordered = ordered[:index] + ordered[index + 1 :]
            result[code] = ordered
        return result


def _peer_intensities(reports: list[dict]) -> dict[tuple, dict[str, list[tuple[int, Decimal]]]]:
    """(sector, year, kind, number) → pollutant → [(enterprise, amount per 10k yuan)]."""
    sectors = {r["enterprise__sector"] for r in reports if r["output_10k_yuan"]}
    years = {r["year"] for r in reports if r["output_10k_yuan"]}
    if not sectors:
        return {}
    result: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    rows = (
        DischargeValue.objects.filter(
            report__enterprise__sector__in=sectors,
            report__year__in=years,
            report__output_10k_yuan__gt=0,
            amount__gt=0,
        )
        .exclude(report__status=ReportStatus.DRAFT)
        .order_by()
        .values_list(
            "report__enterprise__sector",
            "report__year",
            "report__period_kind",
            "report__period_number",
            "report__enterprise_id",
            "pollutant__code",
            "amount",
            "report__output_10k_yuan",
        )
    )
    # Per enterprise and year, too: its annual intensity, or the median of its periods'.
    yearly: dict[tuple, dict[tuple[str, int], list[Decimal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for sector, year, kind, number, enterprise, code, amount, output in rows:
        result[(sector, year, kind, number)][code].append((enterprise, amount / output))
        yearly[(sector, year, enterprise, code)][kind].append(amount / output)
    for (sector, year, enterprise, code), by_kind in yearly.items():
        intensity = (
            by_kind[PeriodKind.YEAR][0]
            if by_kind.get(PeriodKind.YEAR)
            else median([v for values in by_kind.values() for v in values])
        )
        result[(sector, year, "", 0)][code].append((enterprise, intensity))
    return result


def flags_grade(report) -> GradeResult:
    """The grade and its reasons from a report's stored flags and values (prefetched)."""
    values = list(report.values.all())
    estimated = sum(1 for value in values if value.basis == Basis.ESTIMATED)
    return grade_report(
        ((flag.code, flag.severity) for flag in report.flags.all()), len(values), estimated
    )
