"""How far the discharge figures can be trusted: checks, flags and grades.

DOMAIN.md ("Reliability of the data") asks the system to estimate the reliability of its
data. The checks below are plain functions of plain values (amounts as Decimal, a history
as a list of past amounts), so that they can be tested without a database. Each returns
`Finding`s: a check code (FlagCode), the pollutant concerned and the figures behind it.
`assess()` runs them all over one report and its context; `grade_report()` turns the
findings into a grade A–D; `enterprise_grade()` rolls report grades up to an enterprise.

The lower part of the module loads the context of reports from the database in a fixed
number of queries and stores the findings (`refresh_reports`): it runs whenever a report
is saved, submitted or imported, and over the whole demo at once.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from statistics import median

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from enterprises.choices import Basis, FlagCode, Grade, PeriodKind, ReportStatus, Severity

# -- thresholds (the report page explains them) ---------------------------------------------
Z_LIMIT = 3.5  # robust z-score beyond which a value is an outlier (Iglewicz and Hoaglin)
MAD_SCALE = 0.6745  # makes the MAD comparable with a standard deviation for normal data
MIN_HISTORY = 3  # past periods needed before a z-score means anything
# On a short, steady history the MAD can be tiny and every ordinary wobble would look
# extreme: the MAD counts as at least 5% of the median, so an outlier also lies about 26%
# or more away from the median (3.5 / 0.6745 × 5%).
MAD_FLOOR = Decimal("0.05")
HISTORY_WINDOW = 10  # the most recent past periods used for the median and the MAD
YOY_LIMIT = Decimal("0.5")  # a change against the same period a year before beyond ±50%
SUBPERIOD_TOLERANCE = Decimal("0.10")  # quarters or months against the year: ±10%
SOLID_TOLERANCE = Decimal("0.05")  # utilised + disposed + stored against generated: ±5%
INTENSITY_FACTOR = 5  # intensity over 5× or under 1/5 of the sector's median
# 1 / INTENSITY_FACTOR as the float it always was, made a Decimal once (exactly): a Decimal
# compares with it as with the float, without converting the float at every comparison.
_INTENSITY_LOW = Decimal(1 / INTENSITY_FACTOR)
MIN_PEERS = 3  # other enterprises of the sector needed for a sector median
ESTIMATED_SHARE = Fraction(1, 2)  # more than half the values estimated lowers the grade
ENTERPRISE_YEARS = 3  # an enterprise's grade looks at its three latest reporting years

SOLID_GENERATED = "SW_GEN"
SOLID_HANDLED = ("SW_UTIL", "SW_DISP", "SW_STORE")

SEVERITY: dict[str, str] = {
    FlagCode.EMPTY: Severity.SERIOUS,
    FlagCode.NEGATIVE: Severity.SERIOUS,
    FlagCode.OUTLIER: Severity.SERIOUS,
    FlagCode.SUBPERIODS: Severity.SERIOUS,
    FlagCode.MISSING: Severity.WARNING,
    FlagCode.ZERO: Severity.WARNING,
    FlagCode.YEAR_ON_YEAR: Severity.WARNING,
    FlagCode.SOLID_BALANCE: Severity.WARNING,
    FlagCode.INTENSITY: Severity.WARNING,
    FlagCode.ESTIMATED: Severity.INFO,
}

MESSAGES = {
    FlagCode.EMPTY: gettext_lazy("The report holds no values."),
    FlagCode.MISSING: gettext_lazy(
        "Reported for %(period)s (%(previous)s %(unit)s) but missing from this report."
    ),
    FlagCode.NEGATIVE: gettext_lazy("The amount is negative (%(amount)s %(unit)s)."),
    FlagCode.ZERO: gettext_lazy(
        "Zero, while the median of the past %(count)s periods is %(median)s %(unit)s."
    ),
    FlagCode.OUTLIER: gettext_lazy(
        "%(amount)s %(unit)s against a median of %(median)s over the past %(count)s "
        "periods: robust z-score %(z)s (limit ±3.5)."
    ),
    FlagCode.YEAR_ON_YEAR: gettext_lazy("%(change)s%% against %(period)s (%(previous)s %(unit)s)."),
    FlagCode.SUBPERIODS: gettext_lazy(
        "The %(count)s %(kind)s reports add up to %(total)s %(unit)s, the annual report "
        "says %(annual)s %(unit)s (%(gap)s%%)."
    ),
    FlagCode.SOLID_BALANCE: gettext_lazy(
        "Utilised + disposed + stored = %(handled)s t against %(generated)s t generated "
        "(%(gap)s%%; beyond ±5%% is flagged)."
    ),
    FlagCode.INTENSITY: gettext_lazy(
        "%(intensity)s %(unit)s per 10k yuan of output is %(ratio)s× the median of "
        "%(peers)s other enterprises of the sector (%(median)s)."
    ),
    FlagCode.ESTIMATED: gettext_lazy(
        "The value is estimated, neither measured nor calculated; it ranks below measured figures."
    ),
}

SUBPERIOD_KINDS = {
    PeriodKind.QUARTER: gettext_lazy("quarterly"),
    PeriodKind.MONTH: gettext_lazy("monthly"),
}

GRADE_RULE = [
    (Grade.D, gettext_lazy("the report holds no values, or it has two or more serious flags")),
    (Grade.C, gettext_lazy("one serious flag, or three or more warnings")),
    (Grade.B, gettext_lazy("one or two warnings, or more than half of the values estimated")),
    (
        Grade.A,
        gettext_lazy("no serious flag, no warning, and at most half of the values estimated"),
    ),
]
ENTERPRISE_RULE = gettext_lazy(
    "An enterprise's grade is the average of the grades of its submitted, verified and "
    "returned reports over its three latest reporting years (A = 4, B = 3, C = 2, D = 1), "
    "rounded to the nearest grade; a half rounds to the worse grade. Drafts do not count."
)


@dataclass
class Finding:
    """One thing a check found: the check, the pollutant concerned, the figures behind it."""

    code: str
    pollutant: str | None = None
    params: dict = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return SEVERITY[self.code]


# -- formatting -----------------------------------------------------------------------------
def fmt(value) -> str:
    """A figure for a message: thousands separated, precision falling with magnitude."""
    number = Decimal(str(value))
    size = abs(number)
    if size >= 100:
        text = f"{number:,.0f}"
    elif size >= 1:
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
    elif size == 0:
        text = "0"
    else:
        text = f"{number:.4f}".rstrip("0").rstrip(".")
    return text


def percent(ratio) -> str:
    return f"{Decimal(str(ratio)) * 100:+.0f}"


def render_message(code: str, params: Mapping, pollutant=None) -> str:
    """The flag's reason in the active language."""
    values = dict(params)
    if pollutant is not None:
        values.setdefault("unit", pollutant.unit)
        values.setdefault("pollutant", pollutant.display_name)
    if "kind" in values:
        values["kind"] = str(SUBPERIOD_KINDS.get(values["kind"], values["kind"]))
    template = MESSAGES.get(code)
    if template is None:
        return str(code)
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(FlagCode(code).label) if code in FlagCode.values else str(code)


