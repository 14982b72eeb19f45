"""The discharge reports' work queues: what this user may verify (not what they entered or
submitted), oldest first, due 30 days after submission, with grade and flags; returned
reports; unlocked reports not verified again."""

import datetime

import pytest
from django.utils import timezone, translation

from benxi_cp import worklist
from enterprises import workflow
from enterprises.models import DischargeReport, Enterprise, ReliabilityFlag

from .test_separation_of_duties import submitted

TODAY = datetime.date(2002, 3, 20)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def group(user, kind, today=TODAY):
    return {g.key: g for g in worklist.groups_for(user, today)}[kind]


@pytest.mark.django_db
def test_the_verification_queue_is_what_this_user_may_verify_oldest_first(
    steel, pollutants, epb_user, epb_verifier
):
    other = Enterprise.objects.create(code="S-2", name="二厂", sector="iron_steel")
    late = submitted(
        steel, 2000, pollutants, epb_user, grade="D", when=at(datetime.date(2002, 2, 1))
    )
    recent = submitted(other, 2000, pollutants, epb_user, when=at(datetime.date(2002, 3, 1)))
    ReliabilityFlag.objects.create(report=late, code="negative", severity="serious")
    ReliabilityFlag.objects.create(report=late, code="yoy", severity="warning")
    ReliabilityFlag.objects.create(report=late, code="yoy", severity="warning")
    queue = group(epb_verifier, "enterprises.verify")
    assert [item.url for item in queue.items] == [
        f"/enterprises/reports/{late.pk}/verify/",
        f"/enterprises/reports/{recent.pk}/verify/",
    ]
    first = queue.items[0]
    assert first.due == datetime.date(2002, 3, 3) and first.is_overdue(TODAY)
    assert first.tags == (("Grade D", "danger"), ("1 serious", "danger"), ("2 warnings", "warning"))
    assert queue.total == 2 and queue.overdue == 1
    assert queue.actions == (("Verify next", "/enterprises/reports/verify/next/"),)
    # who entered and submitted them verifies none of them (separation of duties)
    mine = group(epb_user, "enterprises.verify")
    assert mine.items == [] and mine.total == 0 and mine.actions == ()


@pytest.mark.django_db
def test_returned_reports_open_the_entry_grid(
    steel, pollutants, epb_user, epb_verifier, auditor_user
):
    report = submitted(steel, 2000, pollutants, epb_user)
    workflow.return_report(report, epb_verifier, "COD missing its basis")
    [item] = group(epb_user, "enterprises.returned").items
    assert "COD missing its basis" in item.detail
    assert item.url == report.entry_url and item.due is None
    assert "enterprises.returned" not in {g.key for g in worklist.groups_for(auditor_user, TODAY)}


@pytest.mark.django_db
def test_unlocked_reports_stay_with_the_office_until_verified_again(
    steel, pollutants, epb_user, epb_verifier, administrator
):
    report = submitted(steel, 2000, pollutants, epb_user)
    workflow.verify(report, epb_verifier)
    workflow.unlock(DischargeReport.objects.get(pk=report.pk), administrator, "wrong unit")
    today = timezone.localdate()
    [item] = group(administrator, "enterprises.unlocked", today).items
    assert "wrong unit" in item.detail and item.url == report.get_absolute_url()
    assert "enterprises.unlocked" not in {g.key for g in worklist.groups_for(epb_user, today)}
    workflow.verify(DischargeReport.objects.get(pk=report.pk), epb_verifier)
    assert group(administrator, "enterprises.unlocked", today).total == 0
