"""Separation of duties: whoever entered or submitted a report does not verify it; verifying
asks for confirmation; a selection of grade A/B reports is verified at once, all or none;
"verify next" opens the oldest report the user may verify."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from benxi_cp.importers import get_importer
from enterprises import workflow
from enterprises.forms import SelectionForm, VerifyForm
from enterprises.models import DischargeReport, Enterprise, ReliabilityFlag
from enterprises.workflow import DutiesRefused, SelectionRefused, TransitionRefused, ValueRow


@pytest.fixture(autouse=True)
def english(client):
    """Messages compared in English, in the service and on the pages."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def rows(pollutants, **amounts) -> list[ValueRow]:
    return [
        ValueRow(pollutants[code], Decimal(str(amount)), "measured_sampling")
        for code, amount in amounts.items()
    ]


def submitted(enterprise, year, pollutants, by, *, grade="A", when=None) -> DischargeReport:
    """A report that `by` entered and submitted, of `grade`, submitted at `when`."""
    report = DischargeReport(enterprise=enterprise, year=year)
    workflow.save_report(report, rows(pollutants, COD=1000), by)
    workflow.submit(report, by)
    changes = {"grade": grade}
    if when is not None:
        changes["submitted_at"] = when
    DischargeReport.objects.filter(pk=report.pk).update(**changes)
    report.refresh_from_db()
    return report


def at(day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2002, 2, day, 10, 0))


# -- the service ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_who_entered_the_values_may_not_verify_them(steel, pollutants, epb_user, epb_verifier):
    report = DischargeReport(enterprise=steel, year=2000)
    workflow.save_report(report, rows(pollutants, COD=1200), epb_user)
    assert report.entered_by == epb_user
    workflow.submit(report, epb_verifier)  # submitted by another: still the enterer's values
    with pytest.raises(DutiesRefused, match="You entered this report's values"):
        workflow.verify(report, epb_user)
    report.refresh_from_db()
    assert report.status == "submitted" and report.verified_by is None


@pytest.mark.django_db
def test_who_submitted_may_not_verify_and_a_third_member_may(
    steel, pollutants, epb_user, epb_verifier, make_user
):
    report = DischargeReport(enterprise=steel, year=2000)
    workflow.save_report(report, rows(pollutants, COD=1200), epb_user)
    workflow.submit(report, epb_verifier)
    with pytest.raises(DutiesRefused, match="You submitted this report"):
        workflow.verify(report, epb_verifier)
    third = make_user("epb_staff", "epb-third")
    workflow.verify(report, third)
    report.refresh_from_db()
    assert (report.status, report.verified_by) == ("verified", third)


@pytest.mark.django_db
def test_who_created_the_report_may_not_verify_it_after_another_saved_it(
    steel, pollutants, epb_user, epb_verifier, make_user
):
    report = DischargeReport(enterprise=steel, year=2000)
    workflow.save_report(report, rows(pollutants, COD=1200), epb_user)
    workflow.save_report(report, rows(pollutants, COD=1300), epb_verifier)
    report.refresh_from_db()
    assert (report.created_by, report.entered_by) == (epb_user, epb_verifier)
    workflow.submit(report, epb_verifier)
    with pytest.raises(DutiesRefused):
        workflow.verify(report, epb_user)


@pytest.mark.django_db
def test_the_deployment_setting_allows_self_verification(settings, steel, pollutants, epb_user):
    report = submitted(steel, 2000, pollutants, epb_user)
    assert workflow.duties_refusal(report, epb_user)
    settings.BENXI_ALLOW_SELF_VERIFY = True
    assert workflow.duties_refusal(report, epb_user) == ""
    assert list(DischargeReport.objects.to_verify_by(epb_user)) == [report]
    workflow.verify(report, epb_user)
    report.refresh_from_db()
    assert report.verified_by == epb_user


@pytest.mark.django_db
def test_the_status_is_told_before_the_duties(steel, make_report, epb_user):
    draft = make_report(steel, 2000, {"COD": 1})
    DischargeReport.objects.filter(pk=draft.pk).update(created_by=epb_user)
    draft.refresh_from_db()
    with pytest.raises(TransitionRefused, match="Only a submitted report") as refused:
        workflow.verify(draft, epb_user)
    assert not isinstance(refused.value, DutiesRefused)


