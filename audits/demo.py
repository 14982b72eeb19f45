"""The demo city's CP programme, 1996–2001, built from raw records so that the programme
summary as of 2001-12-31 reproduces the paper's figures (Li Qiang, Benxi 2001):

- 41 enterprises with an audit started 1996–2001, 34 of them state-owned large or medium
  (34 of the register's 50: 68%);
- 15 enterprises whose audit passed acceptance by the national CP Centre, 4 of them named
  demonstration enterprises, and 26 whose audit passed acceptance by the municipality;
- no/low-fee options retained at screening 422, implemented 384; medium/high-fee retained
  50, implemented 29; plus options still proposed and options rejected at screening;
- implemented options: actual investment 7,509.00 and annual benefit 29,000.00 (10k yuan,
  1:3.86), beside their estimates (a medium/high-fee option's from its feasibility
  analysis, a no/low-fee option's within a few percent of what it cost);
  annual reductions COD 5,759 t, waste gas 280,000 × 10k Nm³ (2,800 million Nm³) and
  solid waste generated 26,000 t (other pollutants invented).

The "12 more enterprises that started in June 2001" are read as 12 of the 41 starting a
second audit round in June 2001: the paper counts 41 enterprises in the programme, 15 + 26
of them accepted, so all 41 have a first round accepted by the end of 2001, and the June
starters are still in the first steps of their next round. Seven more enterprises are in
second rounds begun in 1999–2000, which gives audits at every step, an assessment failed,
an assessment awaiting acceptance and an acceptance failed. Nothing is dated after
2001-12-31.

The records obey the audit rules: step 3 done only with a material balance, step 4 only
with no option left proposed, step 5 only with a feasibility analysis of every kept
medium/high-fee option (so the selected ones of an audit past step 5 have one, concluding
nothing yet), and a medium/high-fee option feasible or implemented only with its analysis.
Accepted audits are locked (audits/locks.py): the demo writes below the lock.

Deterministic: every "random" choice comes from one generator with a fixed seed. Loading
again rewrites the demo audits (references BX-…) in place, keeping their ids, and builds
their steps' records, options, balances and documents anew.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from audits.choices import BalanceDirection, FeeClass, OptionStatus, StepStatus
from audits.models import (
    Audit,
    AuditDocument,
    AuditStep,
    MaterialBalanceLine,
    Option,
    OptionFeasibility,
    OptionReduction,
)
from audits.services import refresh_cp_status
from audits.steps import STEPS
from benxi_cp import guards
from enterprises.models import Enterprise, Pollutant

REF_PREFIX = "BX-"
AS_OF = datetime.date(2001, 12, 31)
SEED = 2001

# Enterprises in the programme (enterprises/demo.py register). 34 state large/medium ones:
STATE_LARGE_MEDIUM = [
    "DEMO-0001", "DEMO-0004", "DEMO-0005", "DEMO-0006", "DEMO-0007", "DEMO-0008",  # steel
    "DEMO-0009", "DEMO-0010", "DEMO-0012", "DEMO-0013", "DEMO-0015", "DEMO-0016",  # coal
    "DEMO-0002", "DEMO-0017", "DEMO-0018", "DEMO-0020", "DEMO-0023",  # cement
    "DEMO-0026", "DEMO-0027", "DEMO-0028", "DEMO-0029", "DEMO-0031", "DEMO-0032",  # chemicals
    "DEMO-0035", "DEMO-0036", "DEMO-0038",  # power
    "DEMO-0039", "DEMO-0042",  # non-ferrous
    "DEMO-0043",  # machinery
    "DEMO-0051", "DEMO-0052", "DEMO-0053",  # paper
    "DEMO-0057", "DEMO-0059",  # pharmaceuticals
]  # fmt: skip
OTHERS = ["DEMO-0003", "DEMO-0024", "DEMO-0033", "DEMO-0054", "DEMO-0055", "DEMO-0060", "DEMO-0063"]
# Accepted by the national CP Centre (the rest of the 41 by the municipality).
NATIONAL = [
    "DEMO-0001", "DEMO-0004", "DEMO-0005", "DEMO-0007", "DEMO-0009", "DEMO-0012", "DEMO-0002",
    "DEMO-0017", "DEMO-0026", "DEMO-0029", "DEMO-0035", "DEMO-0039", "DEMO-0043", "DEMO-0051",
    "DEMO-0057",
]  # fmt: skip
DEMONSTRATION = ["DEMO-0001", "DEMO-0009", "DEMO-0029", "DEMO-0051"]
# First rounds started per year: national ones first (the pilots), then the municipality's.
STARTS_PER_YEAR = {1996: 4, 1997: 7, 1998: 9, 1999: 10, 2000: 11}

# Second rounds: steps completed by the end of 2001 and what they hold.
# (fee class, status) → count of options.
LN, MH = FeeClass.LOW_NO, FeeClass.MEDIUM_HIGH
P, R, S = OptionStatus.PROPOSED, OptionStatus.REJECTED, OptionStatus.SELECTED
FE, NF, IM = OptionStatus.FEASIBLE, OptionStatus.NOT_FEASIBLE, OptionStatus.IMPLEMENTED


@dataclass
class Plan:
    steps: int
    options: dict[tuple[str, str], int] = field(default_factory=dict)
    assessment: str = ""
    acceptance: str = ""


JUNE_2001 = [
    Plan(0),
    Plan(1),
    Plan(1),
    Plan(2, {(LN, P): 2}),
    Plan(2, {(LN, P): 2}),
    Plan(2, {(LN, P): 2}),
    Plan(3, {(LN, P): 4, (MH, P): 1}),
    Plan(3, {(LN, P): 4, (MH, P): 1}),
    Plan(3, {(LN, P): 4, (MH, P): 1}),
    Plan(3, {(LN, P): 4, (MH, P): 1}),
    # Step 4 done: every option screened, none left proposed.
    Plan(4, {(LN, S): 5, (LN, R): 3, (MH, S): 2, (MH, R): 1}),
    Plan(4, {(LN, S): 5, (LN, R): 3, (MH, S): 2, (MH, R): 1}),
]
EARLIER_SECOND_ROUNDS = [
    Plan(
        5, {(LN, IM): 4, (LN, S): 3, (LN, R): 2, (MH, FE): 1, (MH, NF): 1, (MH, S): 2, (MH, R): 1}
    ),
    Plan(6, {(LN, IM): 6, (LN, S): 2, (LN, R): 2, (MH, IM): 1, (MH, FE): 1, (MH, R): 1}),
    Plan(7, {(LN, IM): 7, (LN, NF): 1, (LN, R): 2, (MH, IM): 1, (MH, NF): 1}),
    Plan(8, {(LN, IM): 8, (LN, FE): 1, (LN, R): 2, (MH, IM): 1, (MH, FE): 1}),
    Plan(8, {(LN, IM): 8, (LN, S): 1, (LN, R): 2, (MH, IM): 1}, assessment="pass"),
    Plan(8, {(LN, IM): 5, (LN, NF): 2, (LN, R): 3, (MH, NF): 1}, assessment="fail"),
    Plan(
        8,
        {(LN, IM): 6, (LN, FE): 1, (LN, R): 2, (MH, IM): 1, (MH, NF): 1},
        assessment="pass",
        acceptance="fail",
    ),
]
# Options of the first rounds, spread over the 41 audits (the second rounds hold the rest).
FIRST_ROUND_OPTIONS = {
    (LN, IM): 340,
    (MH, IM): 24,
    (LN, S): 8,
    (LN, FE): 4,
    (LN, NF): 5,
    (MH, FE): 5,
    (MH, NF): 3,
    (LN, R): 31,
    (MH, R): 8,
}
# Totals of the implemented options (10k yuan), split between the fee classes.
INVESTMENT = {LN: Decimal("1229.00"), MH: Decimal("6280.00")}
BENEFIT = {LN: Decimal("26144.00"), MH: Decimal("2856.00")}
# Annual reductions of the implemented options, and which sectors achieve them (weights).
REDUCTIONS = {
    "COD": (Decimal("5759"), {"light_industry": 3, "chemicals": 2, "pharmaceuticals": 2,
             "iron_steel": 2, "coal": 1, "other": 1.5, "nonferrous": 0.5, "power": 0.3,
             "machinery": 0.3, "building_materials": 0.1}),
    "WASTEGAS": (Decimal("280000"), {"iron_steel": 5, "power": 4, "building_materials": 3,
                  "coal": 2, "nonferrous": 2, "chemicals": 1}),
    "SW_GEN": (Decimal("26000"), {"iron_steel": 4, "coal": 3, "power": 3,
                "building_materials": 1, "chemicals": 1, "nonferrous": 1}),
    "SO2": (Decimal("9800"), {"iron_steel": 4, "power": 4, "building_materials": 2,
             "nonferrous": 2, "chemicals": 1, "coal": 1}),
    "DUST": (Decimal("4200"), {"building_materials": 4, "iron_steel": 3, "power": 2,
              "coal": 1, "nonferrous": 1}),
    "WASTEWATER": (Decimal("1480"), {"iron_steel": 3, "light_industry": 3, "chemicals": 2,
                    "coal": 2, "pharmaceuticals": 1, "other": 1}),
    "ENERGY": (Decimal("96000"), {"iron_steel": 5, "power": 3, "building_materials": 2,
                "chemicals": 2, "coal": 1, "nonferrous": 2, "machinery": 1,
                "light_industry": 1, "pharmaceuticals": 0.5, "other": 0.5}),
}  # fmt: skip

FOCUS = {
    "iron_steel": ["烧结车间", "炼铁高炉", "焦化车间", "轧钢车间"],
    "coal": ["洗煤厂", "矿井水处理系统", "焦炉"],
    "building_materials": ["水泥回转窑", "生料粉磨车间"],
    "chemicals": ["合成氨装置", "硫酸车间", "氯碱车间"],
    "power": ["锅炉燃烧系统", "除灰系统"],
    "nonferrous": ["冶炼炉", "电解车间"],
    "machinery": ["铸造车间", "电镀车间"],
    "light_industry": ["制浆车间", "碱回收工段"],
    "pharmaceuticals": ["发酵车间", "提取车间"],
    "other": ["印染车间"],
}
# No/low-fee options, per aspect: housekeeping any plant can do.
LOW_TITLES = {
    "raw_materials_energy": ["优化配料减少原料损耗", "原料入厂计量与验收", "燃料分级使用",
                             "原料堆场加盖防流失", "减少包装材料消耗"],
    "technology": ["冷凝水回收利用", "改进清洗工艺节水", "缩短工艺流程", "间接冷却水循环使用",
                   "改进投料方式"],
    "equipment": ["维修蒸汽管道阀门", "更换损坏的保温层", "校准计量仪表", "更换泄漏的泵密封",
                  "疏水阀检修"],
    "process_control": ["优化工艺参数控制", "改进燃烧控制", "加强配料过程控制", "控制蒸汽压力",
                        "优化设备开停机顺序"],
    "product": ["改进产品包装减少损耗", "调整产品规格", "减少不合格品", "产品分级回收"],
    "waste": ["废水循环回用", "废油回收再生", "边角料回收利用", "收集跑漏物料回用",
              "雨污分流"],
    "management": ["堵塞跑冒滴漏", "加强原材料计量管理", "建立清洁生产岗位责任制",
                   "完善设备巡检制度", "水电分车间计量考核"],
    "employees": ["开展清洁生产培训", "设立合理化建议奖励", "操作工技能考核", "岗位操作规程修订"],
}  # fmt: skip
# Medium/high-fee projects, per sector: (aspect, title).
HIGH_TITLES = {
    "iron_steel": [("technology", "烧结烟气脱硫改造"), ("technology", "干熄焦技术改造"),
                   ("waste", "高炉煤气余压发电"), ("waste", "氧化铁皮回用于烧结"),
                   ("equipment", "转炉除尘系统改造")],
    "coal": [("waste", "煤矸石制砖生产线"), ("technology", "重介质选煤改造"),
             ("waste", "矿井水处理回用工程"), ("equipment", "洗煤厂浓缩机改造")],
    "building_materials": [("technology", "窑外分解技术改造"), ("equipment", "袋式除尘器改造"),
                           ("waste", "余热回收发电"),
                           ("raw_materials_energy", "粉煤灰替代部分原料")],
    "chemicals": [("technology", "合成氨原料路线改造"), ("waste", "废水深度处理回用工程"),
                  ("process_control", "集散控制系统改造"), ("technology", "硫酸尾气回收")],
    "power": [("technology", "锅炉烟气脱硫改造"), ("waste", "粉煤灰综合利用"),
              ("equipment", "静电除尘器改造"), ("equipment", "变频调速改造")],
    "nonferrous": [("technology", "冶炼烟气制酸"), ("waste", "冶炼渣综合回收"),
                   ("equipment", "电解槽节能改造")],
    "machinery": [("technology", "电镀废水闭路循环"), ("equipment", "铸造冲天炉改造"),
                  ("equipment", "更换高效节能电机")],
    "light_industry": [("technology", "碱回收系统改造"), ("waste", "白水回收利用"),
                       ("process_control", "加装在线监测仪表")],
    "pharmaceuticals": [("technology", "发酵废液资源化"), ("waste", "溶剂回收装置"),
                        ("process_control", "加装在线监测仪表")],
    "other": [("technology", "印染废水回用工程"), ("equipment", "定型机余热回收")],
}  # fmt: skip
LOW_ASPECTS = list(LOW_TITLES)
LEADS = ["赵建国", "钱卫东", "孙丽华", "李志强", "周海燕", "吴国庆", "郑秀英", "王立新", "冯卫华"]
STEP_NOTES = {
    1: "成立审核领导小组和工作小组，制定审核工作计划，组织全员清洁生产培训。",
    2: "完成企业现状调研和污染源调查，确定审核重点：{focus}。",
    3: "完成审核重点的物料平衡和水平衡测算，分析废物产生原因。",
    4: "汇总方案{n}项，经筛选保留{kept}项。",
    5: "完成中/高费方案的技术、环境和经济评估。",
    6: "方案实施并核算实际投资和效益。",
    7: "建立常设清洁生产机构，制定下一轮审核计划。",
    8: "编写清洁生产审核报告并提交评估。",
}


def cents(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def allocate(total: Decimal, weights: list[float], places: int = 2) -> list[Decimal]:
    """Split `total` in proportion to `weights`, rounded to `places`, summing exactly
    (largest remainder)."""
    unit = Decimal(1).scaleb(-places)
    units = int((total / unit).to_integral_value())
    whole = sum(weights)
    shares = [units * w / whole for w in weights]
    floors = [int(share) for share in shares]
    rest = units - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:rest]:
        floors[i] += 1
    return [Decimal(n) * unit for n in floors]


def spread(count: int, weights: list[float]) -> list[int]:
    """`count` items over slots in proportion to `weights` (largest remainder)."""
    return [int(n) for n in allocate(Decimal(count), weights, places=0)]


@dataclass
class AuditPlan:
    enterprise: Enterprise
    ref: str
    started_on: datetime.date
    steps: int
    step_days: int
    options: dict[tuple[str, str], int]
    assessment: str = ""
    acceptance: str = ""
    accepted_by: str = ""
    demonstration: bool = False

    def completed_on(self, number: int) -> datetime.date:
        return self.started_on + datetime.timedelta(days=self.step_days * number)


def plan_audits(enterprises: dict[str, Enterprise], rng: random.Random) -> list[AuditPlan]:
    codes = NATIONAL + [c for c in STATE_LARGE_MEDIUM + OTHERS if c not in NATIONAL]
    plans: list[AuditPlan] = []
    position = 0
    for year, count in STARTS_PER_YEAR.items():
        for number in range(count):
            code = codes[position]
            position += 1
            # 2000 starters begin by May, so that their acceptance falls within 2001.
            month = 1 + (number * 5 + position) % (5 if year == 2000 else 10)
            plans.append(
                AuditPlan(
                    enterprise=enterprises[code],
                    ref=f"{REF_PREFIX}{year}-{number + 1:02d}",
                    started_on=datetime.date(year, month, 1 + (position * 7) % 27),
                    steps=8,
                    step_days=36 + rng.randrange(8),
                    options={},
                    assessment="pass",
                    acceptance="pass",
                    accepted_by="national_centre" if code in NATIONAL else "municipality",
                    demonstration=code in DEMONSTRATION,
                )
            )
    first_rounds = list(plans)
    _spread_first_round_options(first_rounds, rng)
    # Second rounds go to enterprises whose first round ended by 1998: the earliest ones.
    early = [p.enterprise for p in first_rounds if p.started_on.year <= 1998]
    second: list[tuple[Plan, datetime.date, int]] = []
    for number, plan in enumerate(EARLIER_SECOND_ROUNDS):
        start = datetime.date(1999, 9, 1) + datetime.timedelta(days=61 * number)
        second.append((plan, start, 38 if plan.steps < 8 else 32))
    for number, plan in enumerate(JUNE_2001):
        second.append((plan, datetime.date(2001, 6, 1 + number * 2), 34))
    per_year: dict[int, int] = defaultdict(int)
    for plan in plans:
        per_year[plan.started_on.year] += 1
    for (plan, start, days), enterprise in zip(second, early[1:], strict=False):
        per_year[start.year] += 1
        plans.append(
            AuditPlan(
                enterprise=enterprise,
                ref=f"{REF_PREFIX}{start.year}-{per_year[start.year]:02d}",
                started_on=start,
                steps=plan.steps,
                step_days=days,
                options=dict(plan.options),
                assessment=plan.assessment,
                acceptance=plan.acceptance,
                accepted_by="municipality" if plan.acceptance else "",
            )
        )
    return plans


def _spread_first_round_options(plans: list[AuditPlan], rng: random.Random) -> None:
    sizes = [float(p.enterprise.employees or 500) ** 0.5 for p in plans]
    for key, count in FIRST_ROUND_OPTIONS.items():
        if key == (LN, IM):
            # Each first round implements at least four no/low-fee options, more in big plants.
            shares = spread(count - 4 * len(plans), sizes)
            shares = [share + 4 for share in shares]
        elif key == (MH, IM):
            # One or two medium/high-fee projects in the larger plants.
            ranked = sorted(range(len(plans)), key=lambda i: (-sizes[i], i))
            shares = [0] * len(plans)
            for i in ranked[:count]:
                shares[i] = 1
            for i in ranked[: max(0, count - len(ranked))]:
                shares[i] += 1
        else:
            shares = [0] * len(plans)
            start = rng.randrange(len(plans))
            for n in range(count):
                shares[(start + n * 7) % len(plans)] += 1
        for plan, share in zip(plans, shares, strict=True):
            if share:
                plan.options[key] = plan.options.get(key, 0) + share


# -- building the records -------------------------------------------------------------------
def _teams(plans: list[AuditPlan]) -> dict[str, list]:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["auditor", "auditor2"])}
    teams = {}
    for index, plan in enumerate(plans):
        team = []
        if "auditor" in users and index % 2 == 0:
            team.append(users["auditor"])
        if "auditor2" in users and (index % 2 == 1 or index % 5 == 0):
            team.append(users["auditor2"])
        teams[plan.ref] = team
    return teams


def _make_audit(plan: AuditPlan, rng: random.Random, existing: dict[str, Audit]) -> Audit:
    """The audit of a plan; one loaded before keeps its id (and links to it keep working)."""
    focus = rng.choice(FOCUS[plan.enterprise.sector])
    audit = existing.get(plan.ref) or Audit(ref=plan.ref)
    audit.enterprise = plan.enterprise
    audit.started_on = plan.started_on
    audit.focus = focus
    audit.cp_lead = rng.choice(LEADS)
    audit.steps_completed = plan.steps
    audit.assessment, audit.assessed_on, audit.assessment_score = "", None, None
    audit.acceptance, audit.accepted_by, audit.accepted_on = "", "", None
    audit.demonstration, audit.demonstration_on = False, None
    if plan.assessment:
        audit.assessment = plan.assessment
        audit.assessed_on = plan.completed_on(8) + datetime.timedelta(days=25 + rng.randrange(20))
        audit.assessment_score = (
            Decimal(78 + rng.randrange(17)) if plan.assessment == "pass" else Decimal(56)
        )
    if plan.acceptance:
        audit.acceptance = plan.acceptance
        audit.accepted_by = plan.accepted_by
        audit.accepted_on = audit.assessed_on + datetime.timedelta(days=40 + rng.randrange(30))
    if plan.demonstration:
        audit.demonstration = True
        audit.demonstration_on = audit.accepted_on + datetime.timedelta(
            days=120 + rng.randrange(60)
        )
    audit.save()
    return audit


def _record_steps(audit: Audit, plan: AuditPlan, option_count: int, kept: int) -> None:
    steps = list(audit.steps.order_by("number"))
    for step in steps:
        definition = STEPS[step.number - 1]
        step.status, step.started_on, step.completed_on = StepStatus.NOT_STARTED, None, None
        step.checklist, step.notes = [], ""
        if step.number <= plan.steps:
            step.status = StepStatus.COMPLETED
            step.started_on = plan.completed_on(step.number - 1)
            step.completed_on = plan.completed_on(step.number)
            step.checklist = definition.keys
            step.notes = STEP_NOTES[step.number].format(
                focus=audit.focus, n=option_count, kept=kept
            )
        elif step.number == plan.steps + 1:
            step.status = StepStatus.IN_PROGRESS
            step.started_on = plan.completed_on(plan.steps)
            step.checklist = definition.keys[: len(definition.keys) // 2]
    AuditStep.objects.bulk_update(
        steps, ["status", "started_on", "completed_on", "checklist", "notes"]
    )


def _balance(audit: Audit, rng: random.Random, flagged: bool) -> list[MaterialBalanceLine]:
    base = Decimal(rng.randrange(20, 400) * 1000)
    inputs = [("主原料", Decimal("0.78")), ("辅助材料", Decimal("0.14")), ("燃料", Decimal("0.08"))]
    gap = Decimal("0.072") if flagged else Decimal(rng.randrange(5, 40)) / 1000
    outputs = [("产品", Decimal("0.76")), ("副产品", Decimal("0.08")), ("废渣", Decimal("0.06"))]
    outputs.append(("废气及损失", 1 - gap - sum(share for _n, share in outputs)))
    lines = []
    for position, (item, share) in enumerate(inputs):
        lines.append(
            MaterialBalanceLine(
                audit=audit,
                direction=BalanceDirection.INPUT,
                item=item,
                quantity=(base * share).quantize(Decimal(1)),
                unit="t/a",
                position=position,
            )
        )
    for position, (item, share) in enumerate(outputs):
        lines.append(
            MaterialBalanceLine(
                audit=audit,
                direction=BalanceDirection.OUTPUT,
                item=item,
                quantity=(base * share).quantize(Decimal(1)),
                unit="t/a",
                position=position,
            )
        )
    water = Decimal(rng.randrange(50, 900) * 100)
    lines.append(
        MaterialBalanceLine(
            audit=audit,
            direction=BalanceDirection.INPUT,
            item="新鲜水",
            quantity=water,
            unit="m³/a",
            position=10,
        )
    )
    lines.append(
        MaterialBalanceLine(
            audit=audit,
            direction=BalanceDirection.OUTPUT,
            item="外排废水",
            quantity=(water * Decimal("0.71")).quantize(Decimal(1)),
            unit="m³/a",
            position=10,
        )
    )
    lines.append(
        MaterialBalanceLine(
            audit=audit,
            direction=BalanceDirection.OUTPUT,
            item="蒸发及损耗",
            quantity=(water * Decimal("0.27")).quantize(Decimal(1)),
            unit="m³/a",
            position=11,
        )
    )
    return lines  # fmt: skip


def _options_for(audit: Audit, plan: AuditPlan, rng: random.Random) -> list[Option]:
    """The audit's options, coded F01…, each with a plausible date for its status."""
    options = []
    titles_used: set[str] = set()
    keys = sorted(plan.options, key=lambda k: (k[1] != IM, k[0], k[1]))
    for fee_class, status in keys:
        for _ in range(plan.options[(fee_class, status)]):
            if fee_class == LN:
                aspect = LOW_ASPECTS[(len(options) * 3 + rng.randrange(8)) % len(LOW_ASPECTS)]
                pool = [(aspect, title) for title in LOW_TITLES[aspect]]
            else:
                pool = HIGH_TITLES[plan.enterprise.sector]
            fresh = [choice for choice in pool if choice[1] not in titles_used]
            aspect, title = rng.choice(fresh or pool)
            if title in titles_used:
                title = f"{title}（二期）"
            titles_used.add(title)
            option = Option(
                audit=audit,
                code=f"F{len(options) + 1:02d}",
                title=title,
                aspect=aspect,
                fee_class=fee_class,
                status=status,
                step=2 if fee_class == LN and len(options) % 4 == 0 else 4,
            )
            if status == IM:
                first = plan.completed_on(2 if fee_class == LN else 5)
                last = min(plan.completed_on(min(plan.steps, 6)), AS_OF)
                if last <= first:
                    last = first + datetime.timedelta(days=20)
                days = (last - first).days
                option.implemented_on = first + datetime.timedelta(days=rng.randrange(max(days, 1)))
            options.append(option)
    return options


