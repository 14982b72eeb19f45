"""Enforcement cases: the database's rules of the status flow, the pages (who reads, who
writes, the form with its grids, the refusals, the document, the history), the enterprise
page's panel and the EPB's work queue."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from benxi_cp import worklist
from enterprises.models import Pollutant
from permits.choices import CaseOutcome, CaseStatus, FollowUpResult, ViolationKind
from permits.models import CaseFollowUp, CaseViolation, EnforcementCase
from permits.worklist import open_cases
from tests.fixtures import ALL_ROLES
from tests.reports.factories import make_enterprise

BASE = 6  # session, user, the user's groups (role), user permissions, group permissions, demo flag
D = datetime.date


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def demo(db):
    return make_enterprise("DEMO-0001")


def make_case(enterprise, **fields) -> EnforcementCase:
    values = {"summary": "COD above its limit at DW001", "opened_on": D(2001, 3, 1)} | fields
    return EnforcementCase.objects.create(enterprise=enterprise, **values)


def notified(**fields) -> dict:
    return {
        "status": CaseStatus.NOTIFIED,
        "notice_number": "BX-2001-007",
        "notice_date": D(2001, 3, 5),
        "deadline": D(2001, 6, 30),
    } | fields


# -- the database's rules ------------------------------------------------------------------
REFUSED = [
    ("notice missing", {"status": CaseStatus.NOTIFIED}),
    ("deadline on the notice day", notified(deadline=D(2001, 3, 5))),
    ("deadline before the notice", notified(deadline=D(2001, 3, 4))),
    ("notice before opening", notified(notice_date=D(2001, 2, 28))),
    ("closed without outcome", notified(status=CaseStatus.CLOSED, closed_on=D(2001, 7, 1))),
    ("closed without day", notified(status=CaseStatus.CLOSED, outcome=CaseOutcome.RESOLVED)),
    ("outcome while open", notified(outcome=CaseOutcome.RESOLVED)),
    (
        "penalty without amount",
        notified(
            status=CaseStatus.CLOSED,
            outcome=CaseOutcome.PENALTY,
            closed_on=D(2001, 7, 1),
            decision_number="BX-P-1",
        ),
    ),
    (
        "penalty of zero",
        notified(
            status=CaseStatus.CLOSED,
            outcome=CaseOutcome.PENALTY,
            closed_on=D(2001, 7, 1),
            decision_number="BX-P-1",
            penalty_yuan=Decimal("0"),
        ),
    ),
    (
        "penalty without decision",
        notified(
            status=CaseStatus.CLOSED,
            outcome=CaseOutcome.PENALTY,
            closed_on=D(2001, 7, 1),
            penalty_yuan=Decimal("50000"),
        ),
    ),
    (
        "an amount on a resolved case",
        notified(
            status=CaseStatus.CLOSED,
            outcome=CaseOutcome.RESOLVED,
            closed_on=D(2001, 7, 1),
            penalty_yuan=Decimal("1"),
        ),
    ),
    ("empty summary", {"summary": ""}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields", [fields for _name, fields in REFUSED], ids=[n for n, _f in REFUSED]
)
def test_the_database_refuses_a_case_out_of_its_rules(demo, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_case(demo, **fields)


@pytest.mark.django_db
def test_the_database_takes_each_step_of_the_flow(demo):
    case = make_case(demo)
    for name, value in notified().items():
        setattr(case, name, value)
    case.deadline = D(2001, 3, 6)  # the day after the notice: the earliest deadline
    case.save()
    case.status, case.outcome, case.closed_on = (
        CaseStatus.CLOSED,
        CaseOutcome.PENALTY,
        D(2001, 7, 1),
    )
    case.penalty_yuan, case.decision_number = Decimal("0.01"), "BX-P-1"
    case.save()
    assert case.history.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,outlet,pollutant,description,ok",
    [
        (ViolationKind.EXCEEDANCE, "DW001", "COD", "", True),
        (ViolationKind.EXCEEDANCE, "", "COD", "", False),
        (ViolationKind.MISSING, "DW001", None, "", False),
        (ViolationKind.QUANTITY, "", "SO2", "", True),
        (ViolationKind.QUANTITY, "DA001", "SO2", "", False),
        (ViolationKind.OTHER, "", None, "Bypass pipe found", True),
        (ViolationKind.OTHER, "", None, "", False),
    ],
)
def test_a_violation_names_what_it_concerns(demo, kind, outlet, pollutant, description, ok):
    case = make_case(demo)
    fields = {
        "case": case,
        "kind": kind,
        "year": 2001,
        "outlet": outlet,
        "pollutant": Pollutant.objects.get(code=pollutant) if pollutant else None,
        "description": description,
    }
    if ok:
        CaseViolation.objects.create(**fields)
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            CaseViolation.objects.create(**fields)


# -- pages -----------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_sees_and_who_writes_cases(client_as, demo, role):
    case = make_case(demo)
    client = client_as(role)
    reads = role != "auditor"
    writes = role == "epb_staff"
    expected = 200 if reads else 403
    assert client.get(reverse("permits:cases")).status_code == expected
    assert client.get(case.get_absolute_url()).status_code == expected
    history = reverse("permits:history", args=["case", case.pk])
    assert client.get(history).status_code == expected
    assert client.get(reverse("permits:case_create")).status_code == (200 if writes else 403)
    edit = reverse("permits:case_edit", args=[case.pk])
    assert client.get(edit).status_code == (200 if writes else 403)
    assert client.post(edit, {}).status_code == (200 if writes else 403)
    body = client.get(demo.get_absolute_url()).content.decode()
    assert ('id="panel-cases"' in body) == reads
    document = client.get(reverse("permits:case_document", args=[case.pk])).status_code
    assert document == (404 if reads else 403)  # no document stored


def form_data(enterprise, **fields) -> dict:
    data = {
        "enterprise": enterprise.pk,
        "summary": "COD above its limit at DW001",
        "opened_on": "2001-03-01",
        "status": CaseStatus.OPEN,
        "notice_number": "",
        "notice_date": "",
        "deadline": "",
        "outcome": "",
        "closed_on": "",
        "penalty_yuan": "",
        "decision_number": "",
        "notes": "",
        "_version": "0",
    }
    for prefix in ("violations", "follow_ups"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | fields


@pytest.mark.django_db
def test_the_epb_opens_serves_follows_and_closes_a_case(client_as, demo):
    client = client_as("epb_staff")
    cod = Pollutant.objects.get(code="COD")
    data = form_data(
        demo,
        **{
            "violations-TOTAL_FORMS": "1",
            "violations-0-kind": ViolationKind.EXCEEDANCE,
            "violations-0-year": "2001",
            "violations-0-outlet": "dw001",
            "violations-0-pollutant": cod.pk,
        },
    )
    response = client.post(reverse("permits:case_create"), data)
    case = EnforcementCase.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    [violation] = case.violations.all()
    assert (violation.outlet, violation.pollutant) == ("DW001", cod)

    notice = SimpleUploadedFile("notice.pdf", b"%PDF-1.4 notice", content_type="application/pdf")
    data = form_data(
        demo,
        status=CaseStatus.NOTIFIED,
        notice_number="BX-2001-007",
        notice_date="2001-03-05",
        deadline="2001-06-30",
        upload=notice,
        _version=str(case.version),
        **{
            "violations-TOTAL_FORMS": "1",
            "violations-INITIAL_FORMS": "1",
            "violations-0-id": violation.pk,
            "violations-0-kind": ViolationKind.EXCEEDANCE,
            "violations-0-year": "2001",
            "violations-0-outlet": "DW001",
            "violations-0-pollutant": cod.pk,
            "follow_ups-TOTAL_FORMS": "1",
            "follow_ups-0-checked_on": "2001-07-02",
            "follow_ups-0-result": FollowUpResult.COMPLIES,
            "follow_ups-0-notes": "Daily means below 100 mg/L",
        },
    )
    response = client.post(reverse("permits:case_edit", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.document_name, case.document_type) == (
        CaseStatus.NOTIFIED,
        "notice.pdf",
        "application/pdf",
    )
    download = client.get(reverse("permits:case_document", args=[case.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert CaseFollowUp.objects.get(case=case).result == FollowUpResult.COMPLIES

    page = client.get(case.get_absolute_url()).content.decode()
    assert "BX-2001-007" in page and "Daily means below 100 mg/L" in page
    history = client.get(reverse("permits:history", args=["case", case.pk])).content.decode()
    assert "Notice served, rectifying" in history  # the status's change, by its label
    assert "Follow-up monitoring: 2001-07-02 Complies" in history  # a row's creation


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"status": CaseStatus.NOTIFIED}, "notice_number", "Required once the notice is served."),
        (
            notified(notice_date="2001-03-05", deadline="2001-03-01"),
            None,
            "The rectification deadline comes after the notice.",
        ),
        (
            notified(notice_date="2001-03-05", deadline="2001-06-30", status=CaseStatus.CLOSED),
            "outcome",
            "A case is closed with its outcome.",
        ),
        (
            notified(
                notice_date="2001-03-05",
                deadline="2001-06-30",
                status=CaseStatus.CLOSED,
                outcome=CaseOutcome.PENALTY,
                closed_on="2001-07-01",
                penalty_yuan="0",
            ),
            "decision_number",
            "A penalty has its decision number.",
        ),
        ({"outcome": CaseOutcome.RESOLVED}, "status", "Set the status to closed"),
        ({"opened_on": "1900-01-01"}, "opened_on", "1949"),
    ],
)
def test_the_form_refuses_with_the_rules_words(client_as, demo, fields, field, message):
    client = client_as("epb_staff")
    response = client.post(reverse("permits:case_create"), form_data(demo, **fields))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors
    assert not EnforcementCase.objects.exists()


@pytest.mark.django_db
def test_a_notice_document_must_be_what_its_name_says(client_as, demo):
    client = client_as("epb_staff")
    fake = SimpleUploadedFile("notice.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(reverse("permits:case_create"), form_data(demo, upload=fake))
    assert response.status_code == 200
    assert "does not match its .pdf name" in str(response.context["form"].errors["upload"])
    assert not EnforcementCase.objects.exists()


@pytest.mark.django_db
def test_a_bad_follow_up_row_saves_nothing(client_as, demo):
    client = client_as("epb_staff")
    data = form_data(
        demo,
        **{
            "follow_ups-TOTAL_FORMS": "1",
            "follow_ups-0-checked_on": "2001-07-02",
            "follow_ups-0-result": "nonsense",
        },
    )
    response = client.post(reverse("permits:case_create"), data)
    assert response.status_code == 200
    assert not EnforcementCase.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_the_list_runs_a_fixed_number_of_queries(client_as, django_assert_num_queries, count):
    for n in range(count):
        make_case(make_enterprise(f"E{n:03d}"))
    client = client_as("leadership")
    # BASE, the count of rows, the page of cases with their enterprises.
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("permits:cases"))
    assert response.status_code == 200
    assert response.context["table"].paginator.count == count


@pytest.mark.django_db
def test_the_list_filters_open_and_overdue_cases(client_as, demo, monkeypatch):
    from benxi_cp import clock

    monkeypatch.setattr(clock, "today", lambda: D(2001, 7, 1))
    late = make_case(demo, **notified())
    due = make_case(demo, **notified(notice_number="BX-2", deadline=D(2001, 7, 1)))
    make_case(
        demo,
        **notified(
            notice_number="BX-3",
            status=CaseStatus.CLOSED,
            outcome=CaseOutcome.RESOLVED,
            closed_on=D(2001, 6, 1),
        ),
    )
    client = client_as("leadership")
    overdue = client.get(reverse("permits:cases"), {"state": "overdue"}).context["table"]
    assert [row.record for row in overdue.paginated_rows] == [late]
    still_open = client.get(reverse("permits:cases"), {"state": "still_open"}).context["table"]
    assert {row.record for row in still_open.paginated_rows} == {late, due}
    export = client.get(reverse("permits:cases"), {"state": "overdue", "_export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "BX-2001-007" in text and "BX-2" not in text.replace("BX-2001", "")


# -- the work queue and the enterprise page ----------------------------------------------------
@pytest.mark.django_db
def test_open_and_overdue_cases_are_the_epbs_work(demo, epb_user, leader_user):
    today = D(2001, 7, 1)
    late = make_case(demo, **notified())
    new = make_case(demo, opened_on=D(2001, 6, 20))
    for n in range(worklist.LIMIT):  # more than a page of the queue: counted in SQL
        make_case(demo, **notified(notice_number=f"BX-L{n}", deadline=D(2001, 12, 1)))
    make_case(
        demo,
        **notified(
            notice_number="BX-3",
            status=CaseStatus.CLOSED,
            outcome=CaseOutcome.RESOLVED,
            closed_on=D(2001, 6, 1),
        ),
    )
    batch = open_cases(epb_user, today)
    assert batch[0].url == late.get_absolute_url()
    assert new.get_absolute_url() not in [item.url for item in batch]  # no deadline: last
    assert (len(batch), batch.total, batch.overdue) == (worklist.LIMIT, 2 + worklist.LIMIT, 1)
    assert batch[0].is_overdue(today) and batch[0].tags
    assert not batch[1].is_overdue(today) and not batch[1].tags
    few = open_cases(epb_user, D(2001, 6, 30))  # the day of the deadline: not yet overdue
    assert few.overdue == 0
    items = worklist.items_for(epb_user, today, kinds={"permits.cases"})
    assert len(items) == worklist.LIMIT
    assert worklist.items_for(leader_user, today, kinds={"permits.cases"}) == []


@pytest.mark.django_db
@pytest.mark.parametrize("count,queries", [(1, 1), (10, 2), (12, 2)])
def test_the_queue_runs_a_fixed_number_of_queries(
    demo, epb_user, django_assert_num_queries, count, queries
):
    for n in range(count):
        make_case(demo, **notified(notice_number=f"BX-{n}"))
    epb_user.has_perm("permits.view_enforcementcase")  # the permissions, read once
    # The first cases with their enterprises; their counts, when the first are not all.
    with django_assert_num_queries(queries):
        batch = open_cases(epb_user, D(2001, 7, 1))
        assert len(batch) == min(count, worklist.LIMIT) and batch.total == count


@pytest.mark.django_db
def test_the_enterprise_page_shows_its_cases_open_first(rf, demo, leader_user):
    from permits.panels import cases_panel

    closed = make_case(
        demo,
        **notified(
            status=CaseStatus.CLOSED,
            outcome=CaseOutcome.PENALTY,
            closed_on=D(2001, 7, 1),
            penalty_yuan=Decimal("50000"),
            decision_number="BX-P-1",
        ),
    )
    still_open = make_case(demo, opened_on=D(2000, 1, 1))
    make_case(make_enterprise("OTHER-0001"))
    request = rf.get("/")
    request.user = leader_user
    _template, context = cases_panel(request, demo)
    assert context["cases"] == [still_open, closed]
    assert not context["may_add"]


@pytest.mark.django_db
def test_a_new_case_proposes_the_enterprises_violations(client_as, demo):
    from permits.models import MonitoringValue
    from tests.permits.test_permits import make_permit

    make_permit(demo)  # COD daily mean 100 mg/L at DW001, monitored daily
    cod = Pollutant.objects.get(code="COD")
    for day, value in ((1, "150"), (2, "90"), (3, "101")):
        MonitoringValue.objects.create(
            enterprise=demo,
            outlet="DW001",
            pollutant=cod,
            basis="daily_mean",
            measured_on=D(2001, 3, day),
            value=Decimal(value),
        )
    client = client_as("epb_staff")
    response = client.get(reverse("permits:case_create"), {"enterprise": demo.pk})
    rows = [form.initial for form in response.context["violations"].forms if form.initial]
    exceedance = next(row for row in rows if row["kind"] == ViolationKind.EXCEEDANCE)
    assert (exceedance["year"], exceedance["outlet"], exceedance["pollutant"]) == (
        2001,
        "DW001",
        cod.pk,
    )
    assert exceedance["description"] == "2 values above the limit"
    assert any(row["kind"] == ViolationKind.MISSING for row in rows)  # the other days
    # Another enterprise's page proposes nothing of this one's.
    other = make_enterprise("OTHER-0001")
    response = client.get(reverse("permits:case_create"), {"enterprise": other.pk})
    assert not any(form.initial for form in response.context["violations"].forms)
