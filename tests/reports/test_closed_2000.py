"""A year closed once for the module: its copy of record, the database's refusal of the
closed year's changes by every path (model, SQL, form, admin), reopening and the pages.

closing.close(2000) renders every annual form in every format (PDF included), some 4-5 s:
it runs once, in a transaction rolled back at the module's end, and each test runs in a
savepoint of its own inside it (pytest-django's `db`), so what a test writes (a reopening,
a forged copy, an unlocked audit) is undone before the next. The copies of record are rows
(RecordCopy.content), nothing is written to storage, and the cache is emptied around each
test (tests/fixtures.py `_empty_cache`). Tests of a year closed inside the test itself (by
the page, with blockers, for 1999) are in test_closing.py.
"""

import datetime
import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from audits.models import Audit, AuditStep, Option, OptionFeasibility, OptionReduction
from audits.services import unlock_audit
from benxi_cp import guards, roles
from reports import annual, closing, output
from reports.choices import CopyFormat
from reports.models import RecordCopy, YearClosing
from tests.fixtures import PASSWORD
from tests.reports.test_closing import refused

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _closed_2000_for_the_module(django_db_setup, django_db_blocker):
    """The `programme` scenario (tests/reports/scenario.py) and its 2000 closed by an
    administrator, once for the module; the pk of the closing."""
    from tests.reports.scenario import build

    # Marked as a test's block, as Django's TestCase marks its class-wide one: the figure
    # cache (benxi_cp.datacache._in_own_transaction) takes it for the world the tests run in,
    # not for a transaction of the code's own, and caches what the pages compute.
    atomic = transaction.atomic()
    atomic._from_testcase = True
    with django_db_blocker.unblock(), atomic:
        build()
        user = User.objects.create_user(username="administrator-user", password=PASSWORD)
        user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
        pk = closing.close(2000, user).pk
        yield pk
        transaction.set_rollback(True)


@pytest.fixture
def administrator(_closed_2000_for_the_module, db) -> User:
    """The administrator who closed 2000 (in place of tests/fixtures.py's, which would make
    another of the same name)."""
    return User.objects.get(username="administrator-user")


@pytest.fixture
def closed_2000(_closed_2000_for_the_module, db) -> YearClosing:
    return YearClosing.objects.get(pk=_closed_2000_for_the_module)


def test_closing_keeps_a_copy_of_record_of_each_form(closed_2000, administrator):
    assert closing.current(2000) == closed_2000
    assert closed_2000.closed_by == administrator
    assert closed_2000.closed_by_name == administrator.username
    copies = {(c.form, c.fmt): c for c in closed_2000.copies.all()}
    assert set(copies) == {(f, x) for f in annual.FORMS for x in CopyFormat.values}
    for copy in copies.values():
        content = bytes(copy.content)
        assert copy.size_bytes == len(content) > 0
        assert copy.sha256 == hashlib.sha256(content).hexdigest()
    assert bytes(copies["programme", "pdf"].content).startswith(b"%PDF")
    assert bytes(copies["programme", "xlsx"].content).startswith(b"PK")
    figures = json.loads(bytes(copies["programme", "json"].content))
    with translation.override("zh-hans"):
        assert figures == output.figures(annual.compose("programme", 2000))
    assert dict(figures["rows"])["enterprises_in_programme"] == "5"


def test_a_year_is_closed_once(closed_2000, administrator):
    with pytest.raises(ValidationError) as caught:
        closing.close(2000, administrator)
    assert caught.value.code == "closed"
    with pytest.raises(IntegrityError), transaction.atomic():
        YearClosing.objects.create(
            year=2000, closed_at=closed_2000.closed_at, closed_by_name="someone"
        )


def test_a_reopening_needs_a_reason_and_a_closed_year(closed_2000, administrator):
    with pytest.raises(ValidationError):
        closing.reopen(2000, administrator, "  ")
    with pytest.raises(ValidationError) as caught:
        closing.reopen(1999, administrator, "why")
    assert caught.value.code == "open"
    with pytest.raises(IntegrityError), transaction.atomic():  # the database's own check
        YearClosing.objects.filter(pk=closed_2000.pk).update(reopened_at=closed_2000.closed_at)
    reopened = closing.reopen(2000, administrator, "Benefit of L6 corrected by the auditor")
    assert reopened.reopened_by_name == administrator.username
    assert closing.current(2000) is None and closing.latest(2000) == reopened


