"""A small city for the API tests, tokens per role, and a client that sends a token."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from api.models import ApiToken
from audits.models import Audit, Option, OptionReduction
from benxi_cp import roles
from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant
from targets.models import Actual, Department, Indicator, Target


@pytest.fixture
def city(db, make_user) -> dict:
    """Two enterprises, an audit each (the first with an auditor on its team), options with
    reductions, reports in each status, an indicator with a target and an actual."""
    steel = Enterprise.objects.create(
        code="S-1",
        name="溪城钢铁厂",
        name_en="Xicheng Steel",
        sector="iron_steel",
        state_large_medium=True,
    )
    coal = Enterprise.objects.create(code="C-1", name="北台煤矿", sector="coal")
    team_auditor = make_user(roles.AUDITOR, "team-auditor")
    other_auditor = make_user(roles.AUDITOR, "other-auditor")
    audits = []
    for enterprise, ref in ((steel, "A-1"), (coal, "A-2")):
        audits.append(
            Audit.objects.create(
                enterprise=enterprise,
                ref=ref,
                started_on=datetime.date(1998, 3, 1),
                steps_completed=2,
                focus="烧结车间",
            )
        )
    audits[0].team.add(team_auditor)
    pollutants = {p.code: p for p in Pollutant.objects.all()}
    for audit in audits:
        option = Option.objects.create(
            audit=audit, code="F01", title="堵漏", aspect="management", fee_class="low_no"
        )
        OptionReduction.objects.create(
            option=option, pollutant=pollutants["COD"], amount_per_year=Decimal("12.5")
        )
    reports = {}
    for status, year in (("draft", 1999), ("submitted", 2000), ("verified", 1997)):
        report = DischargeReport.objects.create(
            enterprise=steel, year=year, status="submitted" if status == "verified" else status
        )
        DischargeValue.objects.create(
            report=report, pollutant=pollutants["COD"], amount=Decimal("100"), basis="calculated"
        )
        if status == "verified":
            report.status = "verified"
            report.save()
        reports[status] = report
    department = Department.objects.create(code="epb", name="市环境保护局", name_en="EPB")
    indicator = Indicator.objects.create(
        code="cod",
        dimension="environmental",
        name="化学需氧量",
        name_en="COD",
        unit="t",
        direction="lower",
        department=department,
    )
    Target.objects.create(
        indicator=indicator,
        baseline_year=1996,
        baseline_value=Decimal("100"),
        goal_year=2000,
        goal_value=Decimal("80"),
    )
    Actual.objects.create(indicator=indicator, year=1998, value=Decimal("90"))
    return {
        "steel": steel,
        "coal": coal,
        "audits": audits,
        "reports": reports,
        "team_auditor": team_auditor,
        "other_auditor": other_auditor,
        "indicator": indicator,
    }


@pytest.fixture
def token_for(make_user):
    """token_for("epb_staff") or token_for(user): a new token's key."""

    def issue(who) -> str:
        user = make_user(who, f"{who}-api") if isinstance(who, str) else who
        _token, key = ApiToken.issue(user, "test")
        return key

    return issue


@pytest.fixture
def api_as(token_for):
    """api_as("epb_staff"): an APIClient that sends a token of a user of that role."""

    def client(who) -> APIClient:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(who)}", HTTP_ACCEPT_LANGUAGE="en")
        return api

    return client
