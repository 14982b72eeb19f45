"""The signed record: the EPB sees the signature block (and whether the document still
matches its hash); a correction is an amendment, signed again as the next version, with the
versions and their differences on the report's page; each signed version has its copy of
record (a PDF), handed out only while its hashes hold."""

import hashlib
import io
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from benxi_cp import guards
from enterprises.models import DischargeReport, DischargeValue, Pollutant
from portal import amendments, copies, signing
from portal.models import Amendment, CopyOfRecord, Level, Signature
from tests.fixtures import PASSWORD
from tests.portal.test_signing import _at


@pytest.fixture(autouse=True)
def _no_throttle(settings, tmp_path):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def signatory(make_enterprise_user, steel):
    user = make_enterprise_user(steel, "steel-sign", Level.SIGNATORY)
    user.first_name = "周建国"
    user.save()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


@pytest.fixture
def report(steel):
    report = DischargeReport.objects.create(enterprise=steel, year=2000)
    DischargeValue.objects.create(
        report=report,
        pollutant=Pollutant.objects.get(code="COD"),
        amount=Decimal("120.5"),
        basis="measured_sampling",
    )
    return report


def sign(report, user) -> Signature:
    """Sign with a fresh one-time code (each code is good once)."""
    report.refresh_from_db()
    device = TOTPDevice.objects.get(user=user)
    device.last_t = -1
    device.save()
    code = f"{_at(device, int(time.time())):06d}"
    sha = signing.digest(signing.canonical(signing.document(report)))
    return signing.sign(report, user, PASSWORD, code, sha)


def amend(report, user, reason: str, cod: str) -> Amendment:
    report.refresh_from_db()
    amendment = amendments.start(report, user, reason)
    DischargeValue.objects.filter(report=report, pollutant__code="COD").update(amount=Decimal(cod))
    return amendment


@pytest.mark.django_db
def test_the_epb_sees_the_signature_block_and_whether_the_document_matches(
    client, epb_verifier, signatory, report
):
    signature = sign(report, signatory)
    client.force_login(epb_verifier)
    for url in (
        reverse("enterprises:report_detail", args=[report.pk]),
        reverse("enterprises:report_verify", args=[report.pk]),
    ):
        page = client.get(url).content.decode()
        assert 'id="signature-block"' in page and signature.document_sha256 in page
        assert "周建国" in page and "2026-1" in page and "password and one-time code" in page
        assert "matches its hash" in page and "does NOT match" not in page
        assert reverse("portal:copy_of_record", args=[signature.pk]) in page
    # Changed below every guard (as by someone with the database's keys): the page says so.
    with transaction.atomic(), guards.suspended():
        Signature.objects.filter(pk=signature.pk).update(document=signature.document + " ")
    page = client.get(reverse("enterprises:report_detail", args=[report.pk])).content.decode()
    assert "does NOT match its hash" in page
    response = client.get(reverse("portal:copy_of_record", args=[signature.pk]))
    assert response.status_code == 409 and "no longer matches" in response.content.decode()


@pytest.mark.django_db
def test_an_unsigned_report_has_no_signed_record(client, epb_user, report):
    client.force_login(epb_user)
    page = client.get(reverse("enterprises:report_detail", args=[report.pk])).content.decode()
    assert 'id="signature-block"' not in page


@pytest.mark.django_db
def test_an_amendment_is_signed_as_the_next_version_and_shows_its_differences(
    client, make_enterprise_user, steel, signatory, report, epb_user, django_assert_max_num_queries
):
    preparer = make_enterprise_user(steel, "steel-prep", Level.PREPARER)
    first = sign(report, signatory)
    client.force_login(preparer)
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert 'id="amend-form"' in page and "v1" in page
    url = reverse("portal:report_amend", args=[report.pk])
    # No reason, no amendment.
    response = client.post(url, {"reason": "   "}, follow=True)
    assert "Say why the report is amended" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted" and not Amendment.objects.exists()
    client.force_login(signatory)
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert 'id="sign-link"' not in page
    client.force_login(preparer)
    # Signing again without an amendment is refused, even once the EPB returned it.
    report.status = "returned"
    report.save()
    assert "an amendment" in signing.refusal(signatory, report)
    client.post(url, {"reason": "COD was typed with a wrong decimal point."})
    report.refresh_from_db()
    assert report.status == "draft"
    amendment = Amendment.objects.get()
    assert amendment.number == 2 and amendment.signature is None
    assert report.history.first().history_change_reason.startswith("amend: COD was typed")
    client.force_login(signatory)
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert 'id="sign-link"' in page and 'id="open-amendment"' in page
    client.force_login(preparer)
    # A second amendment while this one is open is refused.
    response = client.post(url, {"reason": "again"}, follow=True)
    assert "open already" in response.content.decode()
    DischargeValue.objects.filter(report=report).update(amount=Decimal("12.05"))
    second = sign(report, signatory)
    assert (first.number, second.number) == (1, 2)
    amendment.refresh_from_db()
    assert amendment.signature == second and '"amendment_reason"' in second.document
    assert first.hash_matches() and '"120.5"' in Signature.objects.get(pk=first.pk).document
    (row,) = amendments.differences(first, second)
    assert (row.old, row.new, row.period) == ("120.5", "12.05", "2000")

    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert 'id="versions"' in page and "COD was typed with a wrong decimal point." in page
    assert 'id="differences"' in page and "120.5" in page and "12.05" in page
    client.force_login(epb_user)
    with django_assert_max_num_queries(60):
        page = client.get(reverse("enterprises:report_detail", args=[report.pk]))
    assert second.document_sha256 in page.content.decode()


