"""Demo training and outreach events, policies and regulations, and incentives.

Invented but plausible for Benxi in 1996-2001: a course or a campaign for each of the five
audiences most years; the city's own CP rules beside the national ones they follow; a
reward for each accepted audit, CP fund grants and loans for medium/high-fee options. Run
after the audits' demo (INSTALLED_APPS order); the records are rebuilt on every load.
"""

import datetime
import random
import re
from decimal import Decimal

from audits.choices import Verdict
from audits.models import Audit
from enterprises.models import Enterprise
from programme.models import Incentive, Policy, TrainingEvent, TrainingParticipation
from programme.outreach.choices import (
    Audience,
    EventKind,
    IncentiveKind,
    PolicyKind,
    PolicyLevel,
    PolicyStatus,
)

SEED = 1996
DECISION_PREFIX = "BX-"  # as the demo audits' references: what the demo made

# title, level, issuer, number, issued, effective, status, kind, summary (as the office
# writes it, in Chinese; the English glosses in brackets are left out when loaded)
POLICIES = [
    (
        "征收排污费暂行办法 (Interim measures for pollution discharge charges)",
        PolicyLevel.NATIONAL,
        "国务院 (State Council)",
        "国发〔1982〕21号",
        datetime.date(1982, 2, 5),
        datetime.date(1982, 7, 1),
        PolicyStatus.IN_FORCE,
        PolicyKind.POLLUTION_CHARGE,
        "超标排污收费；部分排污费返还企业用于污染治理。",
    ),
    (
        "关于推行清洁生产的若干意见 (Opinions on promoting cleaner production)",
        PolicyLevel.NATIONAL,
        "国家环境保护局 (National Environmental Protection Agency)",
        "环控〔1997〕0232号",
        datetime.date(1997, 4, 14),
        datetime.date(1997, 4, 14),
        PolicyStatus.IN_FORCE,
        PolicyKind.OTHER,
        "重点企业开展清洁生产审核；新建项目环境影响评价纳入清洁生产内容。",
    ),
    (
        "辽宁省清洁生产审核暂行办法 (Liaoning interim rules on CP audits)",
        PolicyLevel.PROVINCIAL,
        "辽宁省环境保护局 (Liaoning EPB)",
        "辽环发〔1998〕45号",
        datetime.date(1998, 6, 1),
        datetime.date(1998, 7, 1),
        PolicyStatus.REVISED,
        PolicyKind.OTHER,
        "审核的八个步骤，以及省内的评估和验收。",
    ),
    (
        "本溪市推行清洁生产实施细则 (Benxi rules for implementing CP)",
        PolicyLevel.MUNICIPAL,
        "本溪市人民政府 (Benxi Municipal Government)",
        "本政发〔1996〕18号",
        datetime.date(1996, 5, 20),
        datetime.date(1996, 6, 1),
        PolicyStatus.IN_FORCE,
        PolicyKind.OTHER,
        "各部门的目标和职责；领导小组及其办公室。",
    ),
    (
        "本溪市排污费加收规定 (Benxi additional regulation on discharge charges)",
        PolicyLevel.MUNICIPAL,
        "本溪市环境保护局 (Benxi EPB)",
        "本环发〔1997〕7号",
        datetime.date(1997, 3, 1),
        datetime.date(1997, 4, 1),
        PolicyStatus.IN_FORCE,
        PolicyKind.POLLUTION_CHARGE,
        "列入计划而未开展清洁生产审核的企业加收排污费。",
    ),
    (
        "本溪市清洁生产基金管理办法 (Benxi CP fund management rules)",
        PolicyLevel.MUNICIPAL,
        "本溪市财政局、本溪市环境保护局 (Benxi Finance Bureau and EPB)",
        "本财发〔1998〕22号",
        datetime.date(1998, 3, 10),
        datetime.date(1998, 4, 1),
        PolicyStatus.IN_FORCE,
        PolicyKind.CP_FUND,
        "清洁生产基金资助审核中经可行性分析的中/高费方案。",
    ),
    (
        "本溪市排污许可证管理办法 (Benxi discharge permit rules)",
        PolicyLevel.MUNICIPAL,
        "本溪市环境保护局 (Benxi EPB)",
        "本环发〔1998〕30号",
        datetime.date(1998, 9, 1),
        datetime.date(1999, 1, 1),
        PolicyStatus.IN_FORCE,
        PolicyKind.PERMIT,
        "排放总量许可证；通过验收的清洁生产审核作为换证依据之一。",
    ),
    (
        "本溪市清洁生产奖励办法 (Benxi CP reward system)",
        PolicyLevel.MUNICIPAL,
        "本溪市人民政府 (Benxi Municipal Government)",
        "本政发〔1998〕40号",
        datetime.date(1998, 11, 5),
        datetime.date(1999, 1, 1),
        PolicyStatus.IN_FORCE,
        PolicyKind.REWARD,
        "奖励审核通过验收的企业和示范企业。",
    ),
    (
        "本溪市清洁生产项目财税与贷款优惠政策 (Benxi tax and loan preferences for CP projects)",
        PolicyLevel.MUNICIPAL,
        "本溪市人民政府 (Benxi Municipal Government)",
        "本政发〔1999〕12号",
        datetime.date(1999, 4, 1),
        datetime.date(1999, 5, 1),
        PolicyStatus.IN_FORCE,
        PolicyKind.LOAN,
        "通过市内银行为中/高费清洁生产方案提供贴息贷款。",
    ),
]

