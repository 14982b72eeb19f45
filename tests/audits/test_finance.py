"""Feasibility figures against values worked out by hand (annuity factors from tables)."""

from decimal import Decimal

import pytest
from django.utils import translation

from audits import finance
from audits.finance import NotComputable, evaluate


@pytest.fixture(autouse=True)
def english():
    """The reasons are compared in English."""
    with translation.override("en"):
        yield


def close(value, expected, places: int = 2) -> bool:
    return abs(Decimal(value) - Decimal(str(expected))) < Decimal(10) ** -places


def test_each_step_of_a_profitable_option():
    # I = 100, P = 30, Y = 10, tax 33%: D = 10, T = 20, E = 13.4, F = 23.4, N = 100/23.4.
    d = finance.depreciation(100, 10)
    t = finance.taxable_profit(30, d)
    e = finance.net_profit(t, Decimal("0.33"))
    f = finance.annual_cash_flow(e, d)
    assert (d, t, e, f) == (Decimal(10), Decimal(20), Decimal("13.40"), Decimal("23.40"))
    assert close(finance.payback_years(100, f), "4.2735", 4)
    # annuity factor 10%, 10 years = 6.144567: NPV = −100 + 23.4 × 6.144567 = 43.78
    assert finance.net_present_value(100, f, Decimal("0.10"), 10) == Decimal("43.78")
    # 23.4 × a(r, 10) = 100 at r = 19.44% (a(19%) = 4.3389, a(20%) = 4.1925, interpolated)
    assert close(finance.internal_rate_of_return(100, f, 10) * 100, "19.44", 2)


def test_evaluate_a_sample_desulphurisation_option():
    # I = 850, P = 310, Y = 10, tax 33%, 12% over 15 years:
    # D = 85, T = 225, E = 150.75, F = 235.75, N = 3.6055, NPV = 755.66, IRR = 26.96%.
    result = evaluate(
        investment=Decimal("850"),
        annual_net_saving=Decimal("310"),
        depreciation_years=10,
        tax_rate=Decimal("0.33"),
        discount_rate=Decimal("0.12"),
        life_years=15,
    )
    assert result.depreciation == 85 and result.taxable_profit == 225
    assert result.net_profit == Decimal("150.75") and result.cash_flow == Decimal("235.75")
    assert close(result.payback_years, "3.6055", 4)
    assert result.npv == Decimal("755.66")
    assert close(result.irr_pct, "26.96", 2)
    assert result.feasible is True


def test_a_loss_pays_no_tax_and_the_option_is_not_feasible():
    # I = 200, P = 10, Y = 10: D = 20, T = −10, so E = −10 (no tax), F = 10, N = 20 years;
    # 8% over 10 years: NPV = −200 + 10 × 6.710081 = −132.90; IRR = −10.96%.
    result = evaluate(
        investment=200,
        annual_net_saving=10,
        depreciation_years=10,
        tax_rate=Decimal("0.33"),
        discount_rate=Decimal("0.08"),
        life_years=10,
    )
    assert result.net_profit == -10 and result.cash_flow == 10
    assert result.payback_years == 20
    assert result.npv == Decimal("-132.90")
    assert close(result.irr_pct, "-10.96", 2)
    assert result.feasible is False


def test_no_saving_gives_not_computable_payback_and_irr():
    # P = 0: T = −D, E = −D, F = 0: never paid back, no rate of return; NPV = −I.
    result = evaluate(
        investment=100,
        annual_net_saving=0,
        depreciation_years=10,
        tax_rate=Decimal("0.33"),
        discount_rate=Decimal("0.10"),
        life_years=10,
    )
    assert result.cash_flow == 0
    assert isinstance(result.payback_years, NotComputable)
    assert "never paid back" in str(result.payback_years)
    assert isinstance(result.irr, NotComputable) and isinstance(result.irr_pct, NotComputable)
    assert result.npv == Decimal("-100.00")
    assert result.feasible is False


def test_zero_investment_has_no_rate_of_return_but_pays_at_once():
    # I = 0, P = 5, Y = 5: D = 0, E = 3.35, F = 3.35, N = 0; NPV at 10% over 5 years = 12.70.
    result = evaluate(
        investment=0,
        annual_net_saving=5,
        depreciation_years=5,
        tax_rate=Decimal("0.33"),
        discount_rate=Decimal("0.10"),
        life_years=5,
    )
    assert result.cash_flow == Decimal("3.35")
    assert result.payback_years == 0
    assert result.npv == Decimal("12.70")
    assert isinstance(result.irr, NotComputable)
    assert "without an investment" in str(result.irr)
    assert result.feasible is True


def test_an_irr_below_the_discount_rate_is_not_feasible():
    # F = 23.4 a year on I = 100 gives 19.44%; at a 25% discount rate the NPV is negative.
    result = evaluate(
        investment=100,
        annual_net_saving=30,
        depreciation_years=10,
        tax_rate=Decimal("0.33"),
        discount_rate=Decimal("0.25"),
        life_years=10,
    )
    assert result.npv < 0 and result.irr < Decimal("0.25")
    assert result.feasible is False


@pytest.mark.parametrize(
    "inputs",
    [
        {"depreciation_years": 0},
        {"life_years": 0},
        {"annual_net_saving": None},
        {"discount_rate": None},
    ],
)
def test_impossible_or_missing_inputs_are_not_computable_not_errors(inputs):
    values = {
        "investment": 100,
        "annual_net_saving": 30,
        "depreciation_years": 10,
        "tax_rate": Decimal("0.33"),
        "discount_rate": Decimal("0.10"),
        "life_years": 10,
    } | inputs
    result = evaluate(**values)
    assert result.feasible is None or result.feasible is False
    assert any(
        isinstance(figure, NotComputable)
        for figure in (result.depreciation, result.npv, result.irr, result.payback_years)
    )
    assert isinstance(result.npv, NotComputable)


def test_functions_accept_floats_strings_and_decimals_alike():
    assert finance.depreciation("100", 8) == finance.depreciation(100.0, 8) == Decimal("12.5")
    assert isinstance(finance.depreciation(100, 0), NotComputable)
    assert not NotComputable("x")
    assert finance.net_present_value(10, 1, -1, 3).reason
    assert isinstance(finance.internal_rate_of_return(10, 1, 0), NotComputable)
