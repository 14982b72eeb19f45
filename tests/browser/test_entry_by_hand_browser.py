"""Entry that fits the hand, in Chromium: the type-ahead enterprise box (typed, listed,
chosen by keyboard, saved), and the phone grid at 390 px, whose field being typed in stays
beside the frozen pollutant column, and whose refused save says so at the top and keeps
every entry."""

import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from audits.models import Audit
from enterprises.models import DischargeReport, Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(db):
    rows = [
        ("91210500AAA0000001", "溪城第一钢铁厂", "Xicheng No. 1 Steel Works"),
        ("91210500AAA0000002", "溪城水泥厂", "Xicheng Cement Works"),
        ("91210500AAA0000003", "明山水泥二厂", "Mingshan Cement No. 2"),
        ("LOCAL-17", "本溪焦化厂", "Benxi Coking Plant"),
    ]
    return {
        code: Enterprise.objects.create(code=code, name=name, name_en=en, sector="coal")
        for code, name, en in rows
    }


def test_the_enterprise_box_lists_what_matches_and_chooses_by_keyboard(
    login, live_server, epb_user, register
):
    page = login(epb_user)
    page.goto(f"{live_server.url}/audits/new/")
    box = page.locator("#id_enterprise")
    expect(box).to_have_attribute("role", "combobox")
    box.fill("水泥")
    listbox = page.locator("#id_enterprise-list")
    expect(listbox).to_be_visible()
    options = listbox.locator("[role=option]")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("91210500AAA0000002")
    expect(options.first).to_contain_text("溪城水泥厂")
    # ↓ ↓ picks the second, Enter chooses it (and sends nothing).
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "id_enterprise-option-1")
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("91210500AAA0000003")
    expect(page.locator("#id_enterprise-chosen")).to_have_text("明山水泥二厂")
    assert page.url.endswith("/audits/new/")
    # Escape closes a list; typing a code's beginning lists by code.
    box.fill("LOC")
    expect(options).to_have_count(1)
    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.fill("91210500AAA0000003")
    expect(options).to_have_count(1)
    options.first.click()
    expect(box).to_have_value("91210500AAA0000003")
    page.fill("#id_ref", "A-2001-07")
    page.fill("#id_started_on", "2001-03-01")
    page.click("#audit-form [type=submit]")
    page.wait_for_load_state()
    assert Audit.objects.get(ref="A-2001-07").enterprise.code == "91210500AAA0000003"


def test_the_enterprise_box_works_as_a_plain_input(login, live_server, epb_user, register):
    """A name typed in full and sent without choosing from the list is found by the server;
    one it cannot find comes back with the entry kept and the reason."""
    page = login(epb_user)
    page.goto(f"{live_server.url}/audits/new/")
    page.fill("#id_enterprise", "本溪焦化")
    page.fill("#id_ref", "A-2001-08")
    page.fill("#id_started_on", "2001-03-01")
    page.locator("#id_enterprise").press("Escape")
    page.click("#audit-form [type=submit]")
    expect(page.locator("#id_enterprise")).to_have_value("本溪焦化")
    expect(page.locator("#audit-form")).to_contain_text("没有企业")
    page.fill("#id_enterprise", "本溪焦化厂")
    page.locator("#id_enterprise").press("Escape")
    page.click("#audit-form [type=submit]")
    page.wait_for_load_state()
    assert Audit.objects.get(ref="A-2001-08").enterprise.code == "LOCAL-17"


PHONE = {"width": 390, "height": 844}


def _beside_frozen(page, selector: str) -> tuple[float, float]:
    """(the field's left edge, the right edge of its row's frozen first cell), on screen."""
    return page.evaluate(
        """(selector) => {
            const field = document.querySelector(selector);
            const frozen = field.closest('tr').firstElementChild;
            return [field.getBoundingClientRect().left, frozen.getBoundingClientRect().right];
        }""",
        selector,
    )


def _field(pollutant: str, name: str) -> str:
    return f"tr[data-pollutant={pollutant}] [name$=-{name}]"