# -- the checks ---------------------------------------------------------------------------
def check_completeness(
    current: Mapping[str, Decimal], previous: Mapping[str, Decimal], previous_period: str
) -> list[Finding]:
    """A pollutant the enterprise reported last period is missing from this report."""
    return [
        Finding(
            FlagCode.MISSING, code, {"period": previous_period, "previous": fmt(previous[code])}
        )
        for code in previous
        if code not in current
    ]


def check_range(pollutant: str, amount: Decimal, history: Sequence[Decimal]) -> list[Finding]:
    """Negative values; zero where the enterprise's own history is large."""
    if amount < 0:
        return [Finding(FlagCode.NEGATIVE, pollutant, {"amount": fmt(amount)})]
    if amount == 0 and len(history) >= 2:
        middle = median(history)
        if middle > 0:
            return [
                Finding(FlagCode.ZERO, pollutant, {"count": len(history), "median": fmt(middle)})
            ]
    return []


def robust_z(value: Decimal, history: Sequence[Decimal]) -> float | None:
    """0.6745 × (value − median) / MAD over `history`; None when it means nothing.

    The MAD is taken as at least MAD_FLOOR of the median (see above).
    """
    return _robust_z(value, history)[0]


def _robust_z(value: Decimal, history: Sequence[Decimal]) -> tuple[float | None, Decimal | None]:
    """robust_z() and the median of the history (None for a history too short)."""
    if len(history) < MIN_HISTORY:
        return None, None
    history = [Decimal(x) for x in history]
    middle = median(history)
    mad = max(median([abs(x - middle) for x in history]), abs(middle) * MAD_FLOOR)
    if mad == 0:
        return None, middle
    return MAD_SCALE * float(Decimal(value) - middle) / float(mad), middle