def _amounts(options: list[Option], rng: random.Random) -> None:
    """Investments and benefits: implemented ones summing to the paper's totals exactly."""
    for fee_class in (LN, MH):
        done = [o for o in options if o.fee_class == fee_class and o.status == IM]
        if fee_class == LN:
            weights = [0.25 + rng.random() * 7.5 for _ in done]
            ratios = [2 + rng.random() * 38 for _ in done]
        else:
            weights = [
                SECTOR_SIZE.get(o.audit.enterprise.sector, 1.0) * (0.6 + rng.random() * 0.8)
                for o in done
            ]
            ratios = [0.3 + rng.random() * 0.35 for _ in done]
        investments = allocate(INVESTMENT[fee_class], weights)
        benefits = allocate(
            BENEFIT[fee_class], [float(i) * r for i, r in zip(investments, ratios, strict=True)]
        )
        for option, investment, benefit in zip(done, investments, benefits, strict=True):
            option.actual_investment_10k_yuan = investment
            option.actual_annual_benefit_10k_yuan = benefit
            # The estimate, until the feasibility analysis gives a medium/high-fee one its own.
            option.investment_10k_yuan, option.annual_benefit_10k_yuan = investment, benefit
    for option in options:
        if option.status == IM:
            continue
        if option.fee_class == LN:
            option.investment_10k_yuan = cents(0.2 + rng.random() * 9)
            if option.status != P:
                option.annual_benefit_10k_yuan = cents(
                    float(option.investment_10k_yuan) * (2 + rng.random() * 10)
                )
        elif option.status in (S, FE, NF) or rng.random() < 0.5:
            option.investment_10k_yuan = cents(100 + rng.random() * 1100)
            if option.status == FE:
                option.annual_benefit_10k_yuan = cents(
                    float(option.investment_10k_yuan) * (0.3 + rng.random() * 0.25)
                )
            elif option.status == NF:
                option.annual_benefit_10k_yuan = cents(
                    float(option.investment_10k_yuan) * (0.04 + rng.random() * 0.05)
                )


