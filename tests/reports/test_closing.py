"""Closing a year: the copy of record, what blocks a closing, the database's refusal of a
closed year's changes by every path (model, form, import, SQL), reopening and the
differences from the copy of record.

The tests on a year closed once for them all (the copy of record, the lock by every path, the
pages of a closed year) are in test_closed_2000.py: the closing renders every form in every
format, which takes seconds."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from audits.models import Option
from benxi_cp import guards
from enterprises import workflow
from enterprises.importers import DischargeImporter
from enterprises.models import DischargeReport, DischargeValue, Pollutant
from reports import annual, closing
from reports import closed as shared
from reports.choices import FormName
from reports.models import RecordCopy, YearClosing
from tests.reports.factories import make_audit

pytestmark = pytest.mark.django_db


def refused(work, year: int):
    """`work()` is refused by the closed-year lock of the database, which names the year on
    PostgreSQL; the message shown is the closed year's."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        work()
    assert shared.is_closed_year_error(caught.value), caught.value
    if connection.vendor == "postgresql":
        assert shared.closed_year(caught.value) == year
    assert shared.refusal(caught.value).code == "year_closed"


# The closing ------------------------------------------------------------------------------------


def test_the_form_choices_are_the_annual_forms():
    assert FormName.values == list(annual.FORMS)


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


# The database's lock ---------------------------------------------------------------------------


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
