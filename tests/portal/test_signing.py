"""Signing is the submission: the exact document and statement, password and a one-time code
never accepted twice, a copy of the document with its SHA-256, an acknowledgement; five
failures lock signing until the EPB unlocks it; a signature never changes."""

import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import DatabaseError, transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises.models import DischargeReport, DischargeValue, Pollutant
from portal import amendments, signing
from portal.models import Grant, Level, Signature
from tests.fixtures import PASSWORD


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def signatory(make_enterprise_user, steel, epb_user):
    user = make_enterprise_user(steel, "steel-sign", Level.SIGNATORY)
    user.email = "sign@steel.example"
    user.save()
    epb_user.email = "epb@benxi.example"
    epb_user.save()
    Grant.objects.filter(user=user).update(created_by=epb_user)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


@pytest.fixture
def draft(steel):
    report = DischargeReport.objects.create(enterprise=steel, year=2000)
    DischargeValue.objects.create(
        report=report,
        pollutant=Pollutant.objects.get(code="COD"),
        amount=Decimal("120.5"),
        basis="measured_sampling",
    )
    return report


def code(user, ahead: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    at = int(time.time()) + ahead * device.step
    return f"{_at(device, at):06d}"


def _at(device, at: int) -> int:
    from django_otp.oath import TOTP

    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = at
    return generator.token()


def post_sign(client, report, password=PASSWORD, otp="000000", sha=None):
    sha = sha or signing.digest(signing.canonical(signing.document(report)))
    return client.post(
        reverse("portal:report_sign", args=[report.pk]),
        {"password": password, "code": otp, "document_sha256": sha},
        HTTP_USER_AGENT="Pytest browser",
    )


@pytest.mark.django_db
def test_the_signatory_signs_and_the_report_is_submitted_with_its_copy(
    client, signatory, draft, epb_user
):
    client.force_login(signatory)
    page = client.get(reverse("portal:report_sign", args=[draft.pk])).content.decode()
    expected = signing.digest(signing.canonical(signing.document(draft)))
    assert "I certify under penalty of law" in page and expected in page and "120.5" in page
    response = post_sign(client, draft, otp=code(signatory))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_by == signatory
    signature = Signature.objects.get(report=draft)
    assert signature.signer == signatory and signature.grant.user == signatory
    assert signature.document_sha256 == expected and signature.hash_matches()
    assert signature.statement_version == "2026-1" and signature.method == "password+totp"
    assert signature.user_agent == "Pytest browser" and signature.ip_address == "127.0.0.1"
    assert '"COD"' in signature.document and '"120.5"' in signature.document
    (ack,) = mail.outbox  # the register has no contact address for this enterprise
    assert ack.to == ["sign@steel.example"]
    assert expected in ack.body and "steel-sign" in ack.body
    assert expected in client.get(reverse("portal:report", args=[draft.pk])).content.decode()


@pytest.mark.django_db
def test_a_code_is_never_accepted_twice_and_a_wrong_password_fails(client, signatory, draft):
    client.force_login(signatory)
    used = code(signatory)
    device = TOTPDevice.objects.get(user=signatory)
    assert device.verify_token(used)  # used once (say, a moment ago)
    response = post_sign(client, draft, otp=used)
    assert response.status_code == 400 and "used already" in response.content.decode()
    response = post_sign(client, draft, password="wrong", otp=code(signatory, 1))
    assert response.status_code == 400 and "password is not right" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft" and not Signature.objects.exists() and not mail.outbox
    assert Grant.objects.get(user=signatory).signing_failures == 2


@pytest.mark.django_db
def test_five_failures_lock_signing_until_the_epb_unlocks(client, epb_user, signatory, draft):
    client.force_login(signatory)
    for _attempt in range(5):
        post_sign(client, draft, password="wrong", otp="123456")
    grant = Grant.objects.get(user=signatory)
    assert grant.signing_locked
    response = post_sign(client, draft, otp=code(signatory))
    assert response.status_code == 400 and "locked" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.force_login(epb_user)
    assert "Unlock signing" in client.get(reverse("portal:grants")).content.decode()
    client.post(reverse("portal:grant_unlock_signing", args=[grant.pk]))
    client.force_login(signatory)
    assert post_sign(client, draft, otp=code(signatory, 1)).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"


@pytest.mark.django_db
def test_who_may_not_sign_signs_nothing(
    client, make_enterprise_user, signatory, steel, cement, draft
):
    preparer = make_enterprise_user(steel, "steel-prep", Level.PREPARER)
    TOTPDevice.objects.create(user=preparer, name="phone", confirmed=True)
    client.force_login(preparer)
    page = client.get(reverse("portal:report_sign", args=[draft.pk])).content.decode()
    assert "Only an approved signatory" in page and 'id="sign-form"' not in page
    assert post_sign(client, draft, otp=code(preparer)).status_code == 400
    # another enterprise's report is not found
    other = DischargeReport.objects.create(enterprise=cement, year=2000)
    client.force_login(signatory)
    assert client.get(reverse("portal:report_sign", args=[other.pk])).status_code == 404
    assert post_sign(client, other, otp=code(signatory)).status_code == 404
    # a revoked grant signs nothing
    Grant.objects.filter(user=signatory).update(revoked_at=draft.created)
    assert post_sign(client, draft, otp=code(signatory, 1)).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft" and not Signature.objects.exists()


@pytest.mark.django_db
def test_a_verified_report_or_a_changed_document_is_not_signed(client, signatory, draft):
    client.force_login(signatory)
    shown = signing.digest(signing.canonical(signing.document(draft)))
    DischargeValue.objects.filter(report=draft).update(amount=Decimal("99"))
    response = post_sign(client, draft, otp=code(signatory), sha=shown)
    assert (
        response.status_code == 400 and "changed since you opened it" in response.content.decode()
    )
    draft.status = "submitted"
    draft.save()
    response = post_sign(client, draft, otp=code(signatory, 1))
    assert response.status_code == 400 and "Only a draft or returned" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_to_change_a_signature(client, signatory, draft):
    client.force_login(signatory)
    post_sign(client, draft, otp=code(signatory))
    signature = Signature.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Signature.objects.filter(pk=signature.pk).update(document_sha256="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():
        Signature.objects.filter(pk=signature.pk).delete()
    assert Signature.objects.get().hash_matches()


@pytest.mark.django_db
def test_enrolment_draws_a_qr_code_and_a_code_confirms_it(client, make_enterprise_user, steel):
    user = make_enterprise_user(steel, "new-sign", Level.SIGNATORY)
    client.force_login(user)
    page = client.get(reverse("portal:two_factor")).content.decode()
    assert "<svg" in page and 'id="secret"' in page
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    response = client.post(reverse("portal:two_factor"), {"code": "000000"})
    assert "not right" in response.content.decode()
    response = client.post(
        reverse("portal:two_factor"), {"code": f"{_at(device, int(time.time())):06d}"}
    )
    assert response.status_code == 200 and TOTPDevice.objects.get(user=user).confirmed
    codes = response.context["codes"]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)


@pytest.mark.django_db
def test_a_recovery_code_signs_once(client, make_enterprise_user, steel, draft):
    user = make_enterprise_user(steel, "new-sign", Level.SIGNATORY)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=False)
    codes = signing.confirm(device, f"{_at(device, int(time.time())):06d}")
    client.force_login(user)
    assert post_sign(client, draft, otp=codes[0]).status_code == 302
    assert Signature.objects.get().method == "password+recovery_code"
    draft.refresh_from_db()
    amendments.start(draft, user, "The COD figure was a typing error.")
    response = post_sign(client, draft, otp=codes[0])
    assert response.status_code == 400 and "used already" in response.content.decode()
    assert post_sign(client, draft, otp=codes[1]).status_code == 302


