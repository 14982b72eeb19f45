"""The preparer enters a monthly report in the grid; the signatory reads it and signs with
password and a one-time code; the acknowledgement goes out; the EPB verifies it."""

import re
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from enterprises import workflow
from enterprises.models import DischargeReport, Enterprise, Pollutant, entry_url
from portal.models import Basis, Grant, Level, Signature
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def now_code(device) -> str:
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time()
    return f"{generator.token():06d}"


@pytest.mark.parametrize("lang", ["zh-CN", "en-GB"])
def test_prepare_sign_acknowledge_verify(login, live_server, make_user, epb_user, browser, lang):
    steel = Enterprise.objects.create(
        code="S-1", name="溪城钢铁厂", name_en="Xicheng Steel", sector="iron_steel"
    )
    preparer = make_user("enterprise_user", "steel-prep")
    signatory = make_user("enterprise_user", "steel-sign")
    signatory.email = "sign@steel.example"
    signatory.save()
    Grant.objects.create(user=preparer, enterprise=steel, level=Level.PREPARER)
    Grant.objects.create(
        user=signatory,
        enterprise=steel,
        level=Level.SIGNATORY,
        basis=Basis.LEGAL_REPRESENTATIVE,
        approved_at=timezone.now(),
        approved_by=epb_user,
    )
    device = TOTPDevice.objects.create(user=signatory, name="phone", confirmed=True)

    context = browser.new_context(locale=lang)
    page = context.new_page()

    def sign_in(user):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_load_state()

    sign_in(preparer)
    page.click(f"#enter-report-{steel.pk}")
    page.goto(f"{live_server.url}{entry_url(steel.pk, 2001, 'M03')}")
    cod_pk = Pollutant.objects.get(code="COD").pk
    row = page.locator("tr", has=page.locator(f"input[name$='-pollutant'][value='{cod_pk}']"))
    cod = row.locator("input[name$='-amount']")
    cod.fill("120.5")
    # A first report proposes no basis: the preparer chooses how the figure was obtained.
    row.locator("select[name$='-basis']").select_option("measured_continuous")
    page.click("#save-button")
    page.wait_for_load_state()
    report = DischargeReport.objects.get(enterprise=steel, year=2001)
    assert report.status == "draft" and report.entered_by == preparer
    assert report.values.get(pollutant__code="COD").amount == Decimal("120.5")

    page.context.clear_cookies()
    sign_in(signatory)
    page.goto(f"{live_server.url}/portal/reports/{report.pk}/")
    page.click("#sign-link")
    expect(page.locator("#signed-values")).to_contain_text("120.5")
    expect(page.locator("#statement")).not_to_be_empty()
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", now_code(device))
    page.click("#sign-button")
    expect(page.locator("#signatures")).to_be_visible()
    signature = Signature.objects.get(report=report)
    expect(page.locator("#signatures")).to_contain_text(signature.document_sha256)
    ack = mail.outbox[-1]
    assert "sign@steel.example" in ack.to and signature.document_sha256 in ack.body
    assert (
        re.search("[\u4e00-\u9fff]", ack.subject) if lang == "zh-CN" else "received" in ack.subject
    )
    context.close()

    report.refresh_from_db()
    assert report.status == "submitted"
    workflow.verify(report, epb_user)
    report.refresh_from_db()
    assert report.status == "verified" and Signature.objects.get(report=report).hash_matches()