def check_trend(
    pollutant: str,
    amount: Decimal,
    history: Sequence[Decimal],
    last_year: Decimal | None = None,
    last_year_period: str = "",
) -> list[Finding]:
    """Far from the enterprise's own history (robust z-score); a year-on-year jump over ±50%."""
    findings = []
    z, middle = _robust_z(amount, history)
    if z is not None and abs(z) > Z_LIMIT:
        findings.append(
            Finding(
                FlagCode.OUTLIER,
                pollutant,
                {
                    "amount": fmt(amount),
                    "median": fmt(middle),
                    "count": len(history),
                    "z": f"{z:+.1f}",
                },
            )
        )
    if last_year is not None and last_year > 0:
        change = amount / last_year - 1
        if abs(change) > YOY_LIMIT:
            findings.append(
                Finding(
                    FlagCode.YEAR_ON_YEAR,
                    pollutant,
                    {
                        "change": percent(change),
                        "period": last_year_period,
                        "previous": fmt(last_year),
                    },
                )
            )
    return findings


def check_subperiods(
    annual: Mapping[str, Decimal], subperiods: Sequence[Mapping[str, Decimal]], kind: str
) -> list[Finding]:
    """Quarterly (or monthly) reports against the annual one.

    With every sub-period reported, their sum must be within ±10% of the year; with only
    some reported, their sum must not already exceed the year by more than 10%.
    """
    expected = 4 if kind == PeriodKind.QUARTER else 12
    complete = len(subperiods) == expected
    findings = []
    for code, amount in annual.items():
        parts = [period[code] for period in subperiods if code in period]
        if not parts:
            continue
        total = sum(parts, Decimal(0))
        if amount == 0:
            off = total > 0
            gap = None
        else:
            gap = total / amount - 1
            off = abs(gap) > SUBPERIOD_TOLERANCE if complete else gap > SUBPERIOD_TOLERANCE
        if off:
            findings.append(
                Finding(
                    FlagCode.SUBPERIODS,
                    code,
                    {
                        "count": len(parts),
                        "kind": kind,
                        "total": fmt(total),
                        "annual": fmt(amount),
                        "gap": percent(gap) if gap is not None else "+∞",
                    },
                )
            )
    return findings


def check_solid_waste(amounts: Mapping[str, Decimal]) -> list[Finding]:
    """Solid waste generated against utilised + disposed + stored (within ±5%)."""
    if SOLID_GENERATED not in amounts or not any(code in amounts for code in SOLID_HANDLED):
        return []
    generated = amounts[SOLID_GENERATED]
    handled = sum((amounts.get(code, Decimal(0)) for code in SOLID_HANDLED), Decimal(0))
    if generated == 0:
        if handled == 0:
            return []
        gap_text = "+∞"
    else:
        gap = handled / generated - 1
        if abs(gap) <= SOLID_TOLERANCE:
            return []
        gap_text = percent(gap)
    return [
        Finding(
            FlagCode.SOLID_BALANCE,
            SOLID_GENERATED,
            {"handled": fmt(handled), "generated": fmt(generated), "gap": gap_text},
        )
    ]


def check_intensity(
    pollutant: str, amount: Decimal, output: Decimal | None, peers: Sequence[Decimal]
) -> list[Finding]:
    """Amount per 10k yuan of output against the median of the sector's other enterprises."""
    if not output or output <= 0 or amount <= 0 or len(peers) < MIN_PEERS:
        return []
    middle = median(peers)
    if middle <= 0:
        return []
    intensity = amount / output
    ratio = intensity / middle
    if _INTENSITY_LOW <= ratio <= INTENSITY_FACTOR:
        return []
    return [
        Finding(
            FlagCode.INTENSITY,
            pollutant,
            {
                "intensity": fmt(intensity),
                "median": fmt(middle),
                "ratio": fmt(ratio),
                "peers": len(peers),
            },
        )
    ]