@pytest.mark.django_db
def test_a_serious_flag_is_explained_before_signing_and_the_explanation_is_signed(
    client, signatory, draft
):
    from enterprises.models import ReliabilityFlag

    flag = ReliabilityFlag.objects.create(report=draft, code="outlier", severity="serious")
    client.force_login(signatory)
    page = client.get(reverse("portal:report_sign", args=[draft.pk])).content.decode()
    assert f'name="explain_{flag.pk}"' in page
    response = post_sign(client, draft, otp=code(signatory))
    assert response.status_code == 400 and not Signature.objects.exists()
    sha = signing.digest(signing.canonical(signing.document(draft)))
    response = client.post(
        reverse("portal:report_sign", args=[draft.pk]),
        {
            "password": PASSWORD,
            "code": code(signatory, 1),
            "document_sha256": sha,
            f"explain_{flag.pk}": "   ",
        },
    )
    assert response.status_code == 400 and not Signature.objects.exists()
    response = client.post(
        reverse("portal:report_sign", args=[draft.pk]),
        {
            "password": PASSWORD,
            "code": code(signatory, 1),
            "document_sha256": sha,
            f"explain_{flag.pk}": "The kiln was relined in March: a real change.",
        },
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert "The kiln was relined in March" in signature.document and signature.hash_matches()