# title, audience, kind, month, day, hours, place, organiser, others, enterprises sent
EVENTS = [
    (
        "清洁生产与可持续发展专题报告会 (CP and sustainable development: address to the "
        "municipal leadership)",
        Audience.DECISION_MAKERS,
        EventKind.TRAINING,
        3,
        12,
        4,
        "市政府会议室 (City Hall)",
        "本溪21世纪议程管理中心 (BAAC)",
        45,
        0,
    ),
    (
        "部门清洁生产管理培训班 (CP management course for municipal departments)",
        Audience.AUTHORITIES,
        EventKind.TRAINING,
        5,
        8,
        16,
        "本溪21世纪议程管理中心 (BAAC)",
        "本溪21世纪议程管理中心 (BAAC)",
        60,
        0,
    ),
    (
        "企业清洁生产审核方法培训班 (CP audit methods for enterprise managers and engineers)",
        Audience.ENTERPRISES,
        EventKind.TRAINING,
        4,
        15,
        24,
        "本溪清洁生产中心 (Benxi CP Centre)",
        "本溪清洁生产中心 (Benxi CP Centre)",
        0,
        8,
    ),
    (
        "清洁生产审核员培训班 (Training course for CP auditors)",
        Audience.AUDITORS,
        EventKind.TRAINING,
        9,
        1,
        40,
        "本溪清洁生产中心 (Benxi CP Centre)",
        "国家清洁生产中心 (National CP Centre)",
        24,
        0,
    ),
    (
        "世界环境日清洁生产宣传 (World Environment Day: CP in the city square)",
        Audience.PUBLIC,
        EventKind.OUTREACH,
        6,
        5,
        3,
        "市中心广场 (City square)",
        "本溪市环境保护局 (Benxi EPB)",
        400,
        0,
    ),
    (
        "企业清洁生产经验交流会 (Enterprises' CP experience exchange)",
        Audience.ENTERPRISES,
        EventKind.OUTREACH,
        11,
        20,
        8,
        "本溪宾馆 (Benxi Hotel)",
        "本溪市环境保护局 (Benxi EPB)",
        10,
        12,
    ),
]


def _policies() -> dict[str, Policy]:
    made = {}
    for title, level, issuer, number, issued, effective, status, kind, summary in POLICIES:
        policy, _created = Policy.objects.update_or_create(
            issuer=_chinese(issuer),
            number=number,
            defaults={
                "title": _chinese(title),
                "level": level,
                "issued_on": issued,
                "effective_on": effective,
                "status": status,
                "kind": kind,
                "summary": summary,
            },
        )
        made[kind] = policy
    return made


def _chinese(text: str) -> str:
    """The record as a Chinese office writes it: the English gloss in brackets (kept above for
    the reader of this file) left out, since these fields have no English twin."""
    return re.sub(r"\s*\([^()]*[A-Za-z][^()]*\)\s*$", "", text)