def test_the_phone_grid_keeps_the_field_being_typed_beside_the_frozen_column(
    login, live_server, epb_user, register
):
    page = login(epb_user)
    page.set_viewport_size(PHONE)
    steel = register["91210500AAA0000001"]
    page.goto(
        f"{live_server.url}/enterprises/reports/entry/?enterprise={steel.pk}&year=2001&period=Y"
    )
    first = page.locator("#entry-grid tbody tr[data-pollutant]").first
    codes = page.locator("#entry-grid tbody tr[data-pollutant]").evaluate_all(
        "rows => rows.map(row => row.dataset.pollutant)"
    )
    assert len(codes) >= 3 and first.is_visible()
    scroller_wider = page.evaluate(
        "() => { const s = document.querySelector('#entry-grid').parentElement;"
        " return s.scrollWidth > s.clientWidth; }"
    )
    assert scroller_wider  # at 390 px the grid scrolls sideways under its first column
    # Type in the first amount, Tab to its basis (to the right), then Tab to the next row's
    # amount: the browser alone would scroll it to the left edge, under the pollutant.
    page.focus(_field(codes[0], "amount"))
    page.keyboard.type("1200")
    for index in range(1, 3):
        page.keyboard.press("Tab")
        expect(page.locator(_field(codes[index - 1], "basis"))).to_be_focused()
        page.keyboard.press("Tab")
        amount = _field(codes[index], "amount")
        expect(page.locator(amount)).to_be_focused()
        page.wait_for_timeout(100)  # the next frame's check
        left, frozen_right = _beside_frozen(page, amount)
        assert left >= frozen_right, (codes[index], left, frozen_right)
        page.keyboard.type(str(100 * index))
    # Scrolled far to the right by hand (to read the flags), Enter moves to the next amount:
    # it comes back into view, beside the pollutant.
    page.evaluate(
        "() => { const s = document.querySelector('#entry-grid').parentElement;"
        " s.scrollLeft = s.scrollWidth; }"
    )
    page.keyboard.press("Enter")
    amount = _field(codes[3], "amount")
    expect(page.locator(amount)).to_be_focused()
    page.wait_for_timeout(100)
    left, frozen_right = _beside_frozen(page, amount)
    assert left >= frozen_right, (left, frozen_right)
    page.screenshot(path="/tmp/daily-b-grid-390-focus.png")
    right = page.evaluate(f"() => document.querySelector('{amount}').getBoundingClientRect().right")
    assert right <= PHONE["width"], (left, frozen_right, right)


def test_a_refused_grid_save_says_so_at_the_top_and_keeps_every_entry(
    login, live_server, epb_user, register
):
    page = login(epb_user)
    page.set_viewport_size(PHONE)
    steel = register["91210500AAA0000001"]
    page.goto(
        f"{live_server.url}/enterprises/reports/entry/?enterprise={steel.pk}&year=2001&period=Y"
    )
    codes = page.locator("#entry-grid tbody tr[data-pollutant]").evaluate_all(
        "rows => rows.map(row => row.dataset.pollutant)"
    )
    entries = {codes[0]: "1200", codes[1]: "3.5", codes[-1]: "-5"}
    for code, value in entries.items():
        page.fill(_field(code, "amount"), value)
    page.select_option(_field(codes[0], "basis"), "measured_continuous")
    # A first report proposes no basis: the clerk chooses one for each amount.
    page.select_option(_field(codes[1], "basis"), "calculated")
    page.fill("#id_output_10k_yuan", "52000")
    page.click("#save-button")
    page.wait_for_load_state()
    banner = page.locator("#grid-refused")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("未保存")
    # The cursor is in the field in error (the last row, far down the page), and the banner
    # stays at the top of the window.
    expect(page.locator(_field(codes[-1], "amount"))).to_be_focused()
    # Focusing the field scrolls the page, smoothly: the scroll may not have begun yet.
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what it is
        page.wait_for_function("() => window.scrollY > 0", timeout=5000)
    assert page.evaluate("() => window.scrollY") > 0
    # (the page may still be scrolling to the field: wait for the banner to settle)
    settled = "() => { const r = document.querySelector('#grid-refused').getBoundingClientRect();"
    settled += " return r.top >= 0 && r.top < 10; }"
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what it is
        page.wait_for_function(settled, timeout=5000)
    top = banner.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < 10, top
    for code, value in entries.items():
        expect(page.locator(_field(code, "amount"))).to_have_value(value)
    expect(page.locator(_field(codes[0], "basis"))).to_have_value("measured_continuous")
    expect(page.locator("#id_output_10k_yuan")).to_have_value("52000")
    assert re.search(r"negative|负", page.locator(f"tr[data-pollutant={codes[-1]}]").inner_text())
    assert not DischargeReport.objects.exists()
    page.screenshot(path="/tmp/daily-b-grid-390-refused.png")
