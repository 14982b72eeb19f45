"""An auditor runs an audit in Chromium: steps 1–4, three options in the grid, screening,
and the feasibility figures of the medium/high-fee one."""

import datetime

import pytest
from playwright.sync_api import expect

from audits.models import Audit, MaterialBalanceLine, Option
from enterprises.models import Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_auditor_runs_steps_options_screening_and_feasibility(login, live_server, make_user):
    auditor = make_user("auditor", "zhang-wei")
    enterprise = Enterprise.objects.create(
        code="DEMO-0500", name="溪城焦化厂", name_en="Xicheng Coking", sector="coal"
    )
    audit = Audit.objects.create(
        enterprise=enterprise, ref="BX-2001-77", started_on=datetime.date(2001, 6, 1), focus="焦炉"
    )
    audit.team.add(auditor)
    page = login(auditor)

    page.goto(f"{live_server.url}/audits/mine/")
    page.click("text=BX-2001-77")
    expect(page.locator("#step-tracker > li")).to_have_count(8)

    def complete(number: int) -> None:
        page.goto(f"{live_server.url}{audit.get_absolute_url()}")
        page.click(f"#step-{number} a")
        page.select_option("#id_status", "completed")
        page.fill("#id_started_on", f"2001-06-{number * 5:02d}")
        page.fill("#id_completed_on", f"2001-06-{number * 5 + 4:02d}")
        for box in page.locator("input[name=checklist]").all():
            box.check()
        page.click("#step-form button[type=submit]")

    for number in (1, 2, 3):
        complete(number)
        if number == 3:  # refused until the material balance is entered
            refusal = page.locator("#step-form .invalid-feedback, #step-form .alert-danger")
            expect(refusal.first).to_be_visible()
            assert not audit.steps.filter(number=3, status="completed").exists()
            MaterialBalanceLine.objects.create(
                audit=audit, direction="input", item="原煤", quantity=1000, unit="t/a"
            )
            complete(number)
        expect(page.locator(f"#step-{number} .tracker-step")).to_have_class(
            "tracker-step is-completed"
        )
    audit.refresh_from_db()
    assert audit.steps_completed == 3
    page.goto(f"{live_server.url}{audit.get_absolute_url()}")

    page.click("#options-grid-link")
    page.wait_for_load_state()  # the grid's script runs once the page has loaded
    rows = page.locator("#grid-body tr")
    page.fill("#id_form-0-title", "堵塞蒸汽泄漏")
    expect(page.locator("#id_form-0-code")).to_have_value("F01")
    page.select_option("#id_form-0-aspect", "management")
    page.select_option("#id_form-0-fee_class", "low_no")
    page.locator("#id_form-0-title").press("ArrowDown")
    expect(page.locator("#id_form-1-title")).to_be_focused()
    page.keyboard.type("氧化铁皮回用于烧结")
    page.select_option("#id_form-1-aspect", "waste")
    page.select_option("#id_form-1-fee_class", "low_no")
    page.click("#add-row")  # a fourth row, from the formset's empty form
    expect(rows).to_have_count(4)
    expect(page.locator("#id_form-3-code")).to_have_value("F03")
    page.fill("#id_form-3-title", "干熄焦技术改造")
    page.select_option("#id_form-3-aspect", "technology")
    page.select_option("#id_form-3-fee_class", "medium_high")
    page.fill("#id_form-3-investment_10k_yuan", "100")
    page.click("#save-grid")
    expect(page.locator(".alert-success")).to_be_visible()
    assert list(audit.options.values_list("code", "status")) == [
        ("F01", "proposed"),
        ("F02", "proposed"),
        ("F03", "proposed"),
    ]

    # Screening many at once: tick F01 and F03, keep them; tick F02, reject it.
    ticks = page.locator("#grid-body .row-tick")
    ticks.nth(0).check()
    ticks.nth(2).check()
    page.click(".screen-button[data-status=selected]")
    ticks.nth(0).uncheck()
    ticks.nth(2).uncheck()
    ticks.nth(1).check()
    page.click(".screen-button[data-status=rejected]")
    page.click("#save-grid")
    expect(page.locator(".alert-success")).to_be_visible()
    statuses = dict(audit.options.values_list("code", "status"))
    assert statuses == {"F01": "selected", "F02": "rejected", "F03": "selected"}
    complete(4)  # every option screened: step 4 completes
    expect(page.locator("#step-4 .tracker-step")).to_have_class("tracker-step is-completed")
    page.click("#options-grid-link")
    page.wait_for_load_state()

    page.locator("#grid-body tr[data-option] .option-link").nth(2).click()
    page.click("#feasibility-link")
    expect(page.locator("#id_investment_10k_yuan")).to_have_value("100.00")
    page.fill("#id_annual_net_saving_10k_yuan", "30")
    page.fill("#id_depreciation_years", "10")
    page.fill("#id_life_years", "10")
    page.fill("#id_discount_rate_pct", "10")
    page.select_option("#id_conclusion", "feasible")
    page.click("#feasibility-form [type=submit]")
    expect(page.locator("tr[data-symbol=NPV] td.value")).to_contain_text("43.78")
    expect(page.locator("tr[data-symbol=IRR] td.value")).to_contain_text("19.44")
    expect(page.locator("#feasibility-verdict .text-bg-success")).to_be_visible()
    assert Option.objects.get(code="F03").status == "feasible"
