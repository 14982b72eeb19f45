"""What the reliability checks say: each check's severity and its message to the user.

Kept apart from the checks (enterprises/reliability.py) and from their storage
(enterprises/reliability_store.py), so that the models can render a stored flag's message
without importing either.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext_lazy

from enterprises.choices import FlagCode, PeriodKind, Severity

SEVERITY: dict[str, str] = {
    FlagCode.EMPTY: Severity.SERIOUS,
    FlagCode.NEGATIVE: Severity.SERIOUS,
    FlagCode.OUTLIER: Severity.SERIOUS,
    FlagCode.SUBPERIODS: Severity.SERIOUS,
    FlagCode.SCALED_HISTORY: Severity.SERIOUS,
    FlagCode.MISSING: Severity.WARNING,
    FlagCode.ZERO: Severity.WARNING,
    FlagCode.YEAR_ON_YEAR: Severity.WARNING,
    FlagCode.SOLID_BALANCE: Severity.WARNING,
    FlagCode.INTENSITY: Severity.WARNING,
    FlagCode.ABOVE_PERMIT: Severity.WARNING,
    FlagCode.MONITORED: Severity.WARNING,
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
    FlagCode.SCALED_HISTORY: gettext_lazy(
        "%(amount)s %(unit)s is %(ratio)s× what the enterprise's %(count)s verified "
        "%(kinds)s reports give for a period this long (median %(expected)s %(unit)s; "
        "flagged beyond %(limit)s× or under 1/%(limit)s)."
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
    FlagCode.ABOVE_PERMIT: gettext_lazy(
        "%(amount)s %(unit)s is above the %(permitted)s %(unit)s the enterprise's permits "
        "allow for the year."
    ),
    FlagCode.MONITORED: gettext_lazy(
        "%(amount)s %(unit)s against %(estimate)s %(unit)s from monitoring: the mean of "
        "%(count)s values, %(mean)s %(concentration_unit)s, × %(volume)s %(volume_unit)s "
        "(%(gap)s%%; beyond ±%(tolerance)s%% is flagged)."
    ),
    FlagCode.ESTIMATED: gettext_lazy(
        "The value is estimated, neither measured nor calculated; it ranks below measured figures."
    ),
}

SUBPERIOD_KINDS = {
    PeriodKind.QUARTER: gettext_lazy("quarterly"),
    PeriodKind.MONTH: gettext_lazy("monthly"),
}

# The volume a monitored concentration is multiplied by, by the pollutant's medium, and the
# unit of the concentration (enterprises/reliability.py, check_monitored).
VOLUME_UNITS = {
    "water": gettext_lazy("10k t of waste water"),
    "air": gettext_lazy("10k Nm³ of waste gas"),
}
CONCENTRATION_UNITS = {"water": "mg/L", "air": "mg/m³"}

REPORT_KINDS = {
    PeriodKind.YEAR: gettext_lazy("annual"),
    PeriodKind.QUARTER: gettext_lazy("quarterly"),
    PeriodKind.MONTH: gettext_lazy("monthly"),
}


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
        values.setdefault("unit", pollutant.display_unit)
        values.setdefault("pollutant", pollutant.display_name)
    if "kinds" in values:
        values["kinds"] = " / ".join(
            str(REPORT_KINDS.get(kind, kind)) for kind in str(values["kinds"])
        )
    if "medium" in values:
        values["volume_unit"] = str(VOLUME_UNITS.get(values["medium"], ""))
        values["concentration_unit"] = CONCENTRATION_UNITS.get(values["medium"], "")
    if "kind" in values:
        values["kind"] = str(SUBPERIOD_KINDS.get(values["kind"], values["kind"]))
    template = MESSAGES.get(code)
    if template is None:
        return str(code)
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(FlagCode(code).label) if code in FlagCode.values else str(code)
