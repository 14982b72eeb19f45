"""What the two dashboards show, as plain data with the link behind each figure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audits import programme
from audits.choices import AcceptingBody, FeeClass
from audits.models import STEP_COUNT, Audit
from benxi_cp import clock, datacache
from enterprises.choices import ReportStatus, Severity
from enterprises.models import DischargeReport, Enterprise, ReliabilityFlag
from reports import claims, compliance_figures, links, summary
from reports.filters import REPORTED
from targets.choices import Light
from targets.progress import count_lights, overview

# The reductions the paper reports, first on the dashboard.
HEADLINE = ("COD", "WASTEGAS", "SW_GEN", "SO2")
LARGEST_SHOWN = 15  # the EPB dashboard's largest gaps between claimed and measured


@dataclass(frozen=True)
class Figure:
    label: str
    value: object
    url: str | None = None
    note: str = ""


def steps_table(year: int) -> list[Figure]:
    """Audits started by 31 December, by how many of the eight steps were done by then,
    counted in SQL (one query).

    The audits list filters on the steps recorded now; where an audit has done more steps
    since that day, the count links to the audits form of the year instead, which lists
    each audit with its steps done as of that day."""
    day = programme.as_of(year)
    rows = (
        Audit.objects.filter(programme.in_programme_q(day))
        .annotate(done=programme.steps_done(day))
        .values("done")
        .annotate(audits=Count("pk"), moved=Count("pk", filter=~Q(steps_completed=F("done"))))
        .order_by()
    )
    counts = [0] * (STEP_COUNT + 1)
    as_recorded = True
    for row in rows:
        counts[row["done"]] += row["audits"]
        as_recorded = as_recorded and not row["moved"]
    return [
        Figure(
            str(steps),
            counts[steps],
            links.audits_at_step(year, steps) if as_recorded else links.form("audits", year),
        )
        for steps in range(STEP_COUNT + 1)
    ]


def target_lights(year: int) -> dict:
    """The targets' traffic lights in `year` (targets/progress.py), two queries."""
    rows = overview(year)
    counts = count_lights(rows)
    return {
        "lights": [
            Figure(Light(light).label, counts[light], links.targets(year), note=light)
            for light in Light.values
        ],
        "attention": [
            {"row": row, "url": links.indicator(row.indicator.code)}
            for row in rows
            if row.light in (Light.RED, Light.AMBER)
        ],
        "total": len(rows),
        "url": links.targets(year),
    }


@datacache.figure("dashboard-leadership", depends=("register", "audits", "discharge", "targets"))
def leadership(year: int) -> dict:
    data = summary.programme_summary(year)
    acceptance = [
        Figure(
            _("National CP Centre"),
            data.accepted_national_centre,
            links.accepted(year, AcceptingBody.NATIONAL_CENTRE),
        ),
        Figure(
            _("Municipality"),
            data.accepted_municipality,
            links.accepted(year, AcceptingBody.MUNICIPALITY),
        ),
    ]
    options = [
        {
            "label": FeeClass.LOW_NO.label,
            "retained": Figure("", data.options_low_no_retained, links.options(year, "low_no")),
            "implemented": Figure(
                "", data.options_low_no_implemented, links.options(year, "low_no", True)
            ),
        },
        {
            "label": FeeClass.MEDIUM_HIGH.label,
            "retained": Figure(
                "", data.options_medium_high_retained, links.options(year, "medium_high")
            ),
            "implemented": Figure(
                "", data.options_medium_high_implemented, links.options(year, "medium_high", True)
            ),
        },
    ]
    # Claimed (the options) beside measured (the verified reports against the baseline),
    # both as reductions: a positive figure is a cut, a negative one a rise.
    measured = claims.city_measured(year, {r.pollutant.pk: r.pollutant for r in data.reductions})
    reductions = [
        {
            "reduction": r,
            "measured": measured.get(r.pollutant.pk),
            "url": links.claims(year, pollutant=r.pollutant.code),
        }
        for r in data.reductions
    ]
    headline = sorted(
        reductions,
        key=lambda item: (
            HEADLINE.index(item["reduction"].pollutant.code)
            if item["reduction"].pollutant.code in HEADLINE
            else len(HEADLINE)
        ),
    )[:3]
    return {
        "summary": data,
        "in_programme": Figure(
            _("Enterprises in the programme"),
            data.enterprises_in_programme,
            links.in_programme(year),
        ),
        "slm_in": Figure(
            _("State large/medium in the programme"),
            data.state_large_medium_in_programme,
            links.in_programme(year, state_large_medium="true"),
        ),
        "slm_total": Figure(
            _("State large/medium in the register"),
            data.state_large_medium_total,
            links.state_large_medium(),
        ),
        "acceptance": acceptance,
        "demonstration": Figure(
            _("Demonstration enterprises"), data.demonstration, links.demonstration(year)
        ),
        "investment_url": links.options(year, implemented=True),
        "steps": steps_table(year),
        "options": options,
        "reductions": reductions,
        "headline_reductions": headline,
        "form_url": links.form("programme", year),
        "targets": target_lights(year),
    }