@pytest.mark.django_db
def test_the_importing_user_entered_the_values(steel, make_report, epb_user, epb_verifier):
    existing = make_report(steel, 2000, {"COD": 1}, status="submitted")
    assert existing.entered_by is None
    text = (
        "enterprise_code,year,period,pollutant,amount,unit,basis,output_10k_yuan\n"
        "S-1,2000,Y,COD,5,t,measured_sampling,\n"
        "S-1,2001,Y,COD,6,t,measured_sampling,\n"
    )
    result = get_importer("discharge")(user=epb_user).run(text.encode(), "d.csv")
    assert not result.errors
    existing.refresh_from_db()
    new = DischargeReport.objects.get(enterprise=steel, year=2001)
    assert existing.entered_by == epb_user
    assert (new.created_by, new.entered_by, new.submitted_by) == (epb_user,) * 3
    for report in (existing, new):
        with pytest.raises(DutiesRefused):
            workflow.verify(report, epb_user)
        workflow.verify(report, epb_verifier)


@pytest.mark.django_db
def test_a_selection_is_verified_all_or_nothing_with_every_refusal_named(
    steel, pollutants, epb_user, epb_verifier, make_report
):
    coal = Enterprise.objects.create(code="C-1", name="溪城煤矿", sector="coal")
    good = submitted(steel, 2000, pollutants, epb_user, grade="A")
    also_good = submitted(coal, 2000, pollutants, epb_user, grade="B")
    doubtful = submitted(steel, 2001, pollutants, epb_user, grade="C")
    own = submitted(coal, 2001, pollutants, epb_verifier, grade="A")
    draft = make_report(steel, 1999, {"COD": 1})
    ids = [good.pk, also_good.pk, doubtful.pk, own.pk, draft.pk]
    with pytest.raises(SelectionRefused) as refused:
        workflow.verify_selection(ids, epb_verifier)
    reasons = {report.pk: reason for report, reason in refused.value.refused}
    assert set(reasons) == {doubtful.pk, own.pk, draft.pk}
    assert "grade C" in reasons[doubtful.pk]
    assert "You entered this report's values" in reasons[own.pk]
    assert "Only a submitted report" in reasons[draft.pk]
    assert any(str(doubtful) in message for message in refused.value.messages)
    assert not DischargeReport.objects.filter(status="verified").exists()

    verified = workflow.verify_selection([good.pk, also_good.pk], epb_verifier)
    assert {report.pk for report in verified} == {good.pk, also_good.pk}
    assert set(
        DischargeReport.objects.filter(status="verified").values_list("pk", "verified_by")
    ) == {(good.pk, epb_verifier.pk), (also_good.pk, epb_verifier.pk)}
    assert good.history.first().history_change_reason == "verify"


@pytest.mark.django_db
def test_a_selection_needs_reports_that_exist_and_the_permission(
    steel, pollutants, epb_user, epb_verifier, auditor_user
):
    from django.core.exceptions import PermissionDenied

    report = submitted(steel, 2000, pollutants, epb_user)
    with pytest.raises(TransitionRefused, match="Choose the reports"):
        workflow.verify_selection([], epb_verifier)
    with pytest.raises(TransitionRefused, match="no longer exist"):
        workflow.verify_selection([report.pk, report.pk + 1000], epb_verifier)
    with pytest.raises(TransitionRefused, match="at most 200"):
        workflow.verify_selection(range(report.pk, report.pk + 201), epb_verifier)
    with pytest.raises(PermissionDenied):
        workflow.verify_selection([report.pk], auditor_user)
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.django_db
def test_verify_next_is_the_oldest_submission_the_user_may_verify(
    steel, pollutants, epb_user, epb_verifier
):
    coal = Enterprise.objects.create(code="C-1", name="溪城煤矿", sector="coal")
    own_oldest = submitted(steel, 1999, pollutants, epb_verifier, when=at(1))
    later = submitted(coal, 2000, pollutants, epb_user, when=at(9))
    older = submitted(steel, 2000, pollutants, epb_user, when=at(5))
    undated = submitted(coal, 2001, pollutants, epb_user)
    DischargeReport.objects.filter(pk=undated.pk).update(submitted_at=None)
    assert workflow.next_to_verify(epb_verifier) == older
    assert workflow.next_to_verify(epb_verifier, after=older) == later
    assert workflow.next_to_verify(epb_user) == own_oldest
    assert list(DischargeReport.objects.to_verify_by(epb_verifier)) == [older, later, undated]
    workflow.verify_selection([older.pk, later.pk, undated.pk], epb_verifier)
    assert workflow.next_to_verify(epb_verifier) is None


