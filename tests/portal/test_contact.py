"""The enterprise's registered contact address: kept in the register (form, import, API,
history), and written to with the acknowledgement of each signed submission, in Chinese,
beside the signatory's own in the language they signed in."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from benxi_cp.importers import get_importer
from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant
from portal import signing
from portal.models import Level
from tests.fixtures import PASSWORD
from tests.portal.test_signing import code


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.mark.django_db
def test_the_form_refuses_a_bad_address_and_keeps_a_good_one_with_history(client, epb_user, steel):
    client.force_login(epb_user)
    url = reverse("enterprises:edit", args=[steel.pk])
    data = {
        "code": steel.code,
        "name": steel.name,
        "sector": steel.sector,
        "version": steel.version,
        "contact_email": "not an address",
    }
    response = client.post(url, data)
    assert (
        response.status_code == 200 and "Enter a valid email address" in response.content.decode()
    )
    steel.refresh_from_db()
    assert steel.contact_email == ""
    response = client.post(url, {**data, "contact_email": "hb@steel.example"})
    assert response.status_code == 302
    steel.refresh_from_db()
    assert steel.contact_email == "hb@steel.example"
    assert steel.history.first().contact_email == "hb@steel.example"
    page = client.get(reverse("enterprises:detail", args=[steel.pk])).content.decode()
    assert "hb@steel.example" in page
    api = client.get(f"/api/v1/enterprises/{steel.pk}/").json()
    assert api["contact_email"] == "hb@steel.example"


def run(text: str):
    with translation.override("en"):
        return get_importer("enterprises")().run(text.encode(), "e.csv")


@pytest.mark.django_db
def test_the_import_keeps_its_format_and_the_stored_address(steel):
    """The register's import file is a contract (docs/formats/enterprises.md): the contact
    address is not one of its columns, so a file naming it is refused, and an update by file
    keeps the address entered on the page."""
    steel.contact_email = "office@steel.example"
    steel.save()
    bad = run("code,name,sector,state_large_medium,contact_email\nE-1,甲厂,coal,否,a@b.example\n")
    assert not bad.ok and "contact_email" in str(bad.errors[0])
    assert not Enterprise.objects.filter(code="E-1").exists()
    row = f"{steel.code},{steel.name},{steel.sector},否\n"
    assert run("code,name,sector,state_large_medium\n" + row).ok
    steel.refresh_from_db()
    assert steel.contact_email == "office@steel.example"


@pytest.mark.django_db
def test_the_acknowledgement_goes_to_the_signatory_and_the_contact_in_their_languages(
    client, make_enterprise_user, steel
):
    steel.contact_email = "office@steel.example"
    steel.save()
    user = make_enterprise_user(steel, "steel-sign", Level.SIGNATORY)
    user.email = "sign@steel.example"
    user.first_name = "Zhou"
    user.save()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    report = DischargeReport.objects.create(enterprise=steel, year=2000)
    DischargeValue.objects.create(
        report=report, pollutant=Pollutant.objects.get(code="COD"), amount=Decimal("7")
    )
    client.force_login(user)
    sha = signing.digest(signing.canonical(signing.document(report)))
    response = client.post(
        reverse("portal:report_sign", args=[report.pk]),
        {"password": PASSWORD, "code": code(user), "document_sha256": sha},
    )
    assert response.status_code == 302
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["office@steel.example", "sign@steel.example"]
    english, chinese = by_address["sign@steel.example"], by_address["office@steel.example"]
    assert "The EPB received" in english.body and "received" in english.subject
    assert "收到" in chinese.body and "The EPB received" not in chinese.body
    signature = report.signatures.get()
    time = signature.signed_at.astimezone().strftime("%Y-%m-%d %H:%M")
    for message in (english, chinese):
        assert sha in message.body and "Zhou" in message.body and "2000" in message.body
        assert time[:10] in message.body
