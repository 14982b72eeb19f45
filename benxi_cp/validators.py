"""The years a record may carry, once for every app: the constant, the database's condition,
the one validator (benxi_cp/fields.py builds the form field `YearField` on it).

A year of the programme's records (a discharge report, a target, an actual value, an
investment, a closing, an annual form) lies between FIRST_YEAR and LAST_YEAR: from the
founding of the People's Republic to a future far enough for any plan. The forms, importers,
commands and the API check it with `validate_year` (or `in_range`); the database with
`year_q` in each model's `year_range` constraint.
"""

import datetime
import re

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 1949, 2100

# The range in words. A message needs its numbers written out (a catalogue's entry is
# literal, and a constraint's message cannot take parameters); tests/benxi_cp/test_years.py
# holds each one to the constants above.
YEAR_MESSAGE = _("The year must lie between 1949 and 2100.")
YEARS_MESSAGE = _("The years must lie between 1949 and 2100.")
DATE_MESSAGE = _("The date must lie between 1949 and 2100.")


def in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


_AT_LEAST, _AT_MOST = MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)


def validate_year(value) -> None:
    """The one validator of a year, for model and form fields alike. Its refusal is Django's
    own for a number below or above its bounds ("Ensure this value is greater than or equal
    to …"), as the forms and importers have always said it."""
    if value is not None:
        _AT_LEAST(value)
        _AT_MOST(value)


def year_q(field: str = "year") -> Q:
    """The condition of a `year_range` constraint on `field`."""
    return Q(**{f"{field}__gte": FIRST_YEAR, f"{field}__lte": LAST_YEAR})


def date_q(field: str = "date") -> Q:
    """The condition of a constraint keeping the date `field` within the years."""
    return Q(
        **{
            f"{field}__gte": datetime.date(FIRST_YEAR, 1, 1),
            f"{field}__lte": datetime.date(LAST_YEAR, 12, 31),
        }
    )


# -- Text: no control characters ---------------------------------------------------------------
# A text of the programme (a code, a name, a reason, a search) holds no control character:
# the C0 controls but tab, line feed and carriage return, DEL and the C1 controls.
# PostgreSQL refuses NUL in text (a server error, were it let through); the others are
# invisible. Refused at the edge (benxi_cp/edge.py: forms, query parameters, API bodies), by
# the API's text fields (their schema states the pattern), and in imported files
# (benxi_cp/tabular.py).
CONTROL_CHARACTER_CLASS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"
CONTROL_CHARACTERS = re.compile(f"[{CONTROL_CHARACTER_CLASS}]")
# The same rule as a pattern a whole text must match (a JSON schema's `pattern`).
TEXT_PATTERN = f"^[^{CONTROL_CHARACTER_CLASS}]*$"
CONTROL_CHARACTER_MESSAGE = _(
    "This text holds a control character (a NUL byte or another invisible character); remove it."
)


def control_character(text: str) -> str | None:
    """The first control character of `text`, as U+XXXX; None when it has none."""
    found = CONTROL_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


validate_text = RegexValidator(TEXT_PATTERN, CONTROL_CHARACTER_MESSAGE, code="control_character")
