"""The enterprise's preparer enters its reports in the EPB's own grid, for its enterprise
only; submitting is signing, by its signatory; the EPB then verifies (the verifier is never
the signatory)."""

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises import workflow
from enterprises.models import DischargeReport, Pollutant, entry_url
from portal import signing
from portal.models import Level, Signature
from tests.fixtures import PASSWORD
from tests.portal.test_signing import _at


def grid(amount="150", action="save"):
    return {
        "action": action,
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-0-pollutant": str(Pollutant.objects.get(code="COD").pk),
        "rows-0-amount": amount,
        "rows-0-basis": "measured_sampling",
    }


@pytest.mark.django_db
def test_the_preparer_enters_its_own_reports_only(
    client, steel, cement, steel_user, make_enterprise_user
):
    client.force_login(steel_user)
    assert client.get(entry_url(steel.pk, 2000)).status_code == 200
    assert client.get(reverse("enterprises:report_entry")).status_code == 200
    for url in (
        entry_url(cement.pk, 2000),
        reverse("enterprises:report_entry") + "?enterprise=C-2",
        reverse("enterprises:report_entry") + f"?enterprise={cement.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Mingshan" not in response.content.decode()
    assert client.post(entry_url(cement.pk, 2000), grid()).status_code == 404
    assert not DischargeReport.objects.filter(enterprise=cement).exists()

    response = client.post(entry_url(steel.pk, 2000), grid(action="submit"))
    assert response.status_code == 302
    report = DischargeReport.objects.get(enterprise=steel, year=2000)
    # saved, not submitted: the enterprise submits by signing
    assert report.status == "draft" and report.entered_by == steel_user
    assert report.values.get().amount == 150

    viewer = make_enterprise_user(steel, "steel-viewer", Level.VIEWER)
    client.force_login(viewer)
    assert client.get(entry_url(steel.pk, 2000)).status_code == 404
    assert client.post(entry_url(steel.pk, 2000), grid("1")).status_code == 404
    assert report.values.get().amount == 150


@pytest.mark.django_db
def test_entered_signed_then_verified_by_the_epb(
    client, steel, steel_user, make_enterprise_user, epb_user
):
    client.force_login(steel_user)
    client.post(entry_url(steel.pk, 2000), grid())
    report = DischargeReport.objects.get(enterprise=steel, year=2000)
    signatory = make_enterprise_user(steel, "steel-sign", Level.SIGNATORY)
    device = TOTPDevice.objects.create(user=signatory, name="phone", confirmed=True)
    client.force_login(signatory)
    sha = signing.digest(signing.canonical(signing.document(report)))
    response = client.post(
        reverse("portal:report_sign", args=[report.pk]),
        {
            "password": PASSWORD,
            "code": f"{_at(device, int(time.time())):06d}",
            "document_sha256": sha,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_by == signatory
    assert report.entered_by == steel_user
    assert Signature.objects.get(report=report).document_sha256 == sha
    # the EPB's queue has it; the EPB verifies it
    assert report in DischargeReport.objects.to_verify_by(epb_user)
    workflow.verify(report, epb_user)
    report.refresh_from_db()
    assert report.status == "verified" and report.verified_by == epb_user


@pytest.mark.django_db
def test_the_epb_still_enters_for_enterprises_without_portal_access(client_as, cement):
    client = client_as("epb_staff")
    response = client.post(entry_url(cement.pk, 2000), grid(action="submit"))
    assert response.status_code == 302
    assert DischargeReport.objects.get(enterprise=cement).status == "submitted"


@pytest.mark.django_db
def test_a_returned_report_is_corrected_and_signed_again(
    client, steel, steel_user, make_enterprise_user, epb_user
):
    client.force_login(steel_user)
    client.post(entry_url(steel.pk, 2000), grid("150"))
    report = DischargeReport.objects.get(enterprise=steel, year=2000)
    signatory = make_enterprise_user(steel, "steel-sign", Level.SIGNATORY)
    device = TOTPDevice.objects.create(user=signatory, name="phone", confirmed=True)

    def sign(ahead: int):
        client.force_login(signatory)
        return client.post(
            reverse("portal:report_sign", args=[report.pk]),
            {
                "password": PASSWORD,
                "code": f"{_at(device, int(time.time()) + ahead * device.step):06d}",
                "document_sha256": signing.digest(signing.canonical(signing.document(report))),
            },
        )

    assert sign(0).status_code == 302
    workflow.return_report(report, epb_user, "COD looks ten times too high")
    client.force_login(steel_user)
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert "COD looks ten times too high" in page
    # The correction is an amendment: its reason first, then the values, then signing.
    client.post(
        reverse("portal:report_amend", args=[report.pk]), {"reason": "COD was 15, not 150."}
    )
    client.post(entry_url(steel.pk, 2000), grid("15"))
    report.refresh_from_db()
    assert report.status == "draft" and report.values.get().amount == 15
    assert sign(1).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    first, second = Signature.objects.filter(report=report).order_by("signed_at", "pk")
    assert '"150"' in first.document and '"15"' in second.document
    assert first.document_sha256 != second.document_sha256
    assert first.hash_matches() and second.hash_matches()
    assert (first.number, second.number) == (1, 2)
    assert second.amendment.reason == "COD was 15, not 150."