SECTOR_SIZE = {"iron_steel": 3.0, "power": 2.5, "nonferrous": 2.0, "chemicals": 1.5,
               "coal": 1.5, "building_materials": 1.2, "light_industry": 1.2}  # fmt: skip


def _feasibility(option: Option, rng: random.Random) -> OptionFeasibility:
    """Inputs of a medium/high-fee option's analysis; the conclusion the figures support.
    An implemented option's estimate is the analysis's (its actual figures stay)."""
    investment = option.investment_10k_yuan
    saving = option.annual_benefit_10k_yuan
    if option.status == IM:
        # Estimated before implementation: within 10% of what it cost.
        investment = cents(float(investment) * (0.9 + rng.random() * 0.2))
        option.investment_10k_yuan = investment
    elif option.status == S:
        # Analysed, not yet concluded: figures that will support "feasible".
        saving = cents(float(investment) * 0.45)
    return OptionFeasibility(
        option=option,
        investment_10k_yuan=investment,
        annual_net_saving_10k_yuan=saving,
        depreciation_years=10,
        tax_rate_pct=Decimal(33),
        discount_rate_pct=Decimal(10 if rng.random() < 0.7 else 12),
        life_years=10 + rng.randrange(6),
        technical_evaluation="工艺成熟，国内已有同类装置稳定运行；场地和公用工程条件满足要求。",
        environmental_evaluation="实施后可削减审核重点的主要污染物排放，不产生新的污染源。",
    )


