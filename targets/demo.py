"""The demo city's target system (the domain notes' "example target system").

Fourteen departments (the leading team's sections; seven answer for indicators), 21
indicators in the four dimensions, baselines in 1996, goals in 2000 and 2005. Entered
indicators get invented actual values for 1996–2001 that follow a plausible path, some
ahead of the straight line and some behind, so that every light shows. Computed
indicators are never typed in here: their values come from `recompute()` over whatever
discharge reports and audits the demo holds, and their baselines are those computed values.
"""

from decimal import ROUND_HALF_UP, Decimal

from targets.choices import ValueSource
from targets.computations import recompute
from targets.models import Actual, Department, Indicator, Target

FIRST_YEAR, LAST_YEAR = 1996, 2001
BASELINE_YEAR = 1996

DEPARTMENTS = [
    (
        "planning",
        "市计划委员会",
        "Municipal Planning Commission",
        "制定国民经济和社会发展计划，负责经济增长目标。",
        "Draws up the economic and social development plan; answers for the growth targets.",
    ),
    (
        "economic",
        "市经济委员会",
        "Municipal Economic Commission",
        "组织企业节能降耗、资源综合利用和技术改造。",
        "Leads energy and material saving, resource use and technical renewal in industry.",
    ),
    (
        "water",
        "市水利局",
        "Municipal Water Bureau",
        "负责工业节水和用水重复利用。",
        "Answers for industrial water saving and water reuse.",
    ),
    (
        "epb",
        "市环境保护局",
        "Environmental Protection Bureau",
        "负责排污申报、污染物总量控制和达标排放。",
        "Runs discharge reporting, total load control and compliance with standards.",
    ),
    (
        "office",
        "本溪市21世纪议程管理中心",
        "Agenda 21 Administrative Centre (programme office)",
        "组织实施全市清洁生产，推动企业开展清洁生产审核。",
        "Runs the city's CP programme and brings enterprises into CP audits.",
    ),
    (
        "labour",
        "市劳动局",
        "Municipal Labour Bureau",
        "负责就业、再就业和社会保险。",
        "Answers for employment, re-employment and social insurance.",
    ),
    (
        "health",
        "市卫生局",
        "Municipal Health Bureau",
        "负责医疗保障覆盖。",
        "Answers for medical insurance coverage.",
    ),
    # The other sections of the leading team's fourteen (the programme office's organisation,
    # programme/organisation/demo.py); they answer for no indicator of the demo.
    (
        "finance",
        "市财政局",
        "Municipal Finance Bureau",
        "安排清洁生产专项资金，落实财政贴息和补助。",
        "Funds the CP fund and pays the interest subsidies and grants.",
    ),
    (
        "science",
        "市科学技术委员会",
        "Municipal Science and Technology Commission",
        "组织清洁生产技术开发、引进和推广，支持技术咨询服务。",
        "Organises the development, import and spread of CP technology and technical advice.",
    ),
    (
        "statistics",
        "市统计局",
        "Municipal Statistics Bureau",
        "提供经济、资源和社会指标的统计数据，协助核实目标完成情况。",
        "Provides the statistics of the economic, resource and social indicators.",
    ),
    (
        "taxation",
        "市税务局",
        "Municipal Taxation Bureau",
        "落实清洁生产项目的税收优惠政策。",
        "Applies the tax reliefs for CP projects.",
    ),
    (
        "construction",
        "市建设委员会",
        "Municipal Construction Commission",
        "在建设项目审批和城市建设中落实清洁生产和“三同时”要求。",
        "Applies CP and the three-simultaneous rule to construction projects and city works.",
    ),
    (
        "commerce",
        "市工商行政管理局",
        "Municipal Administration for Industry and Commerce",
        "在企业登记和年检中配合推行清洁生产，查处违法行为。",
        "Supports CP in company registration and annual inspection; acts on breaches.",
    ),
    (
        "legal",
        "市政府法制办公室",
        "Legal Affairs Office of the Municipal Government",
        "起草和审查清洁生产地方法规和规章，组织执法监督。",
        "Drafts and reviews the local CP rules and regulations; oversees their enforcement.",
    ),
]

