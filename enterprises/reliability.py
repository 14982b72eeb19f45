"""How far the discharge figures can be trusted: the checks and the grades.

DOMAIN.md ("Reliability of the data") asks the system to estimate the reliability of its
data. The checks below are plain functions of plain values (amounts as Decimal, a history
as a list of past amounts), so that they can be tested without a database; this module
imports no model. Each returns `Finding`s: a check code (FlagCode), the pollutant concerned
and the figures behind it. `assess()` runs them all over one report and its context;
`grade_report()` turns the findings into a grade A–D; `enterprise_grade()` rolls report
grades up to an enterprise.

The checks' severities and messages are in enterprises/flags.py; loading reports from the
database and storing the findings is enterprises/reliability_store.py (`refresh_reports`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from statistics import median

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from enterprises.choices import Basis, FlagCode, Grade, PeriodKind, Severity
from enterprises.flags import SEVERITY, fmt, percent

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
# A month or a quarter against the enterprise's verified history of every period kind, each
# past report scaled to the period's length (a year's twelfth for a month, its quarter for a
# quarter). Seasonality is allowed for: heating-season months in Benxi discharge about twice
# the SO2 of summer ones, so only a period above 3× or below a third of the scaled history's
# median is flagged.
SCALED_FACTOR = 3
_SCALED_LOW = Fraction(1, SCALED_FACTOR)
SCALED_YEARS = 3  # the verified reports of the three years before the period's year, and its own
MONTHS = {PeriodKind.YEAR: 12, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}
ESTIMATED_SHARE = Fraction(1, 2)  # more than half the values estimated lowers the grade
ENTERPRISE_YEARS = 3  # an enterprise's grade looks at its three latest reporting years

# An annual report against its enterprise's permit and monitoring (the figures come from the
# permits app, registry.reliability_sources): above the permitted quantity of the year is
# flagged (equal is not); a pollutant's amount more than ±30% away from the year's mean
# monitored concentration × the waste water or waste gas the report gives is flagged (30%
# exactly is not), when at least MIN_MONITORED values were measured. Monitoring samples a
# few days or hours of the year, so the estimate is rough: the tolerance is wide.
MONITORED_TOLERANCE = Decimal("0.30")
MIN_MONITORED = 4  # a year's values of the pollutant before its mean means anything
BELOW_DETECTION_SHARE = Decimal("0.5")  # a below-detection value counts as half its limit
# The report's volume of each medium, and the factor from concentration × volume to tonnes:
# mg/L × 10k t (10⁷ L) = 10⁷ mg = 0.01 t; mg/m³ × 10k Nm³ (10⁴ m³) = 10⁴ mg = 0.00001 t.
VOLUME_CODES = {"water": "WASTEWATER", "air": "WASTEGAS"}
TONNES_PER_CONCENTRATION_VOLUME = {"water": Decimal("0.01"), "air": Decimal("0.00001")}

SOLID_GENERATED = "SW_GEN"
SOLID_HANDLED = ("SW_UTIL", "SW_DISP", "SW_STORE")

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


def scaled(amount: Decimal, kind: str, to_kind: str) -> Decimal:
    """A report's amount scaled to the length of another period kind (a year's twelfth…)."""
    return Decimal(amount) * MONTHS[to_kind] / MONTHS[kind]


def check_scaled_history(
    pollutant: str, amount: Decimal, kind: str, history: Sequence[tuple[str, Decimal]]
) -> list[Finding]:
    """A month or a quarter against the enterprise's verified reports of any period kind,
    given as (kind, amount) and scaled to this period's length: beyond SCALED_FACTOR× or
    under 1/SCALED_FACTOR of their median."""
    if kind == PeriodKind.YEAR or amount <= 0 or not history:
        return []
    expected = median([scaled(past, past_kind, kind) for past_kind, past in history])
    if expected <= 0:
        return []
    ratio = Fraction(Decimal(amount)) / Fraction(expected)
    if _SCALED_LOW <= ratio <= SCALED_FACTOR:
        return []
    kinds = sorted({past_kind for past_kind, _past in history}, key=lambda k: -MONTHS[k])
    return [
        Finding(
            FlagCode.SCALED_HISTORY,
            pollutant,
            {
                "amount": fmt(amount),
                "expected": fmt(expected),
                "ratio": fmt(Decimal(ratio.numerator) / Decimal(ratio.denominator)),
                "count": len(history),
                "kinds": "".join(kinds),
                "limit": SCALED_FACTOR,
            },
        )
    ]


@dataclass(frozen=True)
class Monitored:
    """A year's monitoring of one pollutant at an enterprise's outlets: the mean
    concentration (mg/L for water, mg/m³ for air) and the number of values."""

    medium: str
    mean: Decimal
    count: int


@dataclass
class PermitFigures:
    """What an annual report is checked against from its enterprise's permits: the permitted
    quantity of each pollutant in t (pro rata of the days in force), and the monitoring."""

    permitted: dict[str, Decimal] = field(default_factory=dict)
    monitored: dict[str, Monitored] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """An app's figures for the reliability checks (registry.reliability_sources): `load`
    takes the annual reports as (report id, enterprise id, year) and gives each report's
    PermitFigures, in a fixed number of queries."""

    name: str
    load: Callable[[list[tuple[int, int, int]]], dict[int, PermitFigures]]


def check_permitted(pollutant: str, amount: Decimal, permitted: Decimal | None) -> list[Finding]:
    """An annual amount above the permitted quantity of its year."""
    if permitted is None or amount <= permitted:
        return []
    return [
        Finding(
            FlagCode.ABOVE_PERMIT, pollutant, {"amount": fmt(amount), "permitted": fmt(permitted)}
        )
    ]


def monitored_estimate(monitored: Monitored, volume: Decimal) -> Decimal:
    """The tonnes the monitored mean concentration gives for the volume discharged."""
    return monitored.mean * volume * TONNES_PER_CONCENTRATION_VOLUME[monitored.medium]


def check_monitored(
    pollutant: str, amount: Decimal, monitored: Monitored | None, volume: Decimal | None
) -> list[Finding]:
    """An annual amount more than MONITORED_TOLERANCE away from the monitored mean
    concentration × the report's volume of the pollutant's medium."""
    if monitored is None or monitored.count < MIN_MONITORED or not volume or volume <= 0:
        return []
    estimate = monitored_estimate(monitored, volume)
    if estimate <= 0:
        return []
    gap = Decimal(amount) / estimate - 1
    if abs(gap) <= MONITORED_TOLERANCE:
        return []
    return [
        Finding(
            FlagCode.MONITORED,
            pollutant,
            {
                "amount": fmt(amount),
                "estimate": fmt(estimate),
                "mean": fmt(monitored.mean),
                "count": monitored.count,
                "volume": fmt(volume),
                "medium": monitored.medium,
                "gap": percent(gap),
                "tolerance": f"{MONITORED_TOLERANCE * 100:g}",
            },
        )
    ]


def check_permit(amounts: Mapping[str, Decimal], figures: PermitFigures) -> list[Finding]:
    """An annual report against its permits and monitoring, pollutant by pollutant."""
    findings = []
    for code, amount in amounts.items():
        findings += check_permitted(code, amount, figures.permitted.get(code))
        monitored = figures.monitored.get(code)
        volume = amounts.get(VOLUME_CODES[monitored.medium]) if monitored else None
        findings += check_monitored(code, amount, monitored, volume)
    return findings


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
    kind: str = PeriodKind.YEAR


@dataclass
class ReportContext:
    """A report and what it is compared with."""

    current: PeriodFigures
    earlier: list[PeriodFigures] = field(default_factory=list)  # same kind, oldest first
    last_year: PeriodFigures | None = None  # the same period one year before
    subperiods: dict[str, list[PeriodFigures]] = field(default_factory=dict)  # for a year
    peers: dict[str, list[Decimal]] = field(default_factory=dict)  # pollutant → intensities
    # For a month or a quarter: the enterprise's verified reports of every kind in the
    # SCALED_YEARS before it (and earlier in its year), oldest first.
    verified: list[PeriodFigures] = field(default_factory=list)
    # For a year: its enterprise's permitted quantities and monitoring (check_permit).
    permit: PermitFigures | None = None


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
            if not any(finding.code == FlagCode.OUTLIER for finding in found):
                found += check_scaled_history(
                    code,
                    amount,
                    current.kind,
                    [(p.kind, p.amounts[code]) for p in context.verified if code in p.amounts],
                )
            found += check_intensity(code, amount, current.output, context.peers.get(code, []))
        findings += found
        findings += check_basis(code, current.bases.get(code))
    for kind, periods in context.subperiods.items():
        findings += check_subperiods(current.amounts, [p.amounts for p in periods], kind)
    findings += check_solid_waste(current.amounts)
    if context.permit is not None and current.kind == PeriodKind.YEAR:
        findings += check_permit(current.amounts, context.permit)
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
