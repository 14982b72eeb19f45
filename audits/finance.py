"""Feasibility figures of a CP option, with the usual symbols of a CP audit (DOMAIN.md).

    I  total investment                  P  annual net saving
    D  depreciation      = I / Y         Y  depreciation period in years
    T  taxable profit    = P − D
    E  net profit        = T × (1 − tax rate)
    F  annual net cash flow = E + D
    N  payback period    = I / F
    NPV over the option's life at the discount rate; IRR of the same cash flows.

Amounts in 10k yuan; rates as fractions (0.33, not 33). Plain functions of plain values:
no request, no database. A figure that cannot be computed comes back as a
`NotComputable` carrying the reason, never as an exception, so pages and exports can
show why.

One choice the symbols leave open: when T is negative (the saving does not cover the
depreciation) no income tax is due, so E = T. Taxing a loss would invent a cash flow
(F = D × tax) out of an option that saves nothing.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy_financial as npf
from django.utils.translation import gettext_lazy as _

Number = Decimal | int | float | str


@dataclass(frozen=True)
class NotComputable:
    """A figure that does not exist for these inputs, and why."""

    reason: str

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return str(self.reason)


Figure = Decimal | NotComputable


def _dec(value: Number) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _from_float(value: float, places: str) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(places))


def depreciation(investment: Number, years: int) -> Figure:
    """D = I / Y."""
    if years is None or int(years) < 1:
        return NotComputable(_("the depreciation period must be at least one year"))
    return _dec(investment) / int(years)


def taxable_profit(annual_net_saving: Number, depreciation: Number) -> Decimal:
    """T = P − D."""
    return _dec(annual_net_saving) - _dec(depreciation)


def net_profit(taxable_profit: Number, tax_rate: Number) -> Decimal:
    """E = T × (1 − tax rate); a loss (T ≤ 0) pays no tax."""
    profit = _dec(taxable_profit)
    if profit <= 0:
        return profit
    return profit * (1 - _dec(tax_rate))


def annual_cash_flow(net_profit: Number, depreciation: Number) -> Decimal:
    """F = E + D."""
    return _dec(net_profit) + _dec(depreciation)


def payback_years(investment: Number, cash_flow: Number) -> Figure:
    """N = I / F, in years; none when the cash flow never pays the investment back."""
    flow = _dec(cash_flow)
    if flow <= 0:
        return NotComputable(
            _("the annual net cash flow is not positive: the investment is never paid back")
        )
    return _dec(investment) / flow


def net_present_value(
    investment: Number, cash_flow: Number, discount_rate: Number, life_years: int
) -> Figure:
    """NPV = −I + Σ F / (1 + r)^t for t = 1 … life, rounded to 0.01 (10k yuan)."""
    if life_years is None or int(life_years) < 1:
        return NotComputable(_("the life of the option must be at least one year"))
    rate = _dec(discount_rate)
    if rate <= -1:
        return NotComputable(_("the discount rate must be above −100%"))
    flows = [-float(_dec(investment))] + [float(_dec(cash_flow))] * int(life_years)
    return _from_float(float(npf.npv(float(rate), flows)), "0.01")


def internal_rate_of_return(investment: Number, cash_flow: Number, life_years: int) -> Figure:
    """The rate at which the NPV is zero, as a fraction rounded to 0.000001."""
    if life_years is None or int(life_years) < 1:
        return NotComputable(_("the life of the option must be at least one year"))
    invest, flow = _dec(investment), _dec(cash_flow)
    if invest <= 0:
        return NotComputable(_("without an investment there is no rate of return"))
    if flow <= 0:
        return NotComputable(_("the cash flows never turn positive, so no rate of return exists"))
    value = npf.irr([-float(invest)] + [float(flow)] * int(life_years))
    if value is None or math.isnan(value):
        return NotComputable(_("no rate of return exists for these cash flows"))
    return _from_float(float(value), "0.000001")


@dataclass(frozen=True)
class Evaluation:
    """Every figure of one feasibility analysis, and what they say."""

    depreciation: Figure
    taxable_profit: Figure
    net_profit: Figure
    cash_flow: Figure
    payback_years: Figure
    npv: Figure
    irr: Figure
    discount_rate: Decimal | None
    feasible: bool | None  # None: the figures do not decide

    @property
    def discount_rate_pct(self) -> Decimal | None:
        return None if self.discount_rate is None else self.discount_rate * 100

    @property
    def irr_pct(self) -> Figure:
        return self.irr * 100 if isinstance(self.irr, Decimal) else self.irr


MISSING = NotComputable(_("an input is missing"))


def evaluate(
    *,
    investment: Number | None,
    annual_net_saving: Number | None,
    depreciation_years: int | None,
    tax_rate: Number | None,
    discount_rate: Number | None,
    life_years: int | None,
) -> Evaluation:
    """All figures at once. Economically feasible: NPV ≥ 0 and IRR ≥ the discount rate."""
    inputs = (investment, annual_net_saving, depreciation_years, tax_rate, discount_rate)
    if any(value is None for value in (*inputs, life_years)):
        return Evaluation(*([MISSING] * 7), discount_rate=None, feasible=None)
    d = depreciation(investment, depreciation_years)
    if isinstance(d, NotComputable):
        return Evaluation(*([d] * 7), discount_rate=_dec(discount_rate), feasible=None)
    t = taxable_profit(annual_net_saving, d)
    e = net_profit(t, tax_rate)
    f = annual_cash_flow(e, d)
    n = payback_years(investment, f)
    npv = net_present_value(investment, f, discount_rate, life_years)
    irr = internal_rate_of_return(investment, f, life_years)
    rate = _dec(discount_rate)
    if isinstance(npv, NotComputable):
        feasible = None
    elif npv < 0:
        feasible = False
    elif isinstance(irr, Decimal):
        feasible = irr >= rate
    else:
        feasible = True  # no investment to earn back, and a non-negative NPV
    return Evaluation(d, t, e, f, n, npv, irr, discount_rate=rate, feasible=feasible)