# code, dimension, zh, en, unit, direction, department, computation, decimals,
# baseline (1996), {goal year: goal}, share of the 2000 goal's way reached by 2001.
# Units are given in Chinese; UNITS_EN has their English forms.
ENTERED = "entered"
INDICATORS = [
    ("gdp", "economic", "国内生产总值", "GDP", "亿元", "higher", "planning", "", 1,
     "118.6", {2000: "165.0", 2005: "240.0"}, "1.12"),
    ("labour_productivity", "economic", "全员劳动生产率", "Overall labour productivity",
     "元/人", "higher", "economic", "", 0, "21500", {2000: "30000"}, "0.94"),
    ("profit_tax_rate", "economic", "百元产值利税", "Profit and tax per 100 yuan of output",
     "元", "higher", "economic", "", 2, "6.80", {2000: "9.00"}, "0.55"),
    ("energy_per_gdp", "resource", "万元GDP综合能耗", "Energy per 10k yuan of GDP",
     "吨标准煤/万元", "lower", "economic", "", 2, "4.85", {2000: "3.90", 2005: "3.20"}, "1.04"),
    ("water_per_output", "resource", "万元工业产值取水量",
     "Water per 10k yuan of industrial output", "吨/万元", "lower", "water", "", 0,
     "310", {2000: "240"}, "0.93"),
    ("water_reuse_rate", "resource", "工业用水重复利用率", "Industrial water reuse rate",
     "%", "higher", "water", "", 1, "72.0", {2000: "82.0"}, "1.15"),
    ("material_index", "resource", "节约与替代原材料指数",
     "Material saving and substitution index", "%", "higher", "economic", "", 1,
     "100.0", {2000: "108.0"}, None),
    ("energy_saving_index", "resource", "节约与替代能源指数",
     "Energy saving and substitution index", "%", "higher", "economic", "", 1,
     "100.0", {2000: "110.0"}, "1.01"),
    ("cod_total", "environmental", "化学需氧量排放总量", "Total COD discharged", "吨",
     "lower", "epb", "discharge_total_cod", 0, "17300", {2000: "0.85", 2005: "0.70"}, None),
    ("so2_total", "environmental", "二氧化硫排放总量", "Total SO2 discharged", "吨",
     "lower", "epb", "discharge_total_so2", 0, "82000", {2000: "0.90"}, None),
    ("wastewater_compliance", "environmental", "工业废水排放达标率",
     "Industrial waste water meeting standards", "%", "higher", "epb", "", 1,
     "61.5", {2000: "85.0"}, "1.03"),
    ("wastegas_compliance", "environmental", "工业废气处理达标率",
     "Waste gas treatment meeting standards", "%", "higher", "epb", "", 1,
     "58.0", {2000: "80.0"}, "0.72"),
    ("noise_compliance", "environmental", "区域环境噪声达标率",
     "Regional noise meeting standards", "%", "higher", "epb", "", 1,
     "70.0", {2000: "80.0"}, "-0.12"),
    ("solid_waste_utilisation", "environmental", "工业固体废物综合利用率",
     "Industrial solid waste utilisation rate", "%", "higher", "epb",
     "solid_waste_utilisation_rate", 1, "38.0", {2000: "+12"}, None),
    ("slm_cp_coverage", "environmental", "国有大中型企业清洁生产覆盖率",
     "State large/medium enterprises in the CP programme", "%", "higher", "office",
     "state_large_medium_coverage", 1, "0.0", {2000: "50.0", 2005: "80.0"}, None),
    ("cp_enterprises", "environmental", "实施清洁生产企业数", "Enterprises in the CP programme",
     "家", "higher", "office", "enterprises_in_programme", 0, "0",
     {2000: "35", 2005: "60"}, None),
    ("employment_rate", "social", "就业率", "Employment rate", "%", "higher", "labour", "", 1,
     "94.2", {2000: "96.0"}, "0.94"),
    ("unemployment_rate", "social", "城镇登记失业率", "Registered urban unemployment rate",
     "%", "lower", "labour", "", 1, "2.9", {2000: "3.2"}, "2.60"),
    ("pension_coverage", "social", "养老保险覆盖率", "Pension insurance coverage", "%",
     "higher", "labour", "", 1, "78.0", {2000: "95.0"}, "1.02"),
    ("medical_coverage", "social", "医疗保险覆盖率", "Medical insurance coverage", "%",
     "higher", "health", "", 1, "35.0", {2000: "60.0", 2005: "85.0"}, "0.95"),
    ("social_insurance_coverage", "social", "社会保险覆盖率", "Social insurance coverage", "%",
     "higher", "labour", "", 1, "70.0", {2000: "90.0"}, "1.06"),
]  # fmt: skip

UNITS_EN = {
    "亿元": "100 million yuan",
    "元/人": "yuan per worker",
    "元": "yuan",
    "吨标准煤/万元": "tce per 10k yuan",
    "吨/万元": "t per 10k yuan",
    "吨": "t",
    "家": "enterprises",
    "%": "%",
}

