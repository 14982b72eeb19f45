"""Discharge reports at the model and service layer: constraints, workflow, lock, unlock."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from enterprises import workflow
from enterprises.models import (
    DischargeReport,
    DischargeValue,
    ReliabilityFlag,
    ReportLocked,
    ReportUnlock,
)
from enterprises.workflow import TransitionRefused, ValueRow


@pytest.mark.django_db
def test_the_database_refuses_a_second_report_for_the_same_period(steel):
    DischargeReport.objects.create(enterprise=steel, year=1998)
    with pytest.raises(IntegrityError), transaction.atomic():
        DischargeReport.objects.create(enterprise=steel, year=1998)
    # Another period of the same year is a different report.
    DischargeReport.objects.create(enterprise=steel, year=1998, period_kind="Q", period_number=1)
    assert DischargeReport.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_negative_amounts_and_a_pollutant_twice(steel, pollutants):
    report = DischargeReport.objects.create(enterprise=steel, year=1998)
    with pytest.raises(IntegrityError), transaction.atomic():
        DischargeValue.objects.create(report=report, pollutant=pollutants["COD"], amount=-1)
    DischargeValue.objects.create(report=report, pollutant=pollutants["COD"], amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        DischargeValue.objects.create(report=report, pollutant=pollutants["COD"], amount=2)
    assert list(report.values.values_list("amount", flat=True)) == [Decimal(1)]


@pytest.mark.django_db
def test_the_database_refuses_a_bad_period_grade_and_an_unlock_without_reason(steel, administrator):
    with pytest.raises(IntegrityError), transaction.atomic():
        DischargeReport.objects.create(
            enterprise=steel, year=1998, period_kind="Q", period_number=5
        )
    report = DischargeReport.objects.create(enterprise=steel, year=1998)
    with pytest.raises(IntegrityError), transaction.atomic():
        DischargeReport.objects.filter(pk=report.pk).update(grade="E")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportUnlock.objects.create(report=report, unlocked_by=administrator, reason="")


def rows(pollutants, **amounts) -> list[ValueRow]:
    return [
        ValueRow(pollutants[code], Decimal(str(amount)), "measured_sampling")
        for code, amount in amounts.items()
    ]


@pytest.mark.django_db
def test_the_whole_way_draft_submitted_verified(steel, pollutants, epb_user, epb_verifier):
    report = DischargeReport(enterprise=steel, year=2000)
    workflow.save_report(report, rows(pollutants, COD=1200, SO2=15000), epb_user)
    assert report.status == "draft" and report.grade == "A"
    assert report.created_by == epb_user

    workflow.submit(report, epb_user)
    report.refresh_from_db()
    assert (report.status, report.submitted_by) == ("submitted", epb_user)

    workflow.verify(report, epb_verifier)
    report.refresh_from_db()
    assert (report.status, report.verified_by) == ("verified", epb_verifier)
    assert report.is_locked
    reasons = list(report.history.values_list("history_change_reason", flat=True))
    assert reasons[:2] == ["verify", "submit"]


@pytest.mark.django_db
def test_each_refused_transition(steel, pollutants, epb_user, make_report):
    draft = make_report(steel, 1997, {"COD": 1})
    empty = make_report(steel, 1996)
    submitted = make_report(steel, 1998, {"COD": 1}, status="submitted")
    verified = make_report(steel, 1999, {"COD": 1}, status="verified")
    returned = make_report(steel, 2000, {"COD": 1}, status="returned")

    refused = [
        (workflow.submit, submitted, ()),
        (workflow.submit, verified, ()),
        (workflow.submit, empty, ()),
        (workflow.verify, draft, ()),
        (workflow.verify, returned, ()),
        (workflow.verify, verified, ()),
        (workflow.return_report, draft, ("why",)),
        (workflow.return_report, returned, ("why",)),
        (workflow.return_report, verified, ("why",)),
        (workflow.return_report, submitted, ("  ",)),
    ]
    for step, report, args in refused:
        before = report.status
        with pytest.raises(TransitionRefused):
            step(report, epb_user, *args)
        report.refresh_from_db()
        assert report.status == before, (step.__name__, before)


@pytest.mark.django_db
def test_a_returned_report_keeps_its_reason_and_can_be_resubmitted(
    steel, epb_user, make_report, pollutants
):
    report = make_report(steel, 1998, {"COD": 10}, status="submitted")
    workflow.return_report(report, epb_user, "COD 单位有误")
    report.refresh_from_db()
    assert (report.status, report.return_reason, report.returned_by) == (
        "returned",
        "COD 单位有误",
        epb_user,
    )
    workflow.save_report(report, rows(pollutants, COD=12), epb_user)
    workflow.submit(report, epb_user)
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.django_db
def test_a_verified_report_refuses_every_change_at_the_model(
    steel, pollutants, epb_user, make_report
):
    report = make_report(steel, 1999, {"COD": 10}, status="verified")
    value = report.values.get()
    with pytest.raises(ReportLocked):
        workflow.save_report(report, rows(pollutants, COD=99), epb_user)
    report.output_10k_yuan = 5
    with pytest.raises(ReportLocked):
        report.save()
    value.amount = 99
    with pytest.raises(ReportLocked):
        value.save()
    with pytest.raises(ReportLocked):
        value.delete()
    with pytest.raises(ReportLocked):
        DischargeValue.objects.create(report=report, pollutant=pollutants["SO2"], amount=1)
    with pytest.raises(ReportLocked):
        report.delete()
    assert list(report.values.values_list("amount", flat=True)) == [Decimal(10)]


@pytest.mark.django_db
def test_unlock_needs_an_administrator_and_a_reason_and_is_recorded(
    steel, pollutants, administrator, epb_user, epb_verifier, make_report
):
    report = make_report(steel, 1999, {"COD": 10}, status="verified")
    with pytest.raises(PermissionDenied):
        workflow.unlock(report, epb_user, "typo")
    with pytest.raises(TransitionRefused):
        workflow.unlock(report, administrator, "   ")
    assert not ReportUnlock.objects.exists()
    report.refresh_from_db()
    assert report.status == "verified"

    workflow.unlock(report, administrator, "企业更正了COD监测数据")
    report.refresh_from_db()
    assert report.status == "submitted" and report.verified_by is None
    unlock = ReportUnlock.objects.get()
    assert (unlock.unlocked_by, unlock.reason) == (administrator, "企业更正了COD监测数据")
    assert report.history.first().history_change_reason == "unlock: 企业更正了COD监测数据"
    # Now it can change, and be verified again.
    workflow.save_report(report, rows(pollutants, COD=11), epb_user)
    workflow.verify(report, epb_verifier)
    report.refresh_from_db()
    assert report.is_locked
    with pytest.raises(TransitionRefused):
        workflow.unlock(make_report(steel, 2000, {"COD": 1}), administrator, "not verified")


@pytest.mark.django_db
def test_verify_needs_the_permission(steel, auditor_user, make_report):
    report = make_report(steel, 1998, {"COD": 1}, status="submitted")
    with pytest.raises(PermissionDenied):
        workflow.verify(report, auditor_user)
    with pytest.raises(PermissionDenied):
        workflow.submit(report, auditor_user)


@pytest.mark.django_db
def test_saving_replaces_the_values_and_recomputes_flags(steel, pollutants, epb_user):
    report = DischargeReport(enterprise=steel, year=2000)
    workflow.save_report(report, rows(pollutants, COD=1, SO2=2), epb_user)
    workflow.save_report(
        report,
        [ValueRow(pollutants["COD"], Decimal(3), "estimated")],
        epb_user,
    )
    assert dict(report.values.values_list("pollutant__code", "amount")) == {"COD": Decimal(3)}
    flag = ReliabilityFlag.objects.get(report=report)
    assert (flag.code, flag.severity, flag.value.pollutant.code) == ("estimated", "info", "COD")
    # One estimated value out of one: more than half estimated, grade B.
    assert report.grade == "B"
    history = report.values.model.history.filter(report_id=report.pk)
    assert sorted(history.values_list("history_type", flat=True)) == ["+", "+", "-", "~"]
