"""Demo enterprise users: a preparer and an approved signatory for one enterprise, a viewer for
another. Their passwords are printed with the other demo logins.

The first enterprise's preparer enters two monthly reports and its signatory signs them, as
the pages do (workflow.save_report, signing.sign with the password and a one-time code: the
signature, its hash, the acknowledgement; the copy of record is made on its first
download); the EPB accepts the first and returns the second with a reason."""

import base64
import time

from django.contrib.auth.models import Group, User
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from benxi_cp import roles
from enterprises import workflow
from enterprises.choices import PeriodKind
from enterprises.models import DischargeReport, Enterprise
from portal import signing
from portal.models import Basis, Grant, Level, Signature

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
    load_submissions(stdout, enterprises[0])


# The demo's signed submissions: (year, month, what the EPB does, the reason of a return).
DEMO_YEAR = 2002
# Written as the bureau and the enterprise write them: in Chinese.
RETURN_REASON = "COD远高于月均值且未说明原因，请核对仪表读数后重新提交。"
SUBMISSIONS = [(1, "verify", ""), (2, "return", RETURN_REASON)]
SERIOUS_EXPLANATION = "演示：已与仪表记录核对。"


def _code(device: TOTPDevice, steps_ahead: int) -> str:
    """The demo signatory's one-time code (the key is the demo's own, printed with it)."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():06d}"


def _monthly_rows(enterprise: Enterprise) -> list[workflow.ValueRow]:
    """A month's values: a twelfth of the enterprise's latest annual report."""
    annual = (
        DischargeReport.objects.filter(enterprise=enterprise, period_kind=PeriodKind.YEAR)
        .order_by("-year")
        .first()
    )
    values = annual.values.select_related("pollutant").order_by("pollutant__code")
    return [
        workflow.ValueRow(value.pollutant, round(value.amount / 12, 3), value.basis)
        for value in values
    ]


def load_submissions(stdout, enterprise: Enterprise) -> None:
    """The preparer's monthly reports, signed by the signatory; one accepted, one returned
    (made once: a report signed already is left as it is)."""
    users = {
        user.username: user
        for user in User.objects.filter(username__in=["firm1", "firm1sign", "epb"])
    }
    preparer, signatory, epb = users["firm1"], users["firm1sign"], users.get("epb")
    if epb is None:
        return
    device = signing.device_of(signatory)
    passwords = {row[0]: row[1] for row in DEMO_USERS}
    rows = _monthly_rows(enterprise)
    made = 0
    for month, step, reason in SUBMISSIONS:
        report = DischargeReport.objects.filter(
            enterprise=enterprise, year=DEMO_YEAR, period_kind=PeriodKind.MONTH, period_number=month
        ).first()
        if report is not None and Signature.objects.filter(report=report).exists():
            continue
        report = report or DischargeReport(
            enterprise=enterprise, year=DEMO_YEAR, period_kind=PeriodKind.MONTH, period_number=month
        )
        workflow.save_report(report, rows, preparer)
        explanations = {flag.pk: SERIOUS_EXPLANATION for flag in signing.serious_flags(report)}
        shown = signing.digest(signing.canonical(signing.document(report)))
        # The device is made anew by each load (no code used yet): one code a time step.
        # The acknowledgement goes to the demo's example addresses: not sent anywhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            signing.sign(
                report,
                signatory,
                passwords["firm1sign"],
                _code(device, made),
                shown,
                user_agent="load_demo",
                explanations=explanations,
                make_copy=False,  # made on the first download: load_demo stays fast
            )
        if step == "verify":
            workflow.verify(report, epb)
        else:
            workflow.return_report(report, epb, reason)
        made += 1
    stdout.write(f"Demo signed submissions: {made} made for {enterprise.code}.")


def print_logins(stdout) -> None:
    enterprises = demo_enterprises()
    for username, password, _name, which, level in DEMO_USERS:
        where = enterprises[which].code if len(enterprises) > which else "?"
        stdout.write(f"  {username:<9} {password:<15} {roles.ENTERPRISE_USER} ({level}, {where})")
        if level == Level.SIGNATORY:
            stdout.write(f"            one-time code key (TOTP, demo only): {demo_secret()}")