def _reductions(options: list[Option], pollutants: dict[str, Pollutant]) -> list[OptionReduction]:
    """Each pollutant's total split over the enterprises by sector weight and size, then
    over each enterprise's implemented options (medium/high-fee ones count five times)."""
    done = [o for o in options if o.status == IM]
    by_enterprise: dict[int, list[Option]] = defaultdict(list)
    for option in done:
        by_enterprise[option.audit.enterprise_id].append(option)
    reductions = []
    for code, (total, sector_weights) in REDUCTIONS.items():
        carriers = []
        for enterprise_options in by_enterprise.values():
            enterprise = enterprise_options[0].audit.enterprise
            weight = sector_weights.get(enterprise.sector, 0)
            if not weight:
                continue
            size = float(enterprise.employees or 500) ** 0.5
            # Options whose aspect plausibly cuts this pollutant: every third one, and every
            # medium/high-fee one.
            chosen = [
                o
                for n, o in enumerate(enterprise_options)
                if o.fee_class == MH or (n + len(code)) % 3 == 0
            ]
            for option in chosen:
                carriers.append((option, weight * size * (5 if option.fee_class == MH else 1)))
        amounts = allocate(total, [w for _o, w in carriers], places=1)
        for (option, _w), amount in zip(carriers, amounts, strict=True):
            if amount > 0:
                reductions.append(
                    OptionReduction(
                        option=option, pollutant=pollutants[code], amount_per_year=amount
                    )
                )
    return reductions