# Year-to-year unevenness, as a share of the way to the 2000 goal: real series are not lines.
WIGGLE = {1997: Decimal("0.04"), 1998: Decimal("-0.03"), 1999: Decimal("0.02"), 2000: 0}


def _q(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def entered_path(baseline: Decimal, goal: Decimal, reached_2001: Decimal, decimals: int):
    """{year: value} for 1996–2001: from the baseline, `reached_2001` of the way to the 2000
    goal by 2001 (1 = the goal itself), evenly but not quite."""
    way = goal - baseline
    values = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        share = reached_2001 * (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR)
        share += WIGGLE.get(year, 0)
        values[year] = _q(baseline + way * share, decimals)
    return values


def _computed_goal(spec: str, baseline: Decimal, decimals: int) -> Decimal:
    """A computed indicator's goal: "0.85" is 85 % of the baseline, "+12" twelve units above
    it (kept within 100 for a rate), anything else the value itself."""
    if spec.startswith("+"):
        return _q(min(baseline + Decimal(spec[1:]), Decimal(100)), decimals)
    if baseline and Decimal(spec) < 1:
        return _q(baseline * Decimal(spec), decimals)
    return Decimal(spec)


def foreign_records(loaded: bool) -> dict[str, int]:
    """Departments and indicators the demo did not make: all of them in a database it was
    never loaded into, else those outside its lists."""
    departments, indicators = Department.objects.all(), Indicator.objects.all()
    if loaded:
        departments = departments.exclude(code__in=[row[0] for row in DEPARTMENTS])
        indicators = indicators.exclude(code__in=[row[0] for row in INDICATORS])
    return {"departments": departments.count(), "indicators": indicators.count()}


def load(stdout) -> None:
    """The demo's targets: departments, indicators, targets and their actual values.

    Long: the demo's story told in order (who is responsible, what is aimed at, what was
    reached); every step writes what the next reads."""
    departments = {}
    for code, name, name_en, duties_zh, duties_en in DEPARTMENTS:
        departments[code], _created = Department.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "duties": duties_zh,
                "duties_en": duties_en,
            },
        )
    indicators = {}
    for position, row in enumerate(INDICATORS, start=1):
        code, dimension, name, name_en, unit, direction, dept, computation = row[:8]
        indicators[code], _created = Indicator.objects.update_or_create(
            code=code,
            defaults={
                "dimension": dimension,
                "name": name,
                "name_en": name_en,
                "unit": unit,
                "unit_en": UNITS_EN[unit],
                "direction": direction,
                "department": departments[dept],
                "computation": computation,
                "position": position * 10,
            },
        )
    for code, *_rest, decimals, baseline, goals, reached in INDICATORS:
        indicator = indicators[code]
        if indicator.computation:
            continue
        baseline = Decimal(baseline)
        if reached is None:  # only the baseline is known so far
            path = {BASELINE_YEAR: baseline}
        else:
            path = entered_path(baseline, Decimal(goals[2000]), Decimal(reached), decimals)
        for year, value in path.items():
            Actual.objects.update_or_create(
                indicator=indicator,
                year=year,
                defaults={"value": value, "source": ValueSource.ENTERED, "note": ""},
            )
        for goal_year, goal in goals.items():
            Target.objects.update_or_create(
                indicator=indicator,
                goal_year=goal_year,
                defaults={
                    "baseline_year": BASELINE_YEAR,
                    "baseline_value": baseline,
                    "goal_value": Decimal(goal),
                },
            )

    computed_count = 0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        summary = recompute(year)
        computed_count += len(summary.created) + len(summary.updated) + len(summary.unchanged)

    # Computed indicators: the baseline is the first computed value up to 1999 (the records
    # decide it), else the fall-back above with no value to judge progress by.
    for code, *_rest, decimals, fallback, goals, _reached in INDICATORS:
        indicator = indicators[code]
        if not indicator.computation:
            continue
        first = (
            indicator.actuals.filter(year__gte=BASELINE_YEAR, year__lte=1999)
            .order_by("year")
            .first()
        )
        baseline_year = first.year if first else BASELINE_YEAR
        baseline = _q(first.value, decimals) if first else Decimal(fallback)
        for goal_year, spec in goals.items():
            Target.objects.update_or_create(
                indicator=indicator,
                goal_year=goal_year,
                defaults={
                    "baseline_year": baseline_year,
                    "baseline_value": baseline,
                    "goal_value": _computed_goal(spec, baseline, decimals),
                },
            )
    stdout.write(
        f"Targets: {len(departments)} departments, {len(indicators)} indicators, "
        f"{Target.objects.count()} targets, {Actual.objects.count()} actual values "
        f"({computed_count} computed from the records)."
    )
