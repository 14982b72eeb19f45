"""Inviting enterprise users: single-use, expiring links; signatories' letters, the EPB's
approval and revocation."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from benxi_cp import roles, scoping
from portal.models import Grant, Invitation, Level

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def log_out(client):
    client.logout()  # which forgets the cookies: the language too
    client.cookies["django_language"] = "en"


def invite(client, enterprise, level="preparer", **extra):
    data = {
        "full_name": "孙丽",
        "email": "sun.li@example.com",
        "enterprise": enterprise.pk,
        "level": level,
        "basis": "",
        **extra,
    }
    return client.post(reverse("portal:invite"), data)


def link_of(message) -> str:
    return re.search(r"https?://\S+/portal/invitations/\S+/", message.body).group(0)


def accept(client, link, username="sunli", password="a-Long-pass-4321"):
    path = link.split("testserver", 1)[1]
    return client.post(path, {"username": username, "password1": password, "password2": password})


@pytest.mark.django_db
def test_epb_invites_and_the_link_makes_one_account_once(client, client_as, steel):
    staff = client_as(roles.EPB_STAFF)
    response = invite(staff, steel)
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sun.li@example.com"]
    link = link_of(mail.outbox[0])
    invitation = Invitation.objects.get()
    assert link.rstrip("/").rsplit("/", 1)[1] not in invitation.token_digest  # only a digest
    log_out(staff)

    page = client.get(link.split("testserver", 1)[1])
    assert page.status_code == 200 and "Xicheng Steel" in page.content.decode()
    response = accept(client, link)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    user = User.objects.get(username="sunli")
    assert user.email == "sun.li@example.com"
    assert roles.role_of(user) == roles.ENTERPRISE_USER
    grant = Grant.objects.get(user=user)
    assert (grant.enterprise, grant.level, grant.is_active) == (steel, Level.PREPARER, True)
    assert scoping.enterprise_ids(user) == {steel.pk}
    # logged in, on their own page
    assert "Xicheng Steel" in client.get(reverse("portal:home")).content.decode()

    log_out(client)
    again = accept(client, link, username="other")
    assert again.status_code == 410
    assert "used already" in again.content.decode()
    assert not User.objects.filter(username="other").exists()


@pytest.mark.django_db
def test_an_expired_or_withdrawn_or_unknown_link_makes_nothing(client, client_as, steel):
    staff = client_as(roles.EPB_STAFF)
    invite(staff, steel)
    invite(staff, steel, email="second@example.com")
    first, second = (link_of(message) for message in mail.outbox)
    expired = Invitation.objects.get(email="sun.li@example.com")
    expired.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    expired.save()
    withdrawn = Invitation.objects.get(email="second@example.com")
    assert staff.post(reverse("portal:invitation_withdraw", args=[withdrawn.pk])).status_code == 302
    log_out(staff)
    assert "expired" in accept(client, first).content.decode()
    assert "withdrawn" in accept(client, second, username="x2").content.decode()
    unknown = client.get(reverse("portal:accept", args=["no-such-token"]))
    assert unknown.status_code == 410 and "not valid" in unknown.content.decode()
    assert not User.objects.filter(username__in=["sunli", "x2"]).exists()
    assert not Grant.objects.exists()


@pytest.mark.django_db
def test_there_is_no_open_registration(client, client_as, steel):
    # Only staff with the right invite; an enterprise user or anonymous visitor cannot.
    assert client.get(reverse("portal:invite")).status_code == 302  # to the log-in page
    for role in (roles.AUDITOR, roles.LEADERSHIP):
        assert invite(client_as(role), steel).status_code == 403
    assert not Invitation.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_a_signatory_needs_a_basis_and_an_authorised_one_the_letter(client_as, steel):
    staff = client_as(roles.ADMINISTRATOR)
    response = invite(staff, steel, level="signatory")
    assert response.status_code == 200 and "legal representative" in response.content.decode()
    response = invite(staff, steel, level="signatory", basis="authorised")
    assert response.status_code == 200 and "letter of authorisation" in response.content.decode()
    fake = SimpleUploadedFile("letter.pdf", b"not a pdf", content_type="application/pdf")
    response = invite(staff, steel, level="signatory", basis="authorised", letter_file=fake)
    assert response.status_code == 200 and "does not match" in response.content.decode()
    assert not Invitation.objects.exists()
    letter = SimpleUploadedFile("授权书.pdf", PDF, content_type="application/pdf")
    response = invite(staff, steel, level="signatory", basis="authorised", letter_file=letter)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.letter_name == "授权书.pdf" and invitation.letter_type == "application/pdf"


@pytest.mark.django_db
def test_the_epb_approves_a_signatory_and_may_revoke_any_grant(client, client_as, steel):
    staff = client_as(roles.EPB_STAFF)
    letter = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    invite(staff, steel, level="signatory", basis="authorised", letter_file=letter)
    link = link_of(mail.outbox[0])
    log_out(staff)
    accept(client, link)
    grant = Grant.objects.get()
    user = grant.user
    # Until approved the signatory acts for no enterprise.
    assert not grant.is_active and scoping.enterprise_ids(User.objects.get(pk=user.pk)) == set()
    assert "no enterprise" in client.get(reverse("portal:home")).content.decode()
    # The enterprise's own user reads the letter; the EPB too.
    letter_url = reverse("portal:grant_letter", args=[grant.pk])
    client.force_login(User.objects.get(username=f"{roles.EPB_STAFF}-user"))
    page = client.get(reverse("portal:grants")).content.decode()
    assert "Signatories awaiting approval" in page or "待批准" in page
    download = client.get(letter_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client.post(reverse("portal:grant_approve", args=[grant.pk])).status_code == 302
    grant.refresh_from_db()
    assert grant.is_active and grant.approved_by.username == f"{roles.EPB_STAFF}-user"
    assert scoping.enterprise_ids(User.objects.get(pk=user.pk)) == {steel.pk}

    # Revoking needs a reason; then the grant counts for nothing.
    client.post(reverse("portal:grant_revoke", args=[grant.pk]), {"reason": ""})
    grant.refresh_from_db()
    assert grant.revoked_at is None
    client.post(reverse("portal:grant_revoke", args=[grant.pk]), {"reason": "Left the firm"})
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoke_reason == "Left the firm"
    assert scoping.enterprise_ids(User.objects.get(pk=user.pk)) == set()


@pytest.mark.django_db
def test_only_the_epb_and_the_office_approve(client_as, make_enterprise_user, steel):
    signatory = make_enterprise_user(steel, "steel-sign", Level.SIGNATORY, approved=False)
    grant = Grant.objects.get(user=signatory)
    for role in (roles.AUDITOR, roles.LEADERSHIP):
        response = client_as(role).post(reverse("portal:grant_approve", args=[grant.pk]))
        assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.approved_at is None


@pytest.mark.django_db
def test_a_preparer_grant_has_no_letter_and_is_not_approved(client_as, steel):
    staff = client_as(roles.EPB_STAFF)
    letter = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    response = invite(staff, steel, letter_file=letter)
    assert response.status_code == 200 and not Invitation.objects.exists()
