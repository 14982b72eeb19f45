"""The permits' terms on the help page (benxi_cp/glossary.py): the bases of a limit, the
monitoring a permit requires, how compliance is judged and how the tax is computed. Each text
is built from the constants the computations use (permits/compliance.py, permits/fees.py)."""

from django.utils.translation import gettext_lazy as _

from benxi_cp.glossary import Section
from permits import compliance, fees
from permits.choices import Frequency, LimitBasis, Method


def permits_context() -> dict:
    return {
        "bases": [(basis.value, basis.label) for basis in LimitBasis],
        "frequencies": [(frequency.value, frequency.label) for frequency in Frequency],
        "methods": [(method.value, method.label) for method in Method],
        "chronic_months": compliance.CHRONIC_MONTHS,
        "serious_months": compliance.SERIOUS_MONTHS,
        "window": compliance.WINDOW,
        "factor": compliance.SERIOUS_FACTOR,
        "grace_days": compliance.GRACE_DAYS,
        "counted": fees.COUNTED,
    }


# The section of the help page; registered by the app's ready() (registry.glossary).
SECTIONS = (
    Section(
        anchor="permits",
        title=_("Permits, monitoring and compliance"),
        template="help/_permits.html",
        order=65,
        context=permits_context,
    ),
)
