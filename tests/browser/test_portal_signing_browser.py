"""The enterprise portal from end to end, in both languages: the preparer enters a monthly
report in the grid and its serious flag is explained; the signatory reads it and signs with
password and a one-time code; the acknowledgement goes to the signatory and the enterprise's
contact address; the EPB verifies it; the enterprise downloads the copy of record and its hash
matches the page's; an amendment is signed and shows its difference."""

import hashlib
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from benxi_cp import guards
from enterprises import workflow
from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant, entry_url
from portal import amendments
from portal.models import Basis, Grant, Level, Signature
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def now_code(device, steps_ahead: int = 0) -> str:
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():06d}"


def verified_history(steel) -> None:
    """A verified annual report of 2000 (COD 1200 t): a month of 1205 t is far above it."""
    with transaction.atomic(), guards.suspended():
        report = DischargeReport.objects.create(enterprise=steel, year=2000)
        DischargeValue.objects.create(
            report=report,
            pollutant=Pollutant.objects.get(code="COD"),
            amount=Decimal("1200"),
            basis="measured_continuous",
        )
        DischargeReport.objects.filter(pk=report.pk).update(status="verified")


@pytest.mark.parametrize("lang", ["zh-CN", "en-GB"])
def test_prepare_sign_acknowledge_verify_copy_amend(
    login, live_server, make_user, epb_user, administrator, browser, lang
):
    steel = Enterprise.objects.create(
        code="S-1",
        name="溪城钢铁厂",
        name_en="Xicheng Steel",
        sector="iron_steel",
        contact_email="office@steel.example",
    )
    verified_history(steel)
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
    # Three signings in a few seconds: codes of the next time steps are accepted.
    device = TOTPDevice.objects.create(user=signatory, name="phone", confirmed=True, tolerance=2)

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
    row.locator("input[name$='-amount']").fill("1205")
    # A first report proposes no basis: the preparer chooses how the figure was obtained.
    row.locator("select[name$='-basis']").select_option("measured_continuous")
    page.click("#save-button")
    page.wait_for_load_state()
    report = DischargeReport.objects.get(enterprise=steel, year=2001)
    assert report.status == "draft" and report.entered_by == preparer
    assert report.values.get(pollutant__code="COD").amount == Decimal("1205")
    assert report.flags.filter(severity="serious").exists()  # far above its history

    page.context.clear_cookies()
    sign_in(signatory)
    page.goto(f"{live_server.url}/portal/reports/{report.pk}/")
    page.click("#sign-link")
    expect(page.locator("#signed-values")).to_contain_text("1205")
    expect(page.locator("#statement")).not_to_be_empty()
    # Not signed until its serious flag is explained.
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", now_code(device))
    page.click("#sign-button")
    expect(page.locator("#sign-form")).to_be_visible()
    assert not Signature.objects.exists()
    page.fill("textarea[name^='explain_']", "A new sintering line started in March.")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", now_code(device, 1))
    page.click("#sign-button")
    expect(page.locator("#signed-record")).to_be_visible()
    signature = Signature.objects.get(report=report)
    assert "A new sintering line" in signature.document
    expect(page.locator("#signed-record")).to_contain_text(signature.document_sha256)
    # The acknowledgement: to the signatory and to the enterprise's registered address.
    acks = {address: message for message in mail.outbox for address in message.to}
    assert {"sign@steel.example", "office@steel.example"} <= set(acks)
    for ack in acks.values():
        assert signature.document_sha256 in ack.body
    ack = acks["sign@steel.example"]
    assert (
        re.search("[\u4e00-\u9fff]", ack.subject) if lang == "zh-CN" else "received" in ack.subject
    )
    assert re.search("[\u4e00-\u9fff]", acks["office@steel.example"].subject)

    # The EPB accepts it.
    report.refresh_from_db()
    assert report.status == "submitted"
    workflow.verify(report, epb_user)
    report.refresh_from_db()
    assert report.status == "verified" and report.verified_by != signatory

    # The enterprise downloads the copy of record: its bytes hash to what the page says.
    page.goto(f"{live_server.url}/portal/reports/{report.pk}/")
    expect(page.locator("#entered-by")).to_contain_text(preparer.username)
    shown = page.locator("#copy-hash").inner_text().strip()
    with page.expect_download() as download:
        page.click("#copy-link")
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == shown

    # Unlocked by an administrator, the report is amended and signed again: version 2 shows
    # its difference from version 1.
    workflow.unlock(report, administrator, "The enterprise corrects COD.")
    report.refresh_from_db()
    amendments.start(report, preparer, "COD was 120.5 t, a misplaced point.")
    report.refresh_from_db()
    cod = Pollutant.objects.get(code="COD")
    workflow.save_report(
        report, [workflow.ValueRow(cod, Decimal("120.5"), "measured_continuous")], preparer
    )
    page.goto(f"{live_server.url}/portal/reports/{report.pk}/sign/")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_code", now_code(device, 2))
    page.click("#sign-button")
    expect(page.locator("#versions")).to_contain_text("v2")
    expect(page.locator("#versions")).to_contain_text("misplaced point")
    differences = page.locator("#differences")
    expect(differences).to_contain_text("1205")
    expect(differences).to_contain_text("120.5")
    assert Signature.objects.filter(report=report).count() == 2
    context.close()
