"""`load_demo` gives its accounts the passwords the README prints and replaces its records: it
refuses a production server (DEBUG off) and a database holding what it did not make, unless
--force."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from enterprises.models import Enterprise
from portal.models import Signature


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_refused_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    settings.BENXI_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        load()
    assert not User.objects.exists() and not Enterprise.objects.exists()
    assert "Demo data loaded." in load("--force")
    assert User.objects.get(username="admin").check_password("benxi-admin")


@pytest.mark.django_db
def test_refused_on_a_database_with_users_it_did_not_make(make_user):
    # An installation's own administrator, named as the demo's would be.
    real = make_user("administrator", username="admin")
    with pytest.raises(CommandError, match=r"records the demo did not make \(1 users\)"):
        load()
    real.refresh_from_db()
    assert not real.check_password("benxi-admin") and not Enterprise.objects.exists()


@pytest.mark.django_db
def test_after_the_demo_only_its_own_records_may_be_there():
    out = load()
    assert "Demo signed submissions: 2 made" in out
    assert "one-time code key (TOTP, demo only): GEZDGNBVGY3TQOJQ" in out
    assert_signed_submissions()
    again = load()  # again: only its own records
    assert "Demo data loaded." in again and "Demo signed submissions: 0 made" in again
    assert_signed_submissions()
    Enterprise.objects.create(code="BX-STEEL-1", name="本溪钢铁公司", sector="iron_steel")
    User.objects.create_user("zhao", password="a-real-password-1")
    with pytest.raises(CommandError, match=r"\(1 users, 1 enterprises\)"):
        load()
    assert "Demo data loaded." in load("--force")
    assert Enterprise.objects.filter(code="BX-STEEL-1").exists()


def assert_signed_submissions():
    """The demo's preparer entered two monthly reports, its signatory signed them (hash and
    all), the EPB accepted one and returned the other with a reason."""
    signatures = list(
        Signature.objects.select_related("report", "report__entered_by", "report__verified_by")
        .filter(signer__username="firm1sign")
        .order_by("report__period_number")
    )
    assert [(s.report.period_label, s.report.status) for s in signatures] == [
        ("2002-M01", "verified"),
        ("2002-M02", "returned"),
    ]
    accepted, returned = (s.report for s in signatures)
    assert all(s.hash_matches() and s.method == "password+totp" for s in signatures)
    assert {r.entered_by.username for r in (accepted, returned)} == {"firm1"}
    assert accepted.verified_by.username == "epb" and "COD" in returned.return_reason
