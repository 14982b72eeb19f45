"""A hand-made programme whose 2000 summary is worked out by hand (see test_summary.py)."""

import datetime
from decimal import Decimal

from enterprises.models import Pollutant
from targets.models import Actual, Department, Indicator, Target
from tests.reports.factories import make_audit, make_enterprise, make_option, make_report


def build() -> dict:
    e1 = make_enterprise("E1", slm=True, sector="iron_steel", name="甲钢铁厂")
    e2 = make_enterprise("E2", slm=True, sector="chemicals", name="乙化工厂")
    e3 = make_enterprise("E3", sector="chemicals", name="丙化工厂")
    e4 = make_enterprise("E4", slm=True, sector="coal", name="丁煤矿")
    e5 = make_enterprise("E5", slm=True, sector="power", name="戊发电厂")
    e6 = make_enterprise("E6", sector="light_industry", name="己造纸厂")
    e7 = make_enterprise("E7", sector="pharmaceuticals", name="庚制药厂")

    # E1: accepted by the national centre in 1999, named a demonstration enterprise in 2000.
    a1 = make_audit(
        e1,
        "1998-03-01",
        ref="A1",
        accepted_by="national_centre",
        accepted_on="1999-06-01",
        demonstration=True,
        demonstration_on="2000-05-01",
    )
    make_option(
        a1,
        "L1",
        investment="2",
        benefit="5",
        implemented_on="1998-06-01",
        reductions={"COD": "100"},
    )
    make_option(a1, "L2", status="selected")
    make_option(a1, "L3", status="proposed")
    make_option(a1, "L4", status="rejected")
    make_option(
        a1,
        "M1",
        fee_class="medium_high",
        investment="100",
        benefit="300",
        implemented_on="2000-02-01",
        aspect="technology",
        reductions={"COD": "50", "SO2": "20"},
    )
    make_option(a1, "M2", fee_class="medium_high", status="feasible", investment="50")
    make_option(
        a1,
        "M3",
        fee_class="medium_high",
        investment="1000",
        benefit="1000",
        implemented_on="2002-03-01",
        reductions={"COD": "999"},
    )
    make_option(a1, "M4", fee_class="medium_high", status="not_feasible", investment="10")
    # A second round: the baseline stays the year before the first audit.
    a1b = make_audit(e1, "2000-09-01", ref="A1B", steps=2)
    make_option(a1b, "L7", status="selected")
    make_report(e1, 1997, {"COD": "600", "SO2": "100"})
    make_report(e1, 1999, {"COD": "999999"})  # not the baseline year

    # E2: accepted by the municipality in 2000, demonstration without a date of naming.
    a2 = make_audit(
        e2,
        "1999-05-01",
        ref="A2",
        accepted_by="municipality",
        accepted_on="2000-11-01",
        demonstration=True,
    )
    make_option(
        a2,
        "L5",
        investment="1",
        benefit="2",
        implemented_on="1999-09-01",
        aspect="process_control",
        reductions={"COD": "30"},
    )
    for quarter in range(1, 5):  # baseline 1998 from four verified quarters: 200 t
        make_report(e2, 1998, {"COD": "50"}, kind="Q", number=quarter)
    make_report(e2, 1998, {"COD": "9999"}, status="draft")  # a draft annual report: ignored

    # E3: an option without amounts; its baseline has only three quarters: no baseline.
    a3 = make_audit(e3, "2000-01-10", ref="A3", steps=5)
    make_option(a3, "L6", implemented_on="2000-04-01", aspect="waste", reductions={"COD": "10"})
    for quarter in range(1, 4):
        make_report(e3, 1999, {"COD": "40"}, kind="Q", number=quarter)

    # E4: started after 2000; E5: never started.
    a4 = make_audit(e4, "2002-01-01", ref="A4")
    make_option(
        a4, "L8", investment="3", benefit="3", implemented_on="2002-05-01", reductions={"COD": "7"}
    )

    # E6: accepted by the municipality in 2001 only; E7: acceptance failed.
    make_audit(e6, "2000-06-01", ref="A6", accepted_by="municipality", accepted_on="2001-03-01")
    make_audit(
        e7,
        "2000-02-01",
        ref="A7",
        accepted_by="municipality",
        accepted_on="2000-10-01",
        acceptance="fail",
    )
    # Two targets: COD on the straight line (green), GDP far behind it (red).
    epb = Department.objects.create(code="epb", name="市环境保护局", name_en="EPB")
    cod = Indicator.objects.create(
        code="cod_total",
        dimension="environmental",
        name="化学需氧量排放总量",
        name_en="Total COD",
        unit="吨",
        direction="lower",
        department=epb,
    )
    Target.objects.create(
        indicator=cod, baseline_year=1996, baseline_value=1000, goal_year=2000, goal_value=800
    )
    Actual.objects.create(indicator=cod, year=1999, value=850)
    gdp = Indicator.objects.create(
        code="gdp",
        dimension="economic",
        name="国内生产总值",
        name_en="GDP",
        unit="亿元",
        direction="higher",
        department=epb,
    )
    Target.objects.create(
        indicator=gdp, baseline_year=1996, baseline_value=100, goal_year=2000, goal_value=140
    )
    Actual.objects.create(indicator=gdp, year=2000, value=110)
    return {
        "e1": e1,
        "e2": e2,
        "e3": e3,
        "e4": e4,
        "e5": e5,
        "e6": e6,
        "e7": e7,
        "a1": a1,
        "a2": a2,
        "a3": a3,
    }


def permits_2000(enterprise, number: str = "P-2000") -> None:
    """A permit of `enterprise` in force from 2000, its monitoring of 2000 (an exceedance of
    each limit, a value equal to its limit, one below detection, eight months missing) and
    its verified report of 2000: content for the compliance and fee forms of 2000 (the
    other forms read none of it but the report)."""
    from permits.models import MonitoringValue
    from tests.permits.test_permits import make_permit

    make_permit(
        enterprise,
        number,
        first="2000-01-01",
        last="2004-12-31",
        rows=[
            ("DW001", "water", "COD", "daily_mean", "100", "mg/L", "monthly"),
            ("DA001", "air", "SO2", "hourly_mean", "400", "mg/m3", ""),
            ("", "", "COD", "annual_total", "60", "t", ""),
            ("", "", "SO2", "annual_total", "20", "t", ""),
        ],
    )
    pollutants = {p.code: p for p in Pollutant.objects.filter(code__in=["COD", "SO2"])}
    for outlet, code, basis, day, hour, amount, below in [
        ("DW001", "COD", "daily_mean", "2000-01-10", None, "80", False),
        ("DW001", "COD", "daily_mean", "2000-02-10", None, "150", False),
        ("DW001", "COD", "daily_mean", "2000-03-10", None, "100", False),
        ("DW001", "COD", "daily_mean", "2000-04-10", None, "120", True),
        ("DA001", "SO2", "hourly_mean", "2000-03-01", 8, "600", False),
    ]:
        MonitoringValue.objects.create(
            enterprise=enterprise,
            outlet=outlet,
            pollutant=pollutants[code],
            basis=basis,
            measured_on=datetime.date.fromisoformat(day),
            hour=hour,
            value=Decimal(amount),
            below_detection=below,
        )
    make_report(enterprise, 2000, {"COD": "45", "SO2": "30", "NH3N": "2"})
