"""A signed submission never changes, at every level: the model, the entry grid, the importer,
the API and raw SQL (the database's trigger, portal/locks.py); a correction is an amendment,
after which the values are the enterprise's to correct again."""

import time
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from api.models import ApiToken
from benxi_cp import roles
from enterprises import workflow
from enterprises.importers import DischargeImporter
from enterprises.models import DischargeReport, DischargeValue, Pollutant, entry_url
from portal import amendments, signing
from portal.models import Level, Signature
from tests.fixtures import PASSWORD
from tests.portal.test_entry import grid
from tests.portal.test_signing import _at


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def signed(make_enterprise_user, steel) -> DischargeReport:
    """S-1's 2000 report, COD 120.5, signed by its signatory: submitted."""
    report = DischargeReport.objects.create(
        enterprise=steel, year=2000, output_10k_yuan=Decimal("500")
    )
    DischargeValue.objects.create(
        report=report,
        pollutant=Pollutant.objects.get(code="COD"),
        amount=Decimal("120.5"),
        basis="measured_sampling",
    )
    user = make_enterprise_user(steel, "steel-sign", Level.SIGNATORY)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    signing.sign(
        report,
        user,
        PASSWORD,
        f"{_at(device, int(time.time())):06d}",
        signing.digest(signing.canonical(signing.document(report))),
    )
    report.refresh_from_db()
    assert report.status == "submitted"
    return report


def unchanged(report: DischargeReport) -> bool:
    report.refresh_from_db()
    signature = Signature.objects.get(report=report)
    return (
        report.values.get().amount == Decimal("120.5")
        and report.output_10k_yuan == 500
        and signature.hash_matches()
        and '"120.5"' in signature.document
    )


@pytest.mark.django_db
def test_the_model_refuses_to_change_a_signed_submission(signed, epb_user):
    value = signed.values.get()
    value.amount = Decimal("1")
    with pytest.raises(DatabaseError), transaction.atomic():
        value.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        signed.values.get().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        DischargeValue.objects.create(
            report=signed, pollutant=Pollutant.objects.get(code="SO2"), amount=1
        )
    signed.output_10k_yuan = 1
    with pytest.raises(DatabaseError), transaction.atomic():
        signed.save()
    signature = Signature.objects.get(report=signed)
    signature.document = signature.document.replace("120.5", "1")
    with pytest.raises(DatabaseError), transaction.atomic():
        signature.save()
    assert unchanged(signed)
    # Returned by the EPB, it is still what was signed: the enterprise amends it.
    workflow.return_report(signed, epb_user, "COD is too high")
    with pytest.raises(DatabaseError), transaction.atomic():
        DischargeValue.objects.filter(report=signed).update(amount=2)
    assert unchanged(signed)


@pytest.mark.django_db
def test_the_entry_grid_refuses_to_change_a_signed_submission(client_as, signed):
    client = client_as(roles.EPB_STAFF)
    client.cookies["django_language"] = "en"
    response = client.post(entry_url(signed.enterprise_id, 2000), grid("1"), follow=True)
    assert response.status_code == 200
    assert "A signed submission cannot change" in response.content.decode()
    assert unchanged(signed)


@pytest.mark.django_db
def test_the_importer_refuses_to_change_a_signed_submission(epb_user, signed):
    content = (
        b"enterprise_code,year,period,pollutant,amount,unit,basis,output_10k_yuan\n"
        b"S-1,2000,Y,COD,1,t,measured_sampling,\n"
    )
    result = DischargeImporter(user=epb_user).run(content, "values.csv", dry_run=False)
    assert not result.ok
    assert "signed submission cannot change" in str(result.errors)
    assert unchanged(signed)


@pytest.mark.django_db
def test_the_api_refuses_to_change_a_signed_submission(epb_user, signed):
    _token, key = ApiToken.issue(epb_user, "test")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    body = {
        "reports": [
            {
                "enterprise_code": "S-1",
                "year": 2000,
                "period": "",
                "values": [{"pollutant": "COD", "amount": "1", "basis": "calculated"}],
            }
        ]
    }
    response = api.post("/api/v1/discharge-reports/batch/", body, format="json")
    assert response.status_code in (400, 409), response.content
    assert "signed submission cannot change" in response.content.decode()
    assert unchanged(signed)


@pytest.mark.django_db
def test_raw_sql_cannot_change_a_signed_submission(signed):
    value = signed.values.get()
    statements = [
        ("UPDATE enterprises_dischargevalue SET amount = 1 WHERE id = %s", [value.pk]),
        ("DELETE FROM enterprises_dischargevalue WHERE id = %s", [value.pk]),
        ("UPDATE enterprises_dischargereport SET output_10k_yuan = 1 WHERE id = %s", [signed.pk]),
        (
            "UPDATE portal_signature SET document_sha256 = %s WHERE report_id = %s",
            ["0" * 64, signed.pk],
        ),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert unchanged(signed)


@pytest.mark.django_db
def test_an_amendment_lets_the_enterprise_correct_the_values(client, signed, steel_user):
    amendments.start(signed, steel_user, "COD was 12.05, a misplaced point.")
    client.force_login(steel_user)
    assert client.post(entry_url(signed.enterprise_id, 2000), grid("12.05")).status_code == 302
    signed.refresh_from_db()
    assert signed.status == "draft" and signed.values.get().amount == Decimal("12.05")
    # What was signed stays as it was signed.
    signature = Signature.objects.get(report=signed)
    assert signature.hash_matches() and '"120.5"' in signature.document


@pytest.mark.django_db
def test_a_returned_signed_submission_is_not_submitted_again_unsigned(client, signed, epb_user):
    """Returned, it goes back to the EPB only as an amendment signed again: the EPB's submit is
    refused with the app's message, and so is the same change by raw SQL."""
    workflow.return_report(signed, epb_user, "COD looks ten times too high.")
    client.force_login(epb_user)
    response = client.post(reverse("enterprises:report_submit", args=[signed.pk]), follow=True)
    assert response.status_code == 200
    assert "a correction is an amendment" in response.content.decode()
    signed.refresh_from_db()
    assert signed.status == "returned"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_dischargereport SET status = 'submitted' WHERE id = %s",
            [signed.pk],
        )
    assert unchanged(signed)