def check_basis(pollutant: str, basis: str | None) -> list[Finding]:
    """Estimated values rank below measured and calculated ones."""
    if basis == Basis.ESTIMATED:
        return [Finding(FlagCode.ESTIMATED, pollutant)]
    return []


# -- one report -----------------------------------------------------------------------------
@dataclass
class PeriodFigures:
    """One report's figures, as the checks need them."""

    label: str
    amounts: dict[str, Decimal]
    bases: dict[str, str] = field(default_factory=dict)
    output: Decimal | None = None


@dataclass
class ReportContext:
    """A report and what it is compared with."""

    current: PeriodFigures
    earlier: list[PeriodFigures] = field(default_factory=list)  # same kind, oldest first
    last_year: PeriodFigures | None = None  # the same period one year before
    subperiods: dict[str, list[PeriodFigures]] = field(default_factory=dict)  # for a year
    peers: dict[str, list[Decimal]] = field(default_factory=dict)  # pollutant → intensities


def assess(context: ReportContext) -> list[Finding]:
    """Every check over one report."""
    current = context.current
    if not current.amounts:
        return [Finding(FlagCode.EMPTY)]
    findings: list[Finding] = []
    if context.earlier:
        previous = context.earlier[-1]
        findings += check_completeness(current.amounts, previous.amounts, previous.label)
    recent = context.earlier[-HISTORY_WINDOW:]
    for code, amount in current.amounts.items():
        history = [period.amounts[code] for period in recent if code in period.amounts]
        found = check_range(code, amount, history)
        if not found and amount > 0:
            last_year = context.last_year
            found = check_trend(
                code,
                amount,
                history,
                last_year.amounts.get(code) if last_year else None,
                last_year.label if last_year else "",
            )
            found += check_intensity(code, amount, current.output, context.peers.get(code, []))
        findings += found
        findings += check_basis(code, current.bases.get(code))
    for kind, periods in context.subperiods.items():
        findings += check_subperiods(current.amounts, [p.amounts for p in periods], kind)
    findings += check_solid_waste(current.amounts)
    return findings


# -- grades ---------------------------------------------------------------------------------
@dataclass
class GradeResult:
    grade: str
    reasons: list[str]


def grade_of(
    serious: int, warnings: int, empty: bool, value_count: int, estimated_count: int
) -> str:
    """The grade alone (see GRADE_RULE), from the counts of serious flags and warnings."""
    estimated_many = value_count > 0 and Fraction(estimated_count, value_count) > ESTIMATED_SHARE
    if value_count == 0 or empty or serious >= 2:
        return str(Grade.D)
    if serious == 1 or warnings >= 3:
        return str(Grade.C)
    if warnings or estimated_many:
        return str(Grade.B)
    return str(Grade.A)


def grade_report(
    flags: Iterable[tuple[str, str]], value_count: int, estimated_count: int
) -> GradeResult:
    """The grade of a report from its flags, as (code, severity) pairs; see GRADE_RULE."""
    codes = Counter()
    severities = Counter()
    for code, severity in flags:
        codes[code] += 1
        severities[severity] += 1
    serious, warnings = severities[Severity.SERIOUS], severities[Severity.WARNING]
    reasons = []
    if codes[FlagCode.EMPTY] or value_count == 0:
        reasons.append(_("the report holds no values"))
    if serious:
        reasons.append(
            ngettext("%(count)s serious flag", "%(count)s serious flags", serious)
            % {"count": serious}
        )
    if warnings:
        reasons.append(
            ngettext("%(count)s warning", "%(count)s warnings", warnings) % {"count": warnings}
        )
    if estimated_count:
        reasons.append(
            _("%(estimated)s of %(count)s values estimated")
            % {"estimated": estimated_count, "count": value_count}
        )
    grade = grade_of(serious, warnings, bool(codes[FlagCode.EMPTY]), value_count, estimated_count)
    if not reasons:
        reasons.append(_("no flags"))
    return GradeResult(grade, reasons)


GRADE_POINTS = {Grade.A: 4, Grade.B: 3, Grade.C: 2, Grade.D: 1}
POINT_GRADES = {points: grade for grade, points in GRADE_POINTS.items()}


