"""Demo enterprise users: a preparer and an approved signatory for one enterprise, a viewer for
another. Their passwords are printed with the other demo logins."""

import base64

from django.contrib.auth.models import Group, User
from django.db.models import Count
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from benxi_cp import roles
from enterprises.models import Enterprise
from portal.models import Basis, Grant, Level

# username, password, full name, which of the two enterprises (0 or 1), level
DEMO_USERS = [
    ("firm1", "benxi-firm1", "孙丽 (Sun Li)", 0, Level.PREPARER),
    ("firm1sign", "benxi-firm1sign", "周建国 (Zhou Jianguo)", 0, Level.SIGNATORY),
    ("firm2", "benxi-firm2", "吴静 (Wu Jing)", 1, Level.VIEWER),
]


# The demo signatory's one-time code key (RFC 6238's test key): printed for the demo only,
# so that an authenticator app can be set up with it.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def demo_secret() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode("ascii")


def demo_enterprises() -> list[Enterprise]:
    """The first two demo enterprises (by code) with both discharge reports and an audit."""
    return list(
        Enterprise.objects.filter(code__startswith="DEMO-")
        .annotate(reports=Count("discharge_reports", distinct=True), cp=Count("audits"))
        .filter(reports__gt=0, cp__gt=0)
        .order_by("code")[:2]
    )


def foreign_records(loaded: bool) -> dict[str, int]:
    """Enterprise users the demo did not make: all of them in a database it was never loaded
    into, else those outside DEMO_USERS."""
    users = User.objects.filter(groups__name=roles.ENTERPRISE_USER)
    if loaded:
        users = users.exclude(username__in=[row[0] for row in DEMO_USERS])
    return {"enterprise users": users.count()}


def load(stdout) -> None:
    enterprises = demo_enterprises()
    if len(enterprises) < 2:
        stdout.write("Demo enterprise users: skipped (no demo enterprises with reports).")
        return
    group = Group.objects.get(name=roles.ENTERPRISE_USER)
    approver = User.objects.filter(username="epb").first()
    for username, password, full_name, which, level in DEMO_USERS:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": full_name,
                "last_name": "",
                "is_staff": False,
                "email": f"{username}@example.com",
            },
        )
        user.set_password(password)
        user.save()
        user.groups.set([group])
        signatory = level == Level.SIGNATORY
        TOTPDevice.objects.filter(user=user).delete()
        if signatory:
            TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
        # The grant is kept (its signatures refer to it), and set as the demo has it.
        Grant.objects.filter(user=user, revoked_at__isnull=True).exclude(
            enterprise=enterprises[which]
        ).update(revoked_at=timezone.now(), revoke_reason="load_demo")
        grant = Grant.objects.filter(
            user=user, enterprise=enterprises[which], revoked_at__isnull=True
        ).first() or Grant(user=user, enterprise=enterprises[which])
        grant.level = level
        grant.basis = Basis.LEGAL_REPRESENTATIVE if signatory else ""
        grant.approved_at = timezone.now() if signatory else None
        grant.approved_by = approver if signatory else None
        grant.created_by = grant.created_by or approver
        grant.signing_failures = 0
        grant.save()
    stdout.write(
        f"Demo enterprise users: {len(DEMO_USERS)}, for {enterprises[0].code} and "
        f"{enterprises[1].code}."
    )


def print_logins(stdout) -> None:
    enterprises = demo_enterprises()
    for username, password, _name, which, level in DEMO_USERS:
        where = enterprises[which].code if len(enterprises) > which else "?"
        stdout.write(f"  {username:<9} {password:<15} {roles.ENTERPRISE_USER} ({level}, {where})")
        if level == Level.SIGNATORY:
            stdout.write(f"            one-time code key (TOTP, demo only): {demo_secret()}")