def epb(year: int) -> dict:
    """The EPB's work: reports to verify, returned ones, enterprises that have not reported
    for the year, and claimed versus measured reductions. The counts are live (indexed
    COUNTs; flags change with every draft's edit); the comparisons are cached."""
    # Only the reports of the two statuses counted, so that the (status, year) index serves
    # them rather than a scan of every report.
    queues = DischargeReport.objects.filter(
        status__in=(ReportStatus.SUBMITTED, ReportStatus.RETURNED)
    ).aggregate(
        submitted=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
        submitted_year=Count("pk", filter=Q(status=ReportStatus.SUBMITTED, year=year)),
        returned=Count("pk", filter=Q(status=ReportStatus.RETURNED)),
        returned_year=Count("pk", filter=Q(status=ReportStatus.RETURNED, year=year)),
    )
    # NOT EXISTS: an anti-join that stops at each enterprise's first reported report of the
    # year (enterprise_id is never NULL, so it counts the same enterprises as NOT IN).
    reported = DischargeReport.objects.filter(
        enterprise_id=OuterRef("pk"), year=year, status__in=REPORTED
    )
    missing = Enterprise.objects.filter(~Exists(reported)).count()
    # Only the flags of the two severities counted (the severity index serves them), then
    # those of the year's reports.
    flags = ReliabilityFlag.objects.filter(
        severity__in=(Severity.SERIOUS, Severity.WARNING), report__year=year
    ).aggregate(
        serious=Count("pk", filter=Q(severity=Severity.SERIOUS)),
        warning=Count("pk", filter=Q(severity=Severity.WARNING)),
    )
    return {
        "awaiting": Figure(
            _("Reports awaiting verification"),
            queues["submitted"],
            links.reports(status=ReportStatus.SUBMITTED),
        ),
        "awaiting_year": Figure(
            "", queues["submitted_year"], links.reports(status=ReportStatus.SUBMITTED, year=year)
        ),
        "returned": Figure(
            _("Returned reports"), queues["returned"], links.reports(status=ReportStatus.RETURNED)
        ),
        "returned_year": Figure(
            "", queues["returned_year"], links.reports(status=ReportStatus.RETURNED, year=year)
        ),
        "missing": Figure(
            _("Enterprises with no report for the year"), missing, links.without_report(year)
        ),
        "flags": [
            Figure(
                Severity.SERIOUS.label,
                flags["serious"],
                links.flagged_values(year=year, severity=Severity.SERIOUS),
                note="serious",
            ),
            Figure(
                Severity.WARNING.label,
                flags["warning"],
                links.flagged_values(year=year, severity=Severity.WARNING),
                note="warning",
            ),
        ],
        **claims_overview(year),
        "claims_url": links.claims(year),
    }


@datacache.figure("dashboard-epb-claims", depends=("register", "audits", "discharge"))
def claims_overview(year: int) -> dict:
    """The EPB dashboard's claimed versus measured: the counts and the largest gaps only (at
    province scale there are thousands of pairs, and the claims page pages through them).
    Cached apart from the dashboard's counts, which a draft's edit changes."""
    pairs = claims.comparisons(year)
    large = sorted((p for p in pairs if p.large), key=lambda p: -p.gap_of_baseline_pct)
    return {
        "pairs_count": len(pairs),
        "large_count": len(large),
        "large_pairs": large[:LARGEST_SHOWN],
        "city": claims.city_totals(pairs),
    }