@pytest.mark.django_db
def test_who_may_not_amend_changes_nothing(
    client, make_enterprise_user, steel, cement, signatory, report
):
    viewer = make_enterprise_user(steel, "steel-view", Level.VIEWER)
    outsider = make_enterprise_user(cement, "cement-prep", Level.PREPARER)
    url = reverse("portal:report_amend", args=[report.pk])
    client.force_login(outsider)
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(viewer)
    response = client.post(url, {"reason": "x"}, follow=True)
    assert "preparers and signatories" in response.content.decode()
    sign(report, signatory)
    report.refresh_from_db()
    report.status = "verified"
    report.save()
    with pytest.raises(Exception, match="ask the EPB to unlock"):
        amendments.start(report, signatory, "late correction")
    assert not Amendment.objects.exists()


@pytest.mark.django_db
def test_the_database_keeps_version_numbers_unique_per_report(signatory, report):
    first = sign(report, signatory)
    copy = {
        field.attname: getattr(first, field.attname)
        for field in Signature._meta.concrete_fields
        if not field.primary_key
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(**copy)
    with pytest.raises(IntegrityError), transaction.atomic():
        Amendment.objects.create(report=report, number=2, reason="")


@pytest.mark.django_db
def test_the_copy_of_record_prints_what_was_signed_and_is_checked_on_download(
    client, make_enterprise_user, cement, epb_user, signatory, report
):
    signature = sign(report, signatory)
    copy = CopyOfRecord.objects.get(signature=signature)
    stored = copy.file.read()
    copy.file.close()
    assert hashlib.sha256(stored).hexdigest() == copy.file_sha256
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(stored)).pages)
    assert signature.document_sha256 in "".join(text.split())  # the hash may wrap
    for shown in ("120.5", "S-1", "2026-1", "I certify under penalty", "周建国", "溪城钢铁厂"):
        assert shown in text.replace("\n", " "), shown
    url = reverse("portal:copy_of_record", args=[signature.pk])
    client.force_login(signatory)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == copy.file_sha256
    client.force_login(epb_user)
    assert client.get(url).status_code == 200
    client.force_login(make_enterprise_user(cement, "cement-prep", Level.PREPARER))
    assert client.get(url).status_code == 404
    # A file changed on the disk is not handed out.
    with open(copy.file.path, "ab") as handle:
        handle.write(b"%tampered")
    client.force_login(signatory)
    response = client.get(url)
    assert response.status_code == 409 and b"%PDF" not in response.content
    assert "copy-mismatch" in response.content.decode()


@pytest.mark.django_db
def test_a_missing_copy_is_made_on_the_first_download(client, signatory, report):
    signature = sign(report, signatory)
    CopyOfRecord.objects.all().delete()
    client.force_login(signatory)
    response = client.get(reverse("portal:copy_of_record", args=[signature.pk]))
    assert response.status_code == 200 and CopyOfRecord.objects.filter(signature=signature).exists()


@pytest.mark.django_db
def test_a_copy_that_fails_to_render_leaves_the_submission_standing(
    client, monkeypatch, signatory, report
):
    real = copies.render
    monkeypatch.setattr(copies, "render", lambda signature: 1 / 0)
    signature = sign(report, signatory)
    report.refresh_from_db()
    assert report.status == "submitted" and not CopyOfRecord.objects.exists()
    monkeypatch.setattr(copies, "render", real)
    client.force_login(signatory)
    response = client.get(reverse("portal:copy_of_record", args=[signature.pk]))
    assert response.status_code == 200 and CopyOfRecord.objects.filter(signature=signature).exists()