def foreign_records(loaded: bool) -> dict[str, int]:
    """Audits the demo did not make (it deletes its own that it no longer plans): all of them
    in a database it was never loaded into, else those outside its references."""
    audits = Audit.objects.all()
    if loaded:
        audits = audits.exclude(ref__startswith=REF_PREFIX)
    return {"audits": audits.count()}


def _low_estimates(options: list[Option]) -> None:
    """No/low-fee implemented options: estimated within a few percent of what they cost."""
    done = [o for o in options if o.fee_class == LN and o.status == IM]
    for index, option in enumerate(done):
        factor = Decimal(95 + (index * 7) % 11) / 100
        option.investment_10k_yuan = cents(option.actual_investment_10k_yuan * factor)
        option.annual_benefit_10k_yuan = cents(option.actual_annual_benefit_10k_yuan * factor)


def analysed(option: Option) -> bool:
    """Medium/high-fee options with a feasibility analysis: concluded or implemented, and the
    selected ones of an audit past step 5."""
    if option.fee_class != MH:
        return False
    return option.status in (FE, NF, IM) or (
        option.status == S and option.audit.steps_completed >= 5
    )


def load(stdout) -> None:
    """The demo audits, written below the lock on accepted audits (one transaction)."""
    with transaction.atomic(), guards.suspended():
        _load(stdout)