def test_a_closing_and_its_copies_are_kept(closed_2000, administrator):
    copy = closed_2000.copies.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordCopy.objects.filter(pk=copy.pk).update(content=b"forged")
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordCopy.objects.filter(pk=copy.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        YearClosing.objects.filter(pk=closed_2000.pk).update(closed_by_name="someone else")
    with pytest.raises(IntegrityError), transaction.atomic():
        YearClosing.objects.filter(pk=closed_2000.pk).delete()
    closing.reopen(2000, administrator, "a reason")
    with pytest.raises(IntegrityError), transaction.atomic():  # the reopening once
        YearClosing.objects.filter(pk=closed_2000.pk).update(reopen_reason="another")


def test_a_closed_year_refuses_audit_changes_by_any_path(closed_2000, administrator):
    l6 = Option.objects.get(code="L6")  # implemented in 2000 (its audit is under way)
    refused(lambda: Option.objects.filter(pk=l6.pk).update(annual_benefit_10k_yuan=9), 2000)
    with connection.cursor() as cursor:
        refused(
            lambda: cursor.execute(
                "UPDATE audits_option SET annual_benefit_10k_yuan = 9 WHERE id = %s", [l6.pk]
            ),
            2000,
        )
    # A2 was accepted in 2000: the audit, its steps, options and their reductions.
    a2 = Audit.objects.get(ref="A2")
    # The locks of accepted audits (A1 in 1999, A2 in 2000) are lifted: the closed year's
    # lock still holds.
    for accepted in Audit.objects.filter(ref__in=["A1", "A2"]):
        unlock_audit(accepted, administrator, "a correction")
    a2 = Audit.objects.get(ref="A2")
    l5 = a2.options.get(code="L5")  # implemented in 1999
    refused(lambda: Audit.objects.filter(pk=a2.pk).update(focus="changed"), 2000)
    refused(lambda: a2.delete(), 2000)
    refused(lambda: AuditStep.objects.filter(audit=a2).update(completed_on="2000-01-01"), 2000)
    l5.annual_benefit_10k_yuan = Decimal("3")
    refused(lambda: l5.save(), 2000)
    refused(lambda: OptionReduction.objects.filter(option=l5).delete(), 2000)
    refused(lambda: Option.objects.create(audit=a2, code="N1", title="new", aspect="waste",
                                          fee_class="low_no"), 2000)  # fmt: skip
    m1 = Option.objects.get(code="M1")  # implemented in 2000
    refused(
        lambda: OptionFeasibility.objects.create(
            option=m1,
            investment_10k_yuan=1,
            annual_net_saving_10k_yuan=1,
            depreciation_years=5,
            discount_rate_pct=8,
            life_years=10,
        ),
        2000,
    )
    # An option moved into 2000 by its implementation.
    l2 = Option.objects.get(code="L2")
    refused(
        lambda: Option.objects.filter(pk=l2.pk).update(
            status="implemented", implemented_on=datetime.date(2000, 5, 1)
        ),
        2000,
    )
    # Saved unchanged (the stamps alone move): allowed.
    Audit.objects.get(pk=a2.pk).save()
    # Other years' records stay open: A1 was accepted in 1999, L1 implemented in 1998.
    Option.objects.filter(code="L1").update(annual_benefit_10k_yuan=6)
    Audit.objects.filter(ref="A6").update(focus="accepted in 2001")
    # Loaders of generated data write below the lock.
    with transaction.atomic(), guards.suspended():
        Option.objects.filter(pk=l6.pk).update(annual_benefit_10k_yuan=9)


def test_the_option_form_shows_the_closed_year_and_keeps_the_value(
    closed_2000, client, administrator
):
    client.force_login(administrator)
    l6 = Option.objects.get(code="L6")
    data = {
        "code": l6.code,
        "title": l6.title,
        "description": "",
        "aspect": l6.aspect,
        "fee_class": l6.fee_class,
        "step": l6.step,
        "status": l6.status,
        "investment_10k_yuan": "",
        "annual_benefit_10k_yuan": "7.00",
        "implemented_on": l6.implemented_on.isoformat(),
    }
    response = client.post(reverse("audits:option_edit", args=[l6.pk]), data)
    assert response.status_code == 200
    assert "closed" in response.content.decode() or "已关账" in response.content.decode()
    l6.refresh_from_db()
    assert l6.annual_benefit_10k_yuan is None


def test_the_admin_site_shows_a_closed_years_refusal(closed_2000, client, administrator):
    """The admin site does not catch the database's refusal itself: the page comes back with
    the closed year's message (benxi_cp/refusals.py), never a server error, and nothing is
    deleted."""
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    l6 = Option.objects.get(code="L6")  # implemented in 2000
    url = reverse("admin:audits_option_delete", args=[l6.pk])
    response = client.post(url, {"post": "yes"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0] == (url, 302)
    said = [str(message) for message in response.context["messages"]]
    assert any("closed year" in text or "2000 is closed" in text for text in said), said
    assert Option.objects.filter(pk=l6.pk).exists()


def test_an_altered_copy_is_not_served(closed_2000, client_as):
    copy = closed_2000.copies.get(form="audits", fmt="pdf")
    with transaction.atomic(), guards.suspended():
        RecordCopy.objects.filter(pk=copy.pk).update(content=b"%PDF forged")
    response = client_as("leadership").get(reverse("reports:record_copy", args=[2000, copy.pk]))
    assert response.status_code == 302


def test_the_years_page_in_a_fixed_number_of_queries(
    closed_2000, client_as, django_assert_num_queries
):
    client = client_as("leadership")
    client.get(reverse("reports:years"))
    # session, user, user and group permissions, the closings, the tokens of the cached
    # years, the user's groups (the role in the menu), the demo flag (base page)
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:years"))
    assert 'id="year-2000"' in response.content.decode()


def test_loading_the_demo_again_reopens_closed_years(closed_2000):
    from reports import demo

    out = io.StringIO()
    demo.prepare(out)
    assert closing.current(2000) is None
    assert closing.latest(2000).reopened_by_name == "load_demo"
    assert "reopened" in out.getvalue()
