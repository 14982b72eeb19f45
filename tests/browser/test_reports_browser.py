"""A leadership user opens the dashboard, follows a figure to its records, opens the annual
programme form and prints it to PDF with Chromium."""

import io
import re
import unicodedata

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.reports.scenario import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leadership_dashboard_figure_records_and_printed_form(login, live_server, leader_user):
    build()
    page = login(leader_user)
    # The leading team lands on its dashboard; it picks the year 2000.
    expect(page.locator("#kpi-programme")).to_be_visible()
    page.select_option("#year-select", "2000")
    page.wait_for_url(re.compile(r"year=2000"))
    figure = page.locator("#kpi-programme .kpi-value a")
    expect(figure).to_have_text("5")

    # The figure leads to the five enterprises behind it.
    figure.click()
    page.wait_for_load_state()
    expect(page.locator(".result-count")).to_contain_text("5")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(5)
    for code in ("E1", "E2", "E3", "E6", "E7"):
        expect(page.locator("table tbody")).to_contain_text(code)

    # The annual programme summary form, printed on A4 by the browser.
    page.goto(f"{live_server.url}/")
    page.select_option("#year-select", "2000")
    page.wait_for_url(re.compile(r"year=2000"))
    page.click("#summary-form-link")
    page.wait_for_load_state()
    expect(page.locator("h1.form-title")).to_have_text("清洁生产工作总体情况表")
    expect(page.locator("#print-button")).to_be_visible()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    # Chromium maps some glyphs to their Kangxi radical code points; NFKC folds them back.
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages))
    assert len(reader.pages) >= 1
    for figure_text in ("103.00", "307.00", "2.98", "50.0", "190.00", "22.5"):
        assert figure_text in text, figure_text
    assert "单位负责人" in text  # the signature lines are printed
    assert "本溪市21世纪议程管理中心" in text  # the producing office
