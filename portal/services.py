"""Inviting enterprise users, accepting an invitation, approving and revoking grants.

Each step is one transaction that either does all it says or nothing; what refuses raises a
ValidationError with a message for the user.
"""

from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benxi_cp import roles
from portal.models import Grant, Invitation, Level, token_digest


def invite(
    invitation: Invitation, by, build_absolute_uri, letter=None, letter_type: str = ""
) -> Invitation:
    """Store the invitation and e-mail its single-use link to the invited person."""
    token = invitation.new_token()
    if letter is not None:
        invitation.letter = letter
        invitation.letter_name = letter.name[:200]
        invitation.letter_type = letter_type
        invitation.letter_bytes = letter.size
    invitation.stamp(by)
    with transaction.atomic():
        invitation.save()
        link = build_absolute_uri(reverse("portal:accept", args=[token]))
        send_mail(
            _("Benxi CP: an account for %(enterprise)s") % {"enterprise": invitation.enterprise},
            _(
                "Dear %(name)s,\n\n%(inviter)s invites you to use the Benxi CP enterprise "
                "portal for %(enterprise)s as %(level)s.\n\nOpen this link to choose your "
                "user name and password (it works once, until %(expires)s):\n%(link)s\n\n"
                "If you did not expect this message, ignore it."
            )
            % {
                "name": invitation.full_name,
                "inviter": by.get_full_name() or by.get_username(),
                "enterprise": invitation.enterprise,
                "level": invitation.get_level_display(),
                "expires": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
                "link": link,
            },
            None,
            [invitation.email],
        )
    return invitation


def find_invitation(token: str) -> Invitation:
    """The open invitation of a token; refuses an unknown, used, withdrawn or expired one."""
    invitation = (
        Invitation.objects.select_related("enterprise")
        .filter(token_digest=token_digest(token or ""))
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."), code="unknown")
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has been used already."), code="used")
    if invitation.withdrawn_at is not None:
        raise ValidationError(_("This invitation has been withdrawn."), code="withdrawn")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation has expired; ask the EPB for a new one."), code="expired"
        )
    return invitation


def accept(token: str, username: str, password: str) -> User:
    """Create the invited person's account and grant, and close the invitation: once."""
    with transaction.atomic():
        invitation = find_invitation(token)
        # The row is locked so that the same link cannot make two accounts.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has been used already."), code="used")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This user name is taken; choose another."), code="taken")
        user = User.objects.create_user(
            username=username,
            email=invitation.email,
            password=password,
            first_name=invitation.full_name[:150],
        )
        user.groups.add(Group.objects.get(name=roles.ENTERPRISE_USER))
        grant = Grant(
            user=user,
            enterprise=invitation.enterprise,
            level=invitation.level,
            basis=invitation.basis if invitation.level == Level.SIGNATORY else "",
            letter=invitation.letter.name if invitation.letter else "",
            letter_name=invitation.letter_name,
            letter_type=invitation.letter_type,
            letter_bytes=invitation.letter_bytes,
            created_by=invitation.created_by,
        )
        grant.full_clean(exclude=["letter"])
        grant.save()
        invitation.accepted_at = timezone.now()
        invitation.grant = grant
        invitation.save(update_fields=["accepted_at", "grant", "updated"])
    return user


def approve(grant: Grant, by) -> Grant:
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            raise ValidationError(_("A revoked grant cannot be approved."), code="revoked")
        if grant.level != Level.SIGNATORY:
            raise ValidationError(_("Only signatory grants are approved."), code="level")
        if grant.approved_at is not None:
            raise ValidationError(_("This grant is approved already."), code="approved")
        if grant.user_id == by.pk:
            raise ValidationError(_("Nobody approves their own grant."), code="self")
        grant.approved_at = timezone.now()
        grant.approved_by = by
        grant.stamp(by)
        grant.save()
    return grant


def revoke(grant: Grant, by, reason: str) -> Grant:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for revoking the grant."), code="reason")
    with transaction.atomic():
        grant = Grant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            raise ValidationError(_("This grant is revoked already."), code="revoked")
        grant.revoked_at = timezone.now()
        grant.revoked_by = by
        grant.revoke_reason = reason
        grant.stamp(by)
        grant.save()
    return grant


def withdraw(invitation: Invitation, by) -> Invitation:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.withdrawn_at is not None:
            raise ValidationError(_("This invitation is closed already."), code="closed")
        invitation.withdrawn_at = timezone.now()
        invitation.stamp(by)
        invitation.save()
    return invitation