def _events(rng: random.Random, codes: list[str]) -> tuple[int, int]:
    enterprises = Enterprise.objects.in_bulk(codes, field_name="code")
    pool = [enterprises[code] for code in codes if code in enterprises]
    events, rows = [], []
    for year in range(1996, 2002):
        for index, (
            title,
            audience,
            kind,
            month,
            day,
            hours,
            place,
            organiser,
            others,
            sent,
        ) in enumerate(EVENTS):
            if year == 1996 and index == 3:
                continue  # the auditors' course started in 1997
            event = TrainingEvent(
                title=f"{_chinese(title)} {year}",
                audience=audience,
                kind=kind,
                held_on=datetime.date(year, month, day),
                place=_chinese(place),
                organiser=_chinese(organiser),
                hours=Decimal(hours),
                other_participants=max(0, others + rng.randint(-others // 5, others // 5)),
            )
            events.append(event)
            if sent:
                for enterprise in rng.sample(pool, min(len(pool), sent + rng.randint(0, 4))):
                    rows.append((event, enterprise, rng.randint(2, 8)))
    TrainingEvent.objects.bulk_create(events)
    TrainingParticipation.objects.bulk_create(
        TrainingParticipation(event=event, enterprise=enterprise, participants=people)
        for event, enterprise, people in rows
    )
    return len(events), len(rows)


def _incentives(rng: random.Random, policies: dict[str, Policy]) -> int:
    made = []
    serial: dict[int, int] = {}

    def number(year: int) -> str:
        serial[year] = serial.get(year, 40) + 1
        return f"{DECISION_PREFIX}{year}-{serial[year]:03d}"

    accepted = Audit.objects.filter(acceptance=Verdict.PASS, accepted_on__isnull=False)
    for audit in accepted.select_related("enterprise").order_by("accepted_on", "ref"):
        day = audit.accepted_on + datetime.timedelta(days=30 + rng.randint(0, 60))
        if day.year > 2001:
            continue
        reward = Decimal(rng.choice([2, 3, 5, 5, 8, 10])) + (5 if audit.demonstration else 0)
        made.append(
            Incentive(
                kind=IncentiveKind.REWARD,
                enterprise=audit.enterprise,
                audit=audit,
                policy=policies[PolicyKind.REWARD] if day.year >= 1999 else None,
                amount_10k_yuan=reward,
                granted_on=day,
                decision_number=number(day.year),
                decision=f"Reward for the CP audit accepted on {audit.accepted_on:%Y-%m-%d}.",
            )
        )
    started = Audit.objects.filter(started_on__year__gte=1998).select_related("enterprise")
    for index, audit in enumerate(started.order_by("started_on", "ref")):
        if index % 3:
            continue
        day = audit.started_on + datetime.timedelta(days=200 + rng.randint(0, 90))
        if day.year > 2001:
            continue
        loan = index % 2 == 1
        made.append(
            Incentive(
                kind=IncentiveKind.LOAN if loan else IncentiveKind.CP_FUND_GRANT,
                enterprise=audit.enterprise,
                audit=audit,
                policy=policies[PolicyKind.LOAN if loan else PolicyKind.CP_FUND],
                amount_10k_yuan=Decimal(rng.randint(20, 300) if loan else rng.randint(10, 80)),
                granted_on=day,
                decision_number=number(day.year),
                decision=(
                    "Discounted loan towards a medium/high-fee option."
                    if loan
                    else "CP fund grant towards a medium/high-fee option found feasible."
                ),
            )
        )
    Incentive.objects.bulk_create(made)
    return len(made)


def demo_policy_keys() -> list[tuple[str, str]]:
    return [(_chinese(row[2]), row[3]) for row in POLICIES]


def load_outreach(stdout) -> None:
    """Rebuild the demo's events, policies and incentives."""
    from audits.demo import OTHERS, STATE_LARGE_MEDIUM

    rng = random.Random(SEED)
    _delete_demo()
    policies = _policies()
    events, rows = _events(rng, STATE_LARGE_MEDIUM + OTHERS)
    incentives = _incentives(rng, policies)
    stdout.write(
        f"Programme office: {events} training and outreach events ({rows} enterprise "
        f"participations), {len(POLICIES)} policies, {incentives} incentives."
    )


def _demo_events():
    titles = [_chinese(row[0]) for row in EVENTS]
    events = TrainingEvent.objects.none()
    for title in titles:
        events = events | TrainingEvent.objects.filter(title__startswith=title)
    return events


def delete_outreach(stdout=None) -> None:
    """Remove the demo's events and incentives before the other apps reload theirs (an
    incentive holds on to its audit, a participation to its enterprise)."""
    _delete_demo()


def _delete_demo() -> None:
    Incentive.objects.filter(decision_number__startswith=DECISION_PREFIX).delete()
    _demo_events().delete()


def foreign_outreach(loaded: bool) -> dict[str, int]:
    """Events, policies and incentives the demo did not make: all of them in a database it
    was never loaded into, else those outside its own."""
    events = TrainingEvent.objects.all()
    policies = Policy.objects.all()
    incentives = Incentive.objects.all()
    if loaded:
        events = events.exclude(pk__in=_demo_events().values("pk"))
        keys = demo_policy_keys()
        for issuer, number in keys:
            policies = policies.exclude(issuer=issuer, number=number)
        incentives = incentives.exclude(decision_number__startswith=DECISION_PREFIX)
    return {
        "training events": events.count(),
        "policies": policies.count(),
        "incentives": incentives.count(),
    }