# Compliance with the permits on both dashboards -----------------------------------------------
def compliance_section(year: int, user) -> dict:
    """The enterprises of each finding of the year, each count linking to the list of them;
    the largest exceeders, each linking to its enterprise; the year's tax, linking to the fee
    form; for `user` who may read the enforcement cases, those open and overdue today, each
    linking to the list of them (reports/compliance_figures.py, one cached figure)."""
    data = compliance_figures.findings(year, clock.today())
    cases = []
    if user.has_perm("permits.view_enforcementcase"):
        cases = [
            Figure(label, data["cases"][state], links.cases(state), state)
            for state, label in compliance_figures.CASE_LABELS.items()
        ]
    return {
        "cases": cases,
        "figures": [
            Figure(label, len(data["ids"][key]), links.enterprises(year, compliance=key), key)
            for key, label in compliance_figures.LABELS.items()
        ],
        "top": [
            {
                "code": code,
                "name": name,
                "count": count,
                "url": reverse("enterprises:detail", args=[pk]),
            }
            for pk, code, name, count in data["top"]
        ],
        "tax": Figure(
            _("Environmental protection tax (yuan)"), data["tax"], links.form("fees", year)
        ),
        "form_url": links.form("compliance", year),
    }


# Training and outreach on the programme summary page ---------------------------------------
@datacache.figure("dashboard-training", depends=("programme",))
def training(year: int) -> dict:
    """The year's training and outreach by audience (events, hours, participants) and the
    years before, from the programme office's register (two grouped queries)."""
    from programme.models import TrainingEvent
    from programme.outreach.queries import training_counts

    counts = training_counts(TrainingEvent.objects.filter(held_on__year__lte=year))
    in_year = [count for count in counts if count.year == year]
    to_date = {"events": 0, "participants": 0, "hours": 0}
    for count in counts:
        to_date["events"] += count.events
        to_date["participants"] += count.participants
        to_date["hours"] += count.hours
    return {
        "in_year": in_year,
        "events": sum(c.events for c in in_year),
        "participants": sum(c.participants for c in in_year),
        "hours": sum((c.hours for c in in_year), 0),
        "to_date": to_date,
        "url": links.form("training", year),
    }


# Incentives granted and environmental investment on the programme summary page -------------
@datacache.figure("dashboard-office", depends=("programme",))
def incentives_and_investment(year: int) -> dict:
    """The year's incentives by kind (count, 10k yuan) and environmental investment beyond CP
    options (completed, planned), with their sums to date: two grouped queries over the
    programme office's registers."""
    from programme.investment.queries import by_year
    from programme.models import Incentive
    from programme.outreach.choices import IncentiveKind
    from programme.outreach.queries import incentive_totals

    totals = incentive_totals(Incentive.objects.filter(granted_on__year__lte=year))
    kinds = []
    for kind in IncentiveKind:
        in_year = [t for t in totals if t.kind == kind.value and t.year == year]
        kinds.append(
            {
                "label": kind.label,
                "count": sum(t.count for t in in_year),
                "amount": sum((t.amount for t in in_year), Decimal("0")),
            }
        )
    investment = by_year(up_to=year)
    this_year = next((row for row in investment if row.year == year), None)
    return {
        "incentive_kinds": kinds,
        "incentives_count": sum(k["count"] for k in kinds),
        "incentives_amount": sum((k["amount"] for k in kinds), Decimal("0")),
        "incentives_to_date": sum((t.amount for t in totals), Decimal("0")),
        "investment_completed": this_year.completed if this_year else Decimal("0"),
        "investment_treatment": this_year.treatment if this_year else Decimal("0"),
        "investment_planned": this_year.planned if this_year else Decimal("0"),
        "investment_to_date": sum((row.completed for row in investment), Decimal("0")),
        "incentives_url": reverse("programme:incentive_totals"),
        "investment_url": f"{reverse('programme:investment_list')}?year={year}",
    }
