"""The EPB's review of what enterprises sign: the received submissions wait in the verify
queue, oldest first, and never for their signatory; each report's page says who entered its
values and who certified them; a returned report shows the EPB's reason to the enterprise."""

import datetime
import time

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises import workflow, worklist
from enterprises.models import DischargeReport, entry_url
from portal import signing
from portal.models import Level, Signature
from tests.fixtures import PASSWORD
from tests.portal.test_entry import grid
from tests.portal.test_signing import _at


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def signatory(make_enterprise_user, steel):
    user = make_enterprise_user(steel, "steel-sign", Level.SIGNATORY)
    user.first_name = "Zhou Jianguo"
    user.save()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def enter(client, user, enterprise, year, amount="150") -> DischargeReport:
    client.force_login(user)
    assert client.post(entry_url(enterprise.pk, year), grid(amount)).status_code == 302
    return DischargeReport.objects.get(enterprise=enterprise, year=year)


def sign(report: DischargeReport, user, step: int = 0) -> Signature:
    device = TOTPDevice.objects.get(user=user)
    return signing.sign(
        report,
        user,
        PASSWORD,
        f"{_at(device, int(time.time()) + step * device.step):06d}",
        signing.digest(signing.canonical(signing.document(report))),
    )


@pytest.mark.django_db
def test_signed_submissions_wait_for_the_epb_oldest_first_never_for_their_signatory(
    client, steel, steel_user, signatory, epb_user
):
    newer = enter(client, steel_user, steel, 2001)
    older = enter(client, steel_user, steel, 2000)
    sign(newer, signatory, 0)
    sign(older, signatory, 1)
    # The older submission reached the EPB first.
    DischargeReport.objects.filter(pk=older.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=3)
    )
    batch = worklist.awaiting_verification(epb_user, timezone.localdate())
    assert [item.url for item in batch] == [
        reverse("enterprises:report_verify", args=[report.pk]) for report in (older, newer)
    ]
    assert batch.total == 2
    # The signatory, even were they given the EPB's permission, never verifies what they
    # signed: not in their queue, refused by the workflow.
    signatory.user_permissions.add(Permission.objects.get(codename="verify_dischargereport"))
    signatory = type(signatory).objects.get(pk=signatory.pk)
    assert not DischargeReport.objects.to_verify_by(signatory).exists()
    with pytest.raises(workflow.DutiesRefused):
        workflow.verify(newer, signatory)
    newer.refresh_from_db()
    assert newer.status == "submitted" and newer.verified_by is None
    workflow.verify(newer, epb_user)
    newer.refresh_from_db()
    assert newer.status == "verified" and newer.verified_by == epb_user


@pytest.mark.django_db
def test_each_report_page_says_who_entered_and_who_certified_it(
    client, steel, steel_user, signatory, epb_user, make_enterprise_user
):
    steel_user.first_name = "Sun Li"
    steel_user.save()
    report = enter(client, steel_user, steel, 2000)
    client.force_login(steel_user)
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert "Sun Li" in page and "not signed yet" in page
    client.force_login(epb_user)
    page = client.get(reverse("enterprises:report_detail", args=[report.pk])).content.decode()
    assert 'id="not-certified"' in page and 'id="signed-by"' not in page

    sign(report, signatory)
    for url, user in (
        (reverse("portal:report", args=[report.pk]), steel_user),
        (reverse("enterprises:report_detail", args=[report.pk]), epb_user),
        (reverse("enterprises:report_verify", args=[report.pk]), epb_user),
    ):
        client.force_login(user)
        page = client.get(url).content.decode()
        entered = page.split('id="entered-by">')[1].split("</dd>")[0]
        certified = page.split('id="signed-by">')[1].split("</dd>")[0]
        assert "Sun Li" in entered and "Zhou Jianguo" in certified, url
        assert 'id="not-certified"' not in page

    # An amendment entered by another preparer: each version names who entered its values.
    workflow.return_report(report, epb_user, "COD looks ten times too high")
    other = make_enterprise_user(steel, "steel-prep2")
    other.first_name = "Wu Jing"
    other.save()
    client.force_login(other)
    client.post(reverse("portal:report_amend", args=[report.pk]), {"reason": "COD was 15."})
    enter(client, other, steel, 2000, "15")
    sign(report, signatory, 1)
    client.force_login(epb_user)
    page = client.get(reverse("enterprises:report_detail", args=[report.pk])).content.decode()
    assert "Wu Jing" in page.split('id="entered-by">')[1].split("</dd>")[0]
    rows = page.split('id="versions"')[1].split("</tbody>")[0].split("<tr>")[2:]
    assert "Sun Li" in rows[0] and "Wu Jing" in rows[1]


@pytest.mark.django_db
def test_a_returned_report_shows_the_epbs_reason_to_the_enterprise(
    client, steel, steel_user, signatory, epb_user
):
    report = enter(client, steel_user, steel, 2000)
    sign(report, signatory)
    workflow.return_report(report, epb_user, "Ammonia nitrogen is missing")
    client.force_login(steel_user)
    home = client.get(reverse("portal:home")).content.decode()
    page = client.get(reverse("portal:report", args=[report.pk])).content.decode()
    assert "Ammonia nitrogen is missing" in home and "Ammonia nitrogen is missing" in page
    assert 'id="return-reason"' in page
