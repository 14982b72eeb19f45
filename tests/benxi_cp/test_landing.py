"""The landing page at "/": each role's work queues (benxi_cp/worklist.py), grouped with
counts, overdue items marked, empty queues said in words; the leading team keeps its
dashboard. Query counts pinned per role: they do not grow with the queues."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audits.models import Audit
from benxi_cp import worklist
from benxi_cp.registry import registry
from benxi_cp.worklist import Batch, WorkItem
from enterprises.models import DischargeReport, Enterprise, ReliabilityFlag
from reports import worklist as report_queues
from reports.models import YearClosing


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def records(db):
    """Two enterprises without a report for last year, an audit begun long ago."""
    first = Enterprise.objects.create(code="E-1", name="一厂", name_en="Works One", sector="coal")
    Enterprise.objects.create(code="E-2", name="二厂", name_en="Works Two", sector="coal")
    return Audit.objects.create(enterprise=first, ref="A-1", started_on=datetime.date(2001, 6, 1))


def page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,queries,more",
    # The programme office's tasks (programme/organisation/worklist.py): the office's counts
    # and first tasks (2); for the others, their department (1; none here, so no tasks).
    # The demo flag is read once, for the page and its banner alike (benxi_cp/clock.py).
    # The EPB's open enforcement cases (permits/worklist.py): the first cases (1). Its
    # violations without a case: the tokens of this year's compliance standings, cached
    # (1; no open cases nor enterprises to read).
    # The enterprises' applications for assessment or acceptance (portal/applications.py):
    # one, for those who assess audits; the acceptance certificates to renew
    # (audits/certificates.py): one, for the same.
    [("administrator", 24, 26), ("epb_staff", 19, 22), ("auditor", 11, 11)],
)
def test_each_roles_landing_page_in_a_fixed_number_of_queries(
    client, make_user, records, django_assert_num_queries, role, queries, more
):
    user = make_user(role)
    records.team.add(make_user("auditor", "teammate"))
    if role == "auditor":
        records.team.add(user)
    client.force_login(user)
    client.get(reverse("home"))  # the first request fills caches (data years)
    with django_assert_num_queries(queries):
        assert client.get(reverse("home")).status_code == 200
    # more records of every queue: the same number of queries
    for n in range(3, 20):
        other = Enterprise.objects.create(code=f"E-{n}", name=f"{n}厂", sector="coal")
        for status, year in (("submitted", 2000), ("returned", 2001)):
            report = DischargeReport.objects.create(
                enterprise=other,
                year=year,
                status=status,
                grade="C",
                submitted_at=timezone.now(),
                returned_at=timezone.now(),
                return_reason="?",
            )
            ReliabilityFlag.objects.create(report=report, code="negative", severity="serious")
        audit = Audit.objects.create(
            enterprise_id=records.enterprise_id, ref=f"A-{n}", started_on=datetime.date(2001, 7, n)
        )
        if role == "auditor":
            audit.team.add(user)
    client.get(reverse("home"))
    # A queue of more than ten items counts them: a COUNT more for each such queue (the
    # office's: returned, missing, overdue audits; none of the years is ready to close then,
    # which spares the audits' two queries).
    with django_assert_num_queries(more):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_the_epb_lands_on_its_queues_with_the_dashboard_a_click_away(client, epb_user, records):
    html = page(client, epb_user)
    assert 'id="queue-enterprises-verify"' in html
    assert "No submitted report is waiting for you to verify it." in html
    assert 'id="queue-reports-missing"' in html and "Works One" in html
    assert f'href="{reverse("reports:epb_dashboard")}"' in html
    assert "Overdue" in html  # last year's reports were due on 31 March


@pytest.mark.django_db
def test_the_auditor_sees_the_timetable_rule_and_their_audit(client, auditor_user, records):
    records.team.add(auditor_user)
    html = page(client, auditor_user)
    assert "A-1 · E-1 Works One" in html and "within a year" in html
    assert "queue-audits-overdue" not in html and "queue-reports-missing" not in html


@pytest.mark.django_db
def test_a_user_without_work_is_told_so(client, make_user):
    html = page(client, make_user(None, "nobody"))
    assert 'id="worklist-none"' in html


@pytest.mark.django_db
def test_the_leading_team_keeps_its_dashboard(client, leader_user):
    assert 'id="kpi-programme"' in page(client, leader_user)


@pytest.mark.django_db
def test_any_registered_kind_is_shown_with_its_count(client, administrator):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    queue = worklist.Queue(
        "test.tasks",
        lambda user, today: [WorkItem("test.tasks", "Write the minutes", "/minutes/", yesterday)],
    )
    with registry.worklist.override(queue):
        html = page(client, administrator)
    assert 'id="queue-test-tasks"' in html and "Write the minutes" in html
    assert 'href="/minutes/"' in html
    section = html[html.index('id="queue-test-tasks"') :]
    assert "Overdue" in section[: section.index("</section>")]


@pytest.mark.django_db
def test_a_batch_counts_beyond_what_it_shows(administrator):
    today = datetime.date(2026, 1, 10)
    items = [WorkItem("k", f"t{n}", "/", today - datetime.timedelta(days=n)) for n in range(3)]
    batch = worklist.Queue("k", lambda user, day: Batch(items[:2], total=7, overdue=5), label="K")
    with registry.worklist.override(batch, empty=True) as queues:
        [group] = worklist.groups_for(administrator, today)
        assert (group.shown, group.total, group.overdue, group.label) == (2, 7, 5, "K")
        assert [item.title for item in group.items] == ["t1", "t0"]  # by due date
        assert worklist.overdue_for(administrator, today) == [items[1]]
        queues.register(
            worklist.Queue("hidden", lambda user, day: [items[2]], applies=lambda user: False)
        )
        assert "hidden" not in {g.key for g in worklist.groups_for(administrator, today)}
        assert items[2] not in worklist.items_for(administrator, today)


# -- the reports' queues --------------------------------------------------------------------
@pytest.mark.django_db
def test_missing_reports_are_due_on_31_march(epb_user, records, make_user):
    before = worklist.groups_for(epb_user, datetime.date(2027, 3, 31), kinds=["reports.missing"])
    [group] = before
    assert group.total == 2 and group.overdue == 0
    assert group.items[0].due == datetime.date(2027, 3, 31)
    assert "enterprise=" in group.items[0].url and "year=2026" in group.items[0].url
    [late] = worklist.groups_for(epb_user, datetime.date(2027, 4, 1), kinds=["reports.missing"])
    assert late.overdue == 2
    auditor = make_user("auditor", "no-reports")
    assert worklist.groups_for(auditor, datetime.date(2027, 4, 1), kinds=["reports.missing"]) == []


@pytest.mark.django_db
def test_years_ready_to_close_agree_with_the_closing_blockers(administrator, epb_user, records):
    from reports import closing

    Audit.objects.create(
        enterprise=records.enterprise, ref="A-2", started_on=datetime.date(2003, 1, 1)
    )
    today = timezone.localdate()
    ready = report_queues.years_ready(today)
    expected = [
        year
        for year in range(2001, 2004)  # the years with records
        if not closing.blockers(year) and not closing.current(year)
    ]
    assert ready == expected == [2001, 2002, 2003]
    # an audit with its eight steps done and not assessed blocks its year and the later ones
    Audit.objects.create(
        enterprise=records.enterprise,
        ref="A-3",
        started_on=datetime.date(2002, 5, 1),
        steps_completed=8,
    )
    blocked = [year for year in range(2001, 2004) if not closing.blockers(year)]
    assert report_queues.years_ready(today) == blocked == [2001]
    Audit.objects.filter(ref="A-3").delete()
    YearClosing.objects.create(year=2001, closed_by=administrator, closed_at=timezone.now())
    [group] = worklist.groups_for(administrator, today, kinds=["reports.closing"])
    assert group.items[0].title == "Close 2002"
    assert group.items[0].url == reverse("reports:year", args=[2002])
    assert worklist.groups_for(epb_user, today, kinds=["reports.closing"]) == []