# -- the forms ------------------------------------------------------------------------------
def test_the_confirmation_asks_for_the_serious_flags_to_be_acknowledged():
    assert VerifyForm({}, serious=0).is_valid()
    form = VerifyForm({}, serious=2)
    assert not form.is_valid() and "acknowledge" in form.errors
    assert VerifyForm({"acknowledge": "on"}, serious=2).is_valid()


def test_the_selection_form_takes_report_numbers_only():
    form = SelectionForm({"report": ["3", "12"], "step": "review"})
    assert form.is_valid() and form.cleaned_data["report"] == [3, 12]
    assert not SelectionForm({"report": ["3", "x"], "step": "review"}).is_valid()
    assert not SelectionForm({"report": ["9" * 12], "step": "review"}).is_valid()
    assert not SelectionForm({"step": "review"}).is_valid()
    assert not SelectionForm({"report": ["3"], "step": "later"}).is_valid()


# -- the pages ------------------------------------------------------------------------------
def serious_flag(report) -> ReliabilityFlag:
    return ReliabilityFlag.objects.create(
        report=report, code="outlier", severity="serious", params={"z": "6.1"}
    )


@pytest.mark.django_db
def test_the_verify_page_shows_flags_and_grade_and_wants_the_serious_ones_acknowledged(
    client, steel, pollutants, epb_user, epb_verifier
):
    report = submitted(steel, 2000, pollutants, epb_user, grade="C", when=at(1))
    serious_flag(report)
    following = submitted(steel, 2001, pollutants, epb_user, when=at(2))
    client.force_login(epb_verifier)
    url = reverse("enterprises:report_verify", args=[report.pk])
    page = client.get(url).content.decode()
    assert 'id="report-grade"' in page and ">C<" in page
    assert "severity-serious" in page and 'id="id_acknowledge"' in page
    assert 'id="report-values"' in page

    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 200
    assert "acknowledge" in response.context["form"].errors
    report.refresh_from_db()
    assert report.status == "submitted"

    response = client.post(url, {"confirm": "1", "acknowledge": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:report_verify", args=[following.pk])
    report.refresh_from_db()
    assert (report.status, report.verified_by) == ("verified", epb_verifier)

    # The last one: back to the report, saying that nothing else waits.
    response = client.post(
        reverse("enterprises:report_verify", args=[following.pk]), {"confirm": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == following.get_absolute_url()
    assert "No other report waits for you" in response.content.decode()


@pytest.mark.django_db
def test_the_enterer_sees_why_and_no_button(client, steel, pollutants, epb_user):
    report = submitted(steel, 2000, pollutants, epb_user)
    client.force_login(epb_user)
    page = client.get(reverse("enterprises:report_verify", args=[report.pk])).content.decode()
    assert 'id="verify-refusal"' in page and 'id="confirm-verify"' not in page
    detail = client.get(report.get_absolute_url()).content.decode()
    assert 'id="duties-note"' in detail and 'id="verify-button"' not in detail
    assert 'id="return-form"' in detail  # returning stays open to them
    response = client.post(reverse("enterprises:report_verify", args=[report.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.django_db
def test_a_report_not_submitted_sends_the_verify_page_back_to_the_report(
    client_as, steel, make_report
):
    draft = make_report(steel, 2000, {"COD": 1})
    response = client_as("epb_staff").get(reverse("enterprises:report_verify", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "leadership"])
def test_readers_may_not_verify(client_as, steel, make_report, role):
    report = make_report(steel, 2000, {"COD": 1}, status="submitted")
    client = client_as(role)
    assert client.get(reverse("enterprises:report_verify", args=[report.pk])).status_code == 403
    assert client.post(reverse("enterprises:report_verify", args=[report.pk])).status_code == 403
    assert client.get(reverse("enterprises:report_verify_next")).status_code == 403
    response = client.post(
        reverse("enterprises:report_verify_selection"), {"report": [report.pk], "step": "confirm"}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"
    page = client.get(reverse("enterprises:report_list")).content.decode()
    assert 'id="verify-selection"' not in page and 'name="report"' not in page


@pytest.mark.django_db
def test_verify_next_opens_the_oldest_or_says_there_is_none(
    client, steel, pollutants, epb_user, epb_verifier
):
    report = submitted(steel, 2000, pollutants, epb_user, when=at(3))
    client.force_login(epb_verifier)
    response = client.get(reverse("enterprises:report_verify_next"))
    assert response["Location"] == reverse("enterprises:report_verify", args=[report.pk])
    client.force_login(epb_user)
    response = client.get(reverse("enterprises:report_verify_next"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("enterprises:report_list"))
    assert "No submitted report waits for you" in response.content.decode()


@pytest.mark.django_db
def test_the_list_offers_a_box_for_submitted_reports_of_grade_a_or_b_only(
    client, steel, pollutants, epb_user, epb_verifier, make_report
):
    coal = Enterprise.objects.create(code="C-1", name="溪城煤矿", sector="coal")
    a = submitted(steel, 2000, pollutants, epb_user, grade="A")
    c = submitted(coal, 2000, pollutants, epb_user, grade="C")
    draft = make_report(steel, 1999, {"COD": 1})
    client.force_login(epb_verifier)
    page = client.get(reverse("enterprises:report_list")).content.decode()
    assert 'id="verify-selection"' in page and 'id="verify-next"' in page
    assert f'name="report" value="{a.pk}"' in page
    assert f'name="report" value="{c.pk}"' not in page
    assert f'name="report" value="{draft.pk}"' not in page
    export = client.get(reverse("enterprises:report_list") + "?_export=csv")
    header = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Code,") and "Choose" not in header


@pytest.mark.django_db
def test_the_selection_is_reviewed_then_confirmed(
    client, steel, pollutants, epb_user, epb_verifier, django_assert_num_queries
):
    coal = Enterprise.objects.create(code="C-1", name="溪城煤矿", sector="coal")
    mine = submitted(coal, 2001, pollutants, epb_verifier, grade="A")
    reports = [
        submitted(steel, 2000, pollutants, epb_user, grade="A"),
        submitted(coal, 2000, pollutants, epb_user, grade="B"),
    ]
    client.force_login(epb_verifier)
    url = reverse("enterprises:report_verify_selection")
    back = reverse("enterprises:report_list") + "?status=submitted"
    chosen = [r.pk for r in reports]
    # 1 session, 2 user, 3 groups, 4 user perms, 5 group perms (the permission and the
    # menu), 6 the chosen reports with their enterprise and flag counts, 7 demo flag.
    with django_assert_num_queries(7):
        page = client.post(url, {"report": [*chosen, mine.pk], "step": "review", "back": back})
    html = page.content.decode()
    assert 'id="selection-refused"' in html and 'id="confirm-selection"' not in html
    assert html.count('class="table-warning refused"') == 1

    # Confirming with the refused one anyway: nothing is verified, the refusal is named.
    response = client.post(
        url, {"report": [*chosen, mine.pk], "step": "confirm", "back": back}, follow=True
    )
    assert response.redirect_chain[-1][0] == back
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Nothing was verified" in text and str(mine) in text
    assert not DischargeReport.objects.filter(status="verified").exists()

    page = client.post(url, {"report": chosen, "step": "review", "back": back})
    assert 'id="confirm-selection"' in page.content.decode()
    response = client.post(url, {"report": chosen, "step": "confirm", "back": back}, follow=True)
    assert "2 reports verified and locked." in response.content.decode()
    assert set(DischargeReport.objects.filter(status="verified").values_list("pk", flat=True)) == (
        set(chosen)
    )


@pytest.mark.django_db
def test_the_selection_refuses_nothing_chosen_and_a_foreign_back_address(client_as):
    client = client_as("epb_staff")
    response = client.post(
        reverse("enterprises:report_verify_selection"),
        {"step": "confirm", "back": "https://elsewhere.example/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("enterprises:report_list")
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    too_many = [str(n) for n in range(1, 202)]
    response = client.post(
        reverse("enterprises:report_verify_selection"),
        {"report": too_many, "step": "review"},
        follow=True,
    )
    assert "at most 200" in " ".join(str(m) for m in response.context["messages"])


@pytest.mark.django_db
def test_the_admin_records_who_entered_the_values(client, steel, administrator, epb_verifier):
    administrator.is_staff = True
    administrator.save()
    report = DischargeReport.objects.create(enterprise=steel, year=2000, status="submitted")
    client.force_login(administrator)
    change = reverse("admin:enterprises_dischargereport_change", args=[report.pk])
    data = {
        "enterprise": steel.pk,
        "year": 2000,
        "period_kind": "Y",
        "period_number": 0,
        "output_10k_yuan": "12",
        "values-TOTAL_FORMS": "0",
        "values-INITIAL_FORMS": "0",
        "values-MIN_NUM_FORMS": "0",
        "values-MAX_NUM_FORMS": "1000",
    }
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.entered_by == administrator
    with pytest.raises(DutiesRefused):
        workflow.verify(report, administrator)
    workflow.verify(report, epb_verifier)
