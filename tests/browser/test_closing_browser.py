"""The programme office closes 2001 on the demo city, downloads its copy of record, sees a
change of a 2001 figure refused, reopens the year with a reason and sees the difference."""

import datetime
import hashlib
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from playwright.sync_api import expect

from audits.models import Audit, Option
from benxi_cp import guards
from enterprises import ledger
from enterprises.models import DischargeReport
from reports.models import RecordCopy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = (
    Path(os.environ.get("BENXI_SCREENSHOTS", "")) if os.environ.get("BENXI_SCREENSHOTS") else None
)


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def finish_2001() -> None:
    """The demo leaves 2001 with reports to verify and an audit to assess: the EPB's and the
    assessors' work, done here as a data load."""
    with transaction.atomic(), guards.suspended():
        pending = DischargeReport.objects.filter(year=2001).exclude(status="verified")
        pairs = set(pending.values_list("enterprise_id", "year"))
        pending.update(status="verified")
        ledger.refresh(pairs)
    for audit in Audit.objects.filter(steps_completed=8, assessment=""):
        Audit.objects.filter(pk=audit.pk).update(
            assessment="pass", assessed_on=max(audit.started_on, datetime.date(2001, 12, 20))
        )


def test_close_2001_download_refused_change_reopen_and_difference(login, live_server, tmp_path):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from django.contrib.auth.models import User

    page = login(User.objects.get(username="admin"), "benxi-admin")
    year_url = f"{live_server.url}/reports/years/2001/"

    # What still blocks 2001, with links to the records.
    page.goto(year_url)
    expect(page.locator("#blockers li")).not_to_have_count(0)
    expect(page.locator("#blockers a").first).to_have_attribute(
        "href", "/enterprises/reports/?year=2001&status=draft"
    )
    shot(page, "year-2001-blocked-zh")
    finish_2001()

    # Closing 2001 keeps its copy of record.
    page.goto(year_url)
    expect(page.locator("#ready")).to_be_visible()
    # Rendering the five forms' PDFs takes a while (the discharge form's above all).
    page.set_default_timeout(300_000)
    with page.expect_navigation():
        page.click("#close-year")
    page.set_default_timeout(30_000)
    expect(page.locator("#year-state .badge")).to_have_text("已关账")
    expect(page.locator("#record-copies")).to_be_visible()
    shot(page, "year-2001-closed-zh")
    with page.expect_download() as download:
        page.click("#record-programme-pdf")
    content = Path(download.value.path()).read_bytes()
    copy = RecordCopy.objects.get(closing__year=2001, form="programme", fmt="pdf")
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == copy.sha256

    # The actual annual benefit (what the programme counts) of an option of an audit
    # accepted in 2001 cannot change.
    option = Option.objects.filter(status="implemented", audit__accepted_on__year=2001).first()
    before = option.actual_annual_benefit_10k_yuan or Decimal("0")
    page.goto(f"{live_server.url}/audits/options/{option.pk}/edit/")
    page.fill("#id_actual_annual_benefit_10k_yuan", str(before + 100))
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    expect(
        page.locator(".alert-danger, .alert-block, .invalid-feedback, .errorlist").first
    ).to_contain_text("已关账")
    shot(page, "option-refused-zh")
    option.refresh_from_db()
    assert (option.actual_annual_benefit_10k_yuan or Decimal("0")) == before

    # Reopened with a reason, the change goes in, and the form shows the difference.
    page.goto(year_url)
    page.fill("#id_reason", "审核员更正了一个已实施方案的年经济效益")
    page.click("#reopen-year")
    page.wait_for_load_state()
    expect(page.locator("#year-state .badge")).to_have_text("已重新开放")
    expect(page.locator("#reopen-reason")).to_have_text("审核员更正了一个已实施方案的年经济效益")
    page.goto(f"{live_server.url}/audits/options/{option.pk}/edit/")
    page.fill("#id_actual_annual_benefit_10k_yuan", str(before + 100))
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    option.refresh_from_db()
    assert option.actual_annual_benefit_10k_yuan == before + 100

    page.goto(f"{live_server.url}/reports/forms/programme/?year=2001")
    rows = page.locator(".record-differences tbody tr")
    benefit = rows.filter(has_text="annual_benefit_10k_yuan")
    expect(benefit).to_have_count(1)
    cells = benefit.locator("td")
    recorded, current = Decimal(cells.nth(2).inner_text()), Decimal(cells.nth(3).inner_text())
    assert current - recorded == 100
    shot(page, "form-differences-zh")
    page.goto(year_url)
    expect(page.locator("#changed-programme a")).to_be_visible()
    shot(page, "year-2001-reopened-zh")

    # The same pages in English.
    page.click("#language-form button[data-lang=en]")
    page.wait_for_load_state()
    page.goto(year_url)
    expect(page.locator("#year-state .badge")).to_have_text("Reopened")
    shot(page, "year-2001-reopened-en")
    page.goto(f"{live_server.url}/reports/forms/programme/?year=2001")
    expect(page.locator("#record-differences")).to_contain_text("differ from the copy of record")
    shot(page, "form-differences-en")
    page.goto(f"{live_server.url}/reports/years/")
    expect(page.locator("#year-2001")).to_contain_text("Reopened")
    shot(page, "years-en")