@dataclass
class EnterpriseGrade:
    grade: str | None
    years: list[int]
    counts: dict[str, int]  # reports per grade
    average: Fraction | None

    @property
    def report_count(self) -> int:
        return sum(self.counts.values())

    @property
    def average_text(self) -> str:
        return f"{float(self.average):.2f}" if self.average is not None else ""


def enterprise_grade(reports: Iterable[tuple[int, str]]) -> EnterpriseGrade:
    """An enterprise's grade from its reports as (year, grade) pairs; see ENTERPRISE_RULE.

    The caller passes the enterprise's submitted, verified and returned reports.
    """
    graded = [(year, grade) for year, grade in reports if grade in GRADE_POINTS]
    years = sorted({year for year, _grade in graded}, reverse=True)[:ENTERPRISE_YEARS]
    chosen = [grade for year, grade in graded if year in years]
    counts = {grade: chosen.count(grade) for grade in Grade.values if grade in chosen}
    if not chosen:
        return EnterpriseGrade(None, [], {}, None)
    average = Fraction(sum(GRADE_POINTS[grade] for grade in chosen), len(chosen))
    points = math.ceil(average - Fraction(1, 2))  # nearest; a half goes to the worse grade
    return EnterpriseGrade(str(POINT_GRADES[points]), sorted(years), counts, average)


# -- the database side ----------------------------------------------------------------------
def enterprise_grades(enterprise_ids: Iterable[int] | None = None) -> dict[int, EnterpriseGrade]:
    """The grade of each enterprise (all of them, or those given), in one query.

    For lists and dashboards; counts the same reports as the enterprise page does.
    """
    from enterprises.models import DischargeReport

    reports = DischargeReport.objects.exclude(status=ReportStatus.DRAFT).exclude(grade="")
    if enterprise_ids is not None:
        reports = reports.filter(enterprise_id__in=list(enterprise_ids))
    pairs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for enterprise_id, year, grade in reports.values_list("enterprise_id", "year", "grade"):
        pairs[enterprise_id].append((year, grade))
    return {enterprise_id: enterprise_grade(rows) for enterprise_id, rows in pairs.items()}


def _label(year: int, kind: str, number: int) -> str:
    from enterprises.models import period_code

    return str(year) if kind == PeriodKind.YEAR else f"{year}-{period_code(kind, number)}"


def refresh_reports(report_ids: Iterable[int]) -> None:
    """Recompute and store the flags and the grade of these reports.

    A quarterly or monthly report also refreshes the annual report of its year, whose
    sub-period check depends on it. Runs in a fixed number of queries however many
    reports are passed: the enterprises' reports and values, the sector peers, then the
    writes.
    """
    from benxi_cp.bulk import insert_rows
    from enterprises.models import DischargeReport, DischargeValue, Pollutant, ReliabilityFlag

    ids = set(report_ids)
    if not ids:
        return
    now = timezone.now()
    reports: dict[int, dict] = {}
    targets = list(
        DischargeReport.objects.filter(pk__in=ids).values_list(
            "enterprise_id", "period_kind", "year"
        )
    )
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
    history = DischargeReport.objects.filter(
        Q(period_kind__in=kinds) | Q(year__in=annual_years), enterprise_id__in=enterprise_ids
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
    positions: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for series_key, series in by_series.items():
        series.sort(key=lambda r: (r["year"], r["period_number"]))
        positions[series_key] = [(r["year"], r["period_number"]) for r in series]

    peers = _PeerMedians(_peer_intensities([reports[pk] for pk in chosen]))

    def figures(r: dict) -> PeriodFigures:
        made = r.get("figures")
        if made is None:
            made = r["figures"] = PeriodFigures(
                r["label"], r["amounts"], r["bases"], r["output_10k_yuan"]
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
        context = ReportContext(figures(r), earlier, last_year, subperiods, report_peers)
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
    from enterprises.models import DischargeValue

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
    for sector, year, kind, number, enterprise, code, amount, output in rows:
        result[(sector, year, kind, number)][code].append((enterprise, amount / output))
    return result


def flags_grade(report) -> GradeResult:
    """The grade and its reasons from a report's stored flags and values (prefetched)."""
    values = list(report.values.all())
    estimated = sum(1 for value in values if value.basis == Basis.ESTIMATED)
    return grade_report(
        ((flag.code, flag.severity) for flag in report.flags.all()), len(values), estimated
    )
