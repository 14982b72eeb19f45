"""The help page: every grade, flag, pollutant, step, class and status in both languages, and
an anchor there for every help link the other pages carry."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from audits.choices import FeeClass, OptionStatus
from audits.models import Audit, Option, OptionFeasibility
from audits.steps import STEPS
from benxi_cp import glossary, roles
from enterprises.choices import FlagCode, Grade, ReportStatus
from enterprises.glossary import STATUS_EXPLANATIONS, flag_explanations
from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant
from enterprises.reliability_store import refresh_reports

HELP_HREF = re.compile(r'href="/help/#([^"]+)"')


def page(client, url: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    with translation.override(lang):
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def ids(content: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', content))


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("role", roles.ROLES)
def test_the_glossary_names_every_term_in_both_languages(client_as, lang, role):
    content = page(client_as(role), reverse("help"), lang)
    anchors = ids(content)
    with translation.override(lang):
        for grade in Grade:
            assert f"grade-{grade.value}" in anchors
            assert str(grade.label) in content
        for code in FlagCode:
            assert f"flag-{code.value}" in anchors
            assert str(code.label) in content
        for pollutant in Pollutant.objects.all():
            assert f"pollutant-{pollutant.code}" in anchors
            assert pollutant.name in content and pollutant.name_en in content
            assert f"<code>{pollutant.code}</code>" in content
        for step in STEPS:
            assert f"step-{step.number}" in anchors
            assert str(step.title) in content
        for fee_class in FeeClass:
            assert f"fee-{fee_class.value}" in anchors
            assert str(fee_class.label) in content
        for status in OptionStatus:
            assert f"option-status-{status.value}" in anchors
        for status in ReportStatus:
            assert f"report-status-{status.value}" in anchors
            assert str(status.label) in content
    for anchor in ("grades", "grade-enterprise", "flags", "feasibility", "npv", "irr", "payback"):
        assert anchor in anchors
    assert {"tax", "duties", "steps", "options", "pollutants", "reliability"} <= anchors


@pytest.mark.django_db
def test_the_glossary_speaks_chinese_by_default(client_as):
    content = page(client_as(roles.EPB_STAFF), reverse("help"), "zh-hans")
    assert "术语表" in content
    assert "Reliability grades" not in content
    assert "Far from own history" not in content


@pytest.mark.django_db
def test_the_glossary_says_what_the_code_does():
    """The thresholds come from the checks and the example from audits/finance.py."""
    with translation.override("en"):
        texts = flag_explanations()
        assert set(texts) == set(FlagCode.values)
        assert "±3.5" in texts[FlagCode.OUTLIER]
        assert "±50%" in texts[FlagCode.YEAR_ON_YEAR]
        assert "5×" in texts[FlagCode.INTENSITY]
        assert set(STATUS_EXPLANATIONS) == set(ReportStatus.values)
        sections = {section.anchor: section.context() for section in glossary.sections()}
    example = sections["feasibility"]["evaluation"]
    assert example.depreciation == Decimal(10)
    assert example.npv > 0 and example.feasible is True
    assert sections["feasibility"]["default_tax_pct"] == 33
    selected, implemented = str(OptionStatus.SELECTED.label), str(OptionStatus.IMPLEMENTED.label)

    def from_selected(fee_class: str) -> set[str]:
        rows = next(c for c in sections["options"]["fee_classes"] if c["code"] == fee_class)
        return {
            str(t) for status, targets in rows["moves"] if str(status) == selected for t in targets
        }

    # A no/low-fee option may go from selected straight to implemented; a medium/high one not.
    assert implemented in from_selected(FeeClass.LOW_NO)
    assert implemented not in from_selected(FeeClass.MEDIUM_HIGH)


def test_the_glossary_is_for_logged_in_users(client):
    assert client.get(reverse("help")).status_code == 302


# -- the links on other pages ---------------------------------------------------------------
@pytest.fixture
def records(db):
    """A report flagged as an outlier, an audit with a medium/high-fee option analysed."""
    steel = Enterprise.objects.create(
        code="S-1", name="溪城钢铁厂", name_en="Xicheng Steel", sector="iron_steel"
    )
    cod = Pollutant.objects.get(code="COD")
    reports = []
    for year, amount in zip(range(1995, 2001), [1000, 1040, 980, 1010, 990, 5000], strict=True):
        report = DischargeReport.objects.create(enterprise=steel, year=year, status="submitted")
        DischargeValue.objects.create(report=report, pollutant=cod, amount=Decimal(amount))
        reports.append(report)
    refresh_reports([report.pk for report in reports])
    audit = Audit.objects.create(
        enterprise=steel, ref="BX-1999-01", started_on=datetime.date(1999, 3, 1)
    )
    option = Option.objects.create(
        audit=audit,
        code="F01",
        title="余热回收",
        aspect="waste",
        fee_class=FeeClass.MEDIUM_HIGH,
        status=OptionStatus.SELECTED,
        investment_10k_yuan=Decimal(80),
    )
    OptionFeasibility.objects.create(
        option=option,
        investment_10k_yuan=Decimal(80),
        annual_net_saving_10k_yuan=Decimal(40),
        depreciation_years=10,
        discount_rate_pct=Decimal(10),
        life_years=10,
    )
    return {"enterprise": steel, "report": reports[-1], "audit": audit, "option": option}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_every_help_link_lands_on_an_anchor_of_the_glossary(client_as, records, lang):
    client = client_as(roles.ADMINISTRATOR)
    anchors = ids(page(client, reverse("help"), lang))
    audit, option, report = records["audit"], records["option"], records["report"]
    pages = {
        "report": report.get_absolute_url(),
        "verify": reverse("enterprises:report_verify", args=[report.pk]),
        "flagged values": reverse("enterprises:flagged_values"),
        "report list": reverse("enterprises:report_list"),
        "enterprise": records["enterprise"].get_absolute_url(),
        "audit": audit.get_absolute_url(),
        "step": reverse("audits:step", args=[audit.pk, 3]),
        "options list": reverse("audits:option_list"),
        "option": option.get_absolute_url(),
        "feasibility": reverse("audits:option_feasibility", args=[option.pk]),
    }
    expected = {
        "report": {"grades", "report-status-submitted", "flag-outlier", "reliability"},
        "verify": {"grades", "flags", "flag-outlier"},
        "flagged values": {"flags", "reliability"},
        "report list": {"grades"},
        "enterprise": {"grade-enterprise"},
        "audit": {"steps", "options"},
        "step": {"step-3"},
        "options list": {"options"},
        "option": {"fee-medium_high", "feasibility", "feasible", "tax"},
        "feasibility": {"feasibility", "feasible", "tax"},
    }
    for name, url in pages.items():
        linked = set(HELP_HREF.findall(page(client, url, lang)))
        assert expected[name] <= linked, name
        assert linked <= anchors, (name, linked - anchors)


@pytest.mark.django_db
def test_the_help_entry_is_in_the_user_menu(client_as):
    content = page(client_as(roles.AUDITOR), reverse("home"), "en")
    assert f'href="{reverse("help")}" id="help-menu-link">Help</a>' in content


BASE = 6  # session, user, the user's groups (role), user permissions, group permissions, demo flag


@pytest.mark.django_db
def test_the_glossary_runs_a_fixed_number_of_queries(client_as, django_assert_num_queries):
    client = client_as(roles.AUDITOR)
    # BASE, the pollutant catalogue.
    with django_assert_num_queries(BASE + 1):
        assert client.get(reverse("help")).status_code == 200
