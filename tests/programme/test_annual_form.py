"""The annual form of training and outreach (reports/annual.py) and the summary page's
section, computed from the records."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from benxi_cp import roles
from reports import annual, output


@pytest.fixture
def events(make_event, enterprises):
    e1, e2 = enterprises["E-1"], enterprises["E-2"]
    make_event(people=[(e1, 3), (e2, 2)], other_participants=1)  # 16 h, 6 people
    make_event(title="b", hours=Decimal("8"), people=[(e1, 4)])  # 8 h, 4 people
    make_event(
        title="c", kind="outreach", audience="public", hours=Decimal("3"), other_participants=200
    )
    make_event(title="d", held_on=datetime.date(2000, 5, 1), people=[(e2, 5)])


@pytest.mark.django_db
def test_the_form_counts_the_years_events_by_audience_and_kind(events):
    form = annual.compose("training", 1999)
    rows = {(row[0], row[1]): row[2:] for row in form.csv_rows}
    assert len(rows) == 10  # five audiences, two kinds
    assert rows[("enterprises", "training")] == [2, Decimal("24"), 10, Decimal("128")]
    assert rows[("public", "outreach")] == [1, Decimal("3"), 200, Decimal("600")]
    assert rows[("auditors", "training")] == [0, Decimal("0"), 0, Decimal("0")]
    by_audience, listed = form.tables
    assert by_audience.total["training_participants"] == 10
    assert by_audience.total["outreach_participants"] == 200
    # by date, then title
    assert [row["title"] for row in listed.rows] == ["b", "c", "审核方法培训班"]
    assert [row["participants"] for row in listed.rows] == [4, 200, 6]


@pytest.mark.django_db
def test_the_form_in_every_format(events):
    form = annual.compose("training", 1999)
    figures = output.figures(form)
    assert figures["rows"]
    assert output.render_xlsx(form)[:2] == b"PK"
    assert output.render_pdf(form)[:5] == b"%PDF-"
    assert b"enterprises,training,2,24.0,10,128.0" in output.render_csv(form)


@pytest.mark.django_db
def test_the_summary_page_shows_the_years_training(client_as, events):
    response = client_as(roles.LEADERSHIP).get(reverse("reports:dashboard"), {"year": 1999})
    training = response.context["training"]
    assert (training["events"], training["participants"]) == (3, 210)
    assert training["to_date"]["events"] == 3  # 2000's event is later
    assert 'id="training-outreach"' in response.content.decode()


@pytest.mark.django_db
def test_closing_a_year_keeps_the_form_and_locks_the_years_training(
    events, enterprises, administrator, make_event
):
    from django.db import IntegrityError, transaction

    from programme.models import TrainingEvent, TrainingParticipation
    from reports import closed as shared
    from reports import closing

    kept = closing.close(1999, administrator)
    assert kept.copies.filter(form="training").count() == 3  # PDF, XLSX, JSON

    def refused(work):
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            work()
        assert shared.is_closed_year_error(caught.value), caught.value

    event = TrainingEvent.objects.get(title="b")
    refused(lambda: TrainingEvent.objects.filter(pk=event.pk).update(hours=9))
    refused(lambda: make_event(title="new", held_on=datetime.date(1999, 8, 1)))
    refused(
        lambda: TrainingParticipation.objects.create(
            event=event, enterprise=enterprises["E-2"], participants=1
        )
    )
    refused(lambda: event.participations.all().delete())
    # 2000 stays open
    make_event(title="open", held_on=datetime.date(2000, 8, 1))
    closing.reopen(1999, administrator, "a late attendance sheet")
    TrainingEvent.objects.filter(pk=event.pk).update(hours=9)


@pytest.mark.django_db
def test_the_summary_page_shows_the_years_incentives_and_environmental_investment(
    client_as, enterprises, make_incentive
):
    from programme.models import EnvironmentalInvestment

    make_incentive()  # a reward of 5, 1999
    make_incentive(enterprise="E-2", kind="loan", amount_10k_yuan=Decimal("120"))
    make_incentive(granted_on=datetime.date(1998, 3, 1))  # a year before: to date only
    make_incentive(granted_on=datetime.date(2000, 3, 1))  # after the year: not counted
    for year, project, category, status, amount in [
        (1999, "脱硫", "treatment", "completed", "300"),
        (1999, "绿化", "greening", "completed", "20"),
        (1999, "监测站", "monitoring", "planned", "50"),
        (1998, "污水站", "treatment", "completed", "100"),
    ]:
        EnvironmentalInvestment.objects.create(
            enterprise=enterprises["E-1"],
            year=year,
            project=project,
            category=category,
            status=status,
            source="own",
            amount_10k_yuan=Decimal(amount),
        )
    response = client_as(roles.LEADERSHIP).get(reverse("reports:dashboard"), {"year": 1999})
    office = response.context["office"]
    by_kind = {
        str(kind["label"]): (kind["count"], kind["amount"]) for kind in office["incentive_kinds"]
    }
    assert (office["incentives_count"], office["incentives_amount"]) == (2, Decimal("125"))
    assert office["incentives_to_date"] == Decimal("130")
    assert sorted(by_kind.values()) == [(0, 0), (0, 0), (1, Decimal("5")), (1, Decimal("120"))]
    assert office["investment_completed"] == Decimal("320")
    assert office["investment_treatment"] == Decimal("300")
    assert office["investment_planned"] == Decimal("50")
    assert office["investment_to_date"] == Decimal("420")
    html = response.content.decode()
    assert 'id="incentives-investment"' in html
    assert '<td class="text-end" id="incentives-amount">125</td>' in html
    assert '<dd class="col-4 text-end" id="investment-completed">320</dd>' in html
