"""The programme office records a training course with participants from two enterprises
and its slides in Chromium, and sees it on one enterprise's page."""

import pytest
from playwright.sync_api import expect

from enterprises.models import Enterprise
from programme.models import TrainingEvent, TrainingMaterial

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_records_a_course_and_the_enterprise_page_shows_it(
    login, live_server, make_user, tmp_path
):
    office = make_user("administrator", "li-qiang")
    steel = Enterprise.objects.create(
        code="DEMO-0601", name="溪城钢铁厂", name_en="Xicheng Steel", sector="iron_steel"
    )
    cement = Enterprise.objects.create(
        code="DEMO-0602", name="本溪水泥厂", name_en="Benxi Cement", sector="building_materials"
    )
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(b"%PDF-1.4 course slides")
    page = login(office)

    page.goto(f"{live_server.url}/programme/training/")
    page.click("#create-button")
    page.select_option("#id_kind", "training")
    page.select_option("#id_audience", "enterprises")
    page.fill("#id_title", "企业清洁生产审核方法培训班")
    page.fill("#id_held_on", "2001-04-15")
    page.fill("#id_hours", "24")
    page.fill("#id_other_participants", "2")
    page.fill("#id_place", "本溪清洁生产中心")
    page.fill("#id_participations-0-enterprise", steel.code)  # the enterprise box
    page.fill("#id_participations-0-participants", "6")
    page.fill("#id_participations-1-enterprise", cement.code)
    page.fill("#id_participations-1-participants", "4")
    page.set_input_files("#id_materials", str(slides))
    page.click("#save-event")

    expect(page.locator("#total-participants")).to_have_text("12")
    expect(page.locator("#participants-table tbody tr")).to_have_count(2)
    expect(page.locator("#materials a")).to_have_text("slides.pdf")
    event = TrainingEvent.objects.get()
    assert event.participations.count() == 2
    assert TrainingMaterial.objects.get().size_bytes == len(b"%PDF-1.4 course slides")

    page.goto(f"{live_server.url}{steel.get_absolute_url()}")
    panel = page.locator("#panel-training")
    expect(panel).to_contain_text("企业清洁生产审核方法培训班")
    expect(panel.locator("tbody td").last).to_have_text("6")
    panel.locator("a", has_text="企业清洁生产审核方法培训班").click()
    expect(page).to_have_url(f"{live_server.url}{event.get_absolute_url()}")
