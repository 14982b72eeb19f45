"""Closing a year: the copy of record, what blocks a closing, the database's refusal of a
closed year's changes by every path (model, form, import, SQL), reopening and the
differences from the copy of record."""

import datetime
import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from audits.models import Audit, AuditStep, Option, OptionFeasibility, OptionReduction
from audits.services import unlock_audit
from benxi_cp import guards
from enterprises import workflow
from enterprises.importers import DischargeImporter
from enterprises.models import DischargeReport, DischargeValue, Pollutant
from reports import annual, closing, output
from reports import closed as shared
from reports.choices import CopyFormat, FormName
from reports.models import RecordCopy, YearClosing
from tests.reports.factories import make_audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_2000(programme, administrator):
    return closing.close(2000, administrator)


def refused(work, year: int):
    """`work()` is refused by the closed-year lock of the database, which names the year on
    PostgreSQL; the message shown is the closed year's."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        work()
    assert shared.is_closed_year_error(caught.value), caught.value
    if connection.vendor == "postgresql":
        assert shared.closed_year(caught.value) == year
    assert shared.refusal(caught.value).code == "year_closed"


# The closing and its copy of record ---------------------------------------------------------


def test_the_form_choices_are_the_annual_forms():
    assert FormName.values == list(annual.FORMS)


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


def test_blockers_name_what_keeps_a_year_open(programme, administrator):
    # 1998: E2's draft annual report.
    (blocker,) = closing.blockers(1998)
    assert blocker.count == 1
    assert "status=draft" in blocker.url and "year=1998" in blocker.url
    # An audit with its eight steps done and no assessment keeps 1999 open.
    make_audit(programme["e5"], "1999-01-01", ref="A9", steps=8)
    (blocker,) = closing.blockers(1999)
    assert blocker.count == 1 and "assessment=none" in blocker.url
    assert closing.blockers(datetime.date.today().year)[0].url is None  # not over
    with pytest.raises(ValidationError):
        closing.close(1998, administrator)
    assert not YearClosing.objects.exists() and not RecordCopy.objects.exists()


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


# The database's lock ---------------------------------------------------------------------------


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


def test_a_closed_year_refuses_discharge_reports(programme, administrator):
    closing.close(1999, administrator)
    pollutant = Pollutant.objects.get(code="COD")
    refused(lambda: DischargeReport.objects.create(enterprise=programme["e5"], year=1999), 1999)
    report = DischargeReport.objects.get(enterprise=programme["e1"], year=1999)
    # A verified report's unlock, which the verified lock alone would let through.
    with pytest.raises(shared.YearClosed):
        workflow.unlock(report, administrator, "a typo")
    report.refresh_from_db()
    assert report.status == "verified" and not report.unlocks.exists()
    with transaction.atomic(), guards.suspended():  # below both locks: allowed
        DischargeValue.objects.filter(report=report).update(amount=1)
    # 1998 is open: its draft report changes.
    draft = DischargeReport.objects.get(enterprise=programme["e2"], year=1998, period_kind="Y")
    DischargeValue.objects.create(report=draft, pollutant=Pollutant.objects.get(code="SO2"),
                                  amount=1)  # fmt: skip
    # Its values: refused by the lock of verified reports or the closed year's, whichever
    # trigger the database runs first.
    with pytest.raises(IntegrityError), transaction.atomic():
        DischargeValue.objects.filter(report=report, pollutant=pollutant).delete()


def test_the_discharge_import_is_refused_for_a_closed_year(programme, administrator):
    closing.close(1999, administrator)
    content = (
        b"enterprise_code,year,period,pollutant,amount,unit,basis,output_10k_yuan\n"
        b"E5,1999,Y,COD,10.0,t,measured_sampling,\n"
    )
    result = DischargeImporter(user=administrator).run(content, "reports.csv")
    assert not result.ok
    said = {str(shared.YearClosed(1999).messages[0]), str(shared.YearClosed().messages[0])}
    assert any(str(issue.message) in said for issue in result.errors), result.errors
    assert not DischargeReport.objects.filter(enterprise=programme["e5"]).exists()
    # The same row for an open year goes in.
    result = DischargeImporter(user=administrator).run(content.replace(b"1999", b"2000"), "r.csv")
    assert result.ok, result.errors


# Pages -------------------------------------------------------------------------------------


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


def test_who_may_close_and_reopen(programme, client_as):
    client = client_as("leadership")
    assert client.get(reverse("reports:years")).status_code == 200
    assert client.get(reverse("reports:year", args=[2000])).status_code == 200
    assert client.post(reverse("reports:close_year", args=[2000])).status_code == 403
    assert client.post(reverse("reports:reopen_year", args=[2000])).status_code == 403
    assert not YearClosing.objects.exists()
    client = client_as("auditor")
    assert client.post(reverse("reports:close_year", args=[2000])).status_code == 403


def test_close_download_reopen_and_see_the_difference(programme, client_as):
    client = client_as("administrator")
    response = client.post(reverse("reports:close_year", args=[2000]))
    assert response.status_code == 302
    closed = closing.current(2000)
    copy = closed.copies.get(form="programme", fmt="json")
    response = client.get(reverse("reports:record_copy", args=[2000, copy.pk]))
    assert response.status_code == 200
    assert response.content == bytes(copy.content)
    assert response["X-Content-SHA256"] == copy.sha256
    assert client.get(reverse("reports:record_copy", args=[1999, copy.pk])).status_code == 404
    page = client.get(reverse("reports:form", args=["programme"]), {"year": 2000})
    assert b"record-same" in page.content  # closed, every figure as kept

    response = client.post(reverse("reports:reopen_year", args=[2000]), {"reason": " "})
    assert response.status_code == 400 and closing.current(2000) is not None
    response = client.post(
        reverse("reports:reopen_year", args=[2000]), {"reason": "L6's benefit was left out"}
    )
    assert response.status_code == 302 and closing.current(2000) is None
    before = dict(json.loads(bytes(copy.content))["rows"])["annual_benefit_10k_yuan"]
    Option.objects.filter(code="L6").update(annual_benefit_10k_yuan=Decimal("7"))
    differences = closing.differences(closed, "programme")
    benefit = next(d for d in differences if d.row.endswith("(annual_benefit_10k_yuan)"))
    assert benefit.recorded == before
    assert Decimal(benefit.current) == Decimal(before) + 7
    page = client.get(reverse("reports:form", args=["programme"]), {"year": 2000})
    text = page.content.decode()
    assert "record-differences" in text and before in text and benefit.current in text
    year_page = client.get(reverse("reports:year", args=[2000])).content.decode()
    assert 'id="changed-programme"><a' in year_page


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


def test_compare_names_each_figure_that_differs():
    recorded = {"header": ["table", "aspect", "fee_class", "options"], "rows": [
        ["in_year", "waste", "low_no", 3],
        ["in_year", "management", "low_no", 1],
    ]}  # fmt: skip
    current = {"header": ["table", "aspect", "fee_class", "options"], "rows": [
        ["in_year", "waste", "low_no", 4],
        ["to_date", "waste", "low_no", 9],
    ]}  # fmt: skip
    found = {(d.row, d.column): (d.recorded, d.current) for d in closing.compare(
        recorded, current, "options")}  # fmt: skip
    assert found == {
        ("in_year / waste / low_no", "options"): (3, 4),
        ("in_year / management / low_no", "options"): (1, None),
        ("to_date / waste / low_no", "options"): (None, 9),
    }