def _load(stdout) -> None:
    rng = random.Random(SEED)
    codes = STATE_LARGE_MEDIUM + OTHERS
    enterprises = Enterprise.objects.in_bulk(codes, field_name="code")
    missing = sorted(set(codes) - set(enterprises))
    if missing:
        stdout.write(f"Audits: skipped, the register lacks {', '.join(missing)}.")
        return
    plans = plan_audits(enterprises, rng)
    demo_audits = Audit.objects.filter(ref__startswith=REF_PREFIX)
    demo_audits.exclude(ref__in=[plan.ref for plan in plans]).delete()
    # What hangs off the audits is built anew; the audits themselves keep their ids.
    for document in AuditDocument.objects.filter(audit__in=demo_audits):
        document.file.delete(save=False)
    for model in (Option, MaterialBalanceLine, AuditDocument):
        model.objects.filter(audit__in=demo_audits).delete()
    existing = {audit.ref: audit for audit in demo_audits}
    teams = _teams(plans)
    pollutants = {p.code: p for p in Pollutant.objects.all()}
    all_options, lines = [], []
    for index, plan in enumerate(plans):
        audit = _make_audit(plan, rng, existing)
        audit.team.set(teams[plan.ref])
        options = _options_for(audit, plan, rng)
        kept = sum(1 for o in options if o.status not in (P, R))
        _record_steps(audit, plan, len(options), kept)
        if plan.steps >= 3:
            lines += _balance(audit, rng, flagged=index % 17 == 5)
        all_options += options
    _amounts(all_options, rng)
    analyses = [_feasibility(o, rng) for o in all_options if analysed(o)]
    _low_estimates(all_options)
    Option.objects.bulk_create(all_options)
    MaterialBalanceLine.objects.bulk_create(lines)
    OptionFeasibility.objects.bulk_create(analyses)
    OptionReduction.objects.bulk_create(_reductions(all_options, pollutants))
    refresh_cp_status(enterprises[code].pk for code in codes)
    stdout.write(
        f"Audits: {len(plans)} CP audits of {len({p.enterprise.pk for p in plans})} enterprises, "
        f"{len(all_options)} options."
    )
