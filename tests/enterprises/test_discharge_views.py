"""Discharge report pages: who may do what, the entry grid, the workflow buttons, the lists."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from enterprises.models import (
    DischargeReport,
    DischargeValue,
    Enterprise,
    ReportUnlock,
    entry_url,
)
from tests.fixtures import ALL_ROLES

WRITERS = {"administrator", "epb_staff"}

STEADY_COD = [1000, 1040, 980, 1010, 990]


@pytest.fixture
def history(steel, make_report) -> list[DischargeReport]:
    """Five verified years of a steel works, 1995–1999."""
    return [
        make_report(steel, 1995 + i, {"COD": cod, "SO2": 20000}, status="verified")
        for i, cod in enumerate(STEADY_COD)
    ]


def page_urls(report: DischargeReport) -> dict[str, tuple[str, bool]]:
    """Each page and whether it writes."""
    return {
        "list": (reverse("enterprises:report_list"), False),
        "list export": (reverse("enterprises:report_list") + "?_export=csv", False),
        "detail": (reverse("enterprises:report_detail", args=[report.pk]), False),
        "history": (reverse("enterprises:report_history", args=[report.pk]), False),
        "flags": (reverse("enterprises:flagged_values"), False),
        "flags export": (reverse("enterprises:flagged_values") + "?_export=xlsx", False),
        "enterprise": (report.enterprise.get_absolute_url(), False),
        "entry start": (reverse("enterprises:report_entry"), True),
        "entry grid": (entry_url(report.enterprise_id, 2001), True),
        "import": (reverse("import", args=["discharge"]), True),
        "import from the menu": (reverse("enterprises:report_import"), True),
    }


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client, steel, make_report):
    report = make_report(steel, 2000, {"COD": 1})
    for url, _writes in page_urls(report).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_reads_and_writes_exactly_what_it_may(client_as, steel, make_report, role):
    report = make_report(steel, 2000, {"COD": 1}, status="submitted")
    client = client_as(role)
    for name, (url, writes) in page_urls(report).items():
        expected = 403 if writes and role not in WRITERS else 200
        response = client.get(url, follow=True)
        assert response.status_code == expected, (role, name)
    navigation = client.get(reverse("home")).content.decode()
    assert (reverse("enterprises:report_entry") in navigation) is (role in WRITERS)
    assert reverse("enterprises:flagged_values") in navigation


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "leadership"])
def test_read_only_roles_are_refused_every_write(client_as, steel, make_report, role):
    client = client_as(role)
    submitted = make_report(steel, 2000, {"COD": 1}, status="submitted")
    verified = make_report(steel, 1999, {"COD": 1}, status="verified")
    draft = make_report(steel, 2001, {"COD": 1})
    posts = [
        (reverse("enterprises:report_submit", args=[draft.pk]), {}),
        (reverse("enterprises:report_verify", args=[submitted.pk]), {}),
        (reverse("enterprises:report_return", args=[submitted.pk]), {"reason": "x"}),
        (reverse("enterprises:report_unlock", args=[verified.pk]), {"reason": "x"}),
        (draft.entry_url, {"action": "save", "rows-TOTAL_FORMS": "0"}),
        (reverse("import", args=["discharge"]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    statuses = sorted(DischargeReport.objects.values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "verified"]


@pytest.mark.django_db
def test_only_an_administrator_may_unlock(client_as, steel, make_report):
    report = make_report(steel, 1999, {"COD": 1}, status="verified")
    url = reverse("enterprises:report_unlock", args=[report.pk])
    assert client_as("epb_staff").post(url, {"reason": "typo"}).status_code == 403
    detail = client_as("epb_staff").get(report.get_absolute_url()).content.decode()
    assert 'id="unlock-form"' not in detail
    admin = client_as("administrator")
    assert 'id="unlock-form"' in admin.get(report.get_absolute_url()).content.decode()
    response = admin.post(url, {"reason": "  "})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "verified" and not ReportUnlock.objects.exists()
    admin.post(url, {"reason": "监测站更正了数据"})
    report.refresh_from_db()
    assert report.status == "submitted"
    history = admin.get(reverse("enterprises:report_history", args=[report.pk]))
    assert "监测站更正了数据" in history.content.decode()


@pytest.mark.django_db
def test_a_user_without_a_role_sees_nothing(client, make_user, steel, make_report):
    report = make_report(steel, 2000, {"COD": 1})
    client.force_login(make_user(None))
    for name, (url, _writes) in page_urls(report).items():
        if name == "enterprise":
            continue
        assert client.get(url).status_code == 403, name


# -- the grid -------------------------------------------------------------------------------
def grid_post(response, **amounts) -> dict:
    """The grid's form as the browser would send it, with `amounts` typed in."""
    context = response.context
    data = {"action": "save", "output_10k_yuan": ""}
    formset = context["formset"]
    data.update(
        {
            f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
            f"{formset.prefix}-INITIAL_FORMS": "0",
        }
    )
    for form, row in zip(formset.forms, context["rows"], strict=True):
        code = row["pollutant"].code
        data[form.add_prefix("pollutant")] = str(row["pollutant"].pk)
        data[form.add_prefix("amount")] = str(amounts.get(code, form["amount"].value() or ""))
        data[form.add_prefix("basis")] = form["basis"].value()
    return data


@pytest.mark.django_db
def test_the_grid_lists_last_periods_pollutants_and_values(client_as, steel, history):
    response = client_as("epb_staff").get(entry_url(steel.pk, 2000))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["pollutant"].code for row in rows] == ["COD", "SO2"]
    assert rows[0]["previous"]["amount"] == Decimal(990)
    assert response.context["previous"].year == 1999
    # The basis defaults to last period's.
    assert rows[0]["form"]["basis"].value() == "measured_sampling"
    content = response.content.decode()
    assert "data-entry-grid" in content and "enterprises/js/grid.js" in content
    assert 'id="id_add_pollutant"' in content


@pytest.mark.django_db
def test_a_months_grid_compares_with_last_month_a_year_before_and_the_year_scaled(
    client_as, steel, history, make_report
):
    """An enterprise that reported years, then months: every column says what it holds."""
    make_report(steel, 1999, {"COD": 80}, kind="M", number=6, status="verified")
    make_report(steel, 2000, {"COD": 90, "SO2": 1500}, kind="M", number=5, basis="calculated")
    response = client_as("epb_staff").get(entry_url(steel.pk, 2000, "M06"))
    assert response.status_code == 200
    columns = response.context["columns"]
    assert [str(column["report"]) for column in columns] == [
        "S-1 2000-M05",
        "S-1 1999-M06",
        "S-1 1999",
    ]
    rows = {row["pollutant"].code: row for row in response.context["rows"]}
    cod = [value["amount"] if value else None for value in rows["COD"]["compared"]]
    assert cod == [Decimal(90), Decimal(80), Decimal("82.50")]  # 990 / 12, to the hundredth
    assert [value and value["scaled"] for value in rows["SO2"]["compared"]] == [False, None, True]
    # Each basis is the one the enterprise last reported for that pollutant, of any kind.
    assert rows["COD"]["form"]["basis"].value() == "calculated"
    content = response.content.decode()
    assert "1999" in content and "2000-M05" in content


@pytest.mark.django_db
def test_a_basis_follows_the_latest_report_of_any_kind(client_as, steel, history, make_report):
    make_report(steel, 2000, {"COD": 300}, kind="Q", number=1, basis="measured_continuous")
    response = client_as("epb_staff").get(entry_url(steel.pk, 2000, "Q2"))
    rows = {row["pollutant"].code: row for row in response.context["rows"]}
    assert rows["COD"]["form"]["basis"].value() == "measured_continuous"
    # A later period does not count for an earlier one; the annual 1999 does.
    response = client_as("epb_staff").get(entry_url(steel.pk, 1999, "Q4"))
    rows = {row["pollutant"].code: row for row in response.context["rows"]}
    assert rows["COD"]["form"]["basis"].value() == "measured_sampling"
    # An annual grid compares with the previous year only.
    response = client_as("epb_staff").get(entry_url(steel.pk, 2000))
    assert [str(column["report"]) for column in response.context["columns"]] == ["S-1 1999"]


@pytest.mark.django_db
def test_a_first_report_offers_the_whole_catalogue(client_as, steel):
    response = client_as("epb_staff").get(entry_url(steel.pk, 2000))
    assert len(response.context["rows"]) == 14
    # Nothing was ever reported: no basis is chosen for the clerk.
    assert {row["form"]["basis"].value() for row in response.context["rows"]} == {""}


@pytest.mark.django_db
def test_saving_the_grid_stores_values_and_shows_the_flags(client_as, steel, history):
    client = client_as("epb_staff")
    url = entry_url(steel.pk, 2000)
    data = grid_post(client.get(url), COD="9500", SO2="")
    data["output_10k_yuan"] = "620000"
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    report = DischargeReport.objects.get(year=2000)
    assert report.status == "draft" and report.output_10k_yuan == Decimal(620000)
    assert dict(report.values.values_list("pollutant__code", "amount")) == {"COD": Decimal(9500)}
    assert sorted(report.flags.values_list("code", flat=True)) == ["missing", "outlier", "yoy"]
    assert report.grade == "C"

    page = client.get(url)
    cod = next(row for row in page.context["rows"] if row["pollutant"].code == "COD")
    assert cod["css"] == "flag-serious"
    assert [flag.code for flag in cod["flags"]] == ["outlier", "yoy"]
    assert page.context["rows"][0]["form"]["amount"].value() == "9500"


@pytest.mark.django_db
def test_save_and_submit_from_the_grid(client_as, steel, history):
    client = client_as("epb_staff")
    url = entry_url(steel.pk, 2000)
    data = grid_post(client.get(url), COD="1000", SO2="19800") | {"action": "submit"}
    response = client.post(url, data)
    report = DischargeReport.objects.get(year=2000)
    assert response["Location"] == report.get_absolute_url()
    assert report.status == "submitted" and report.grade == "A"


@pytest.mark.django_db
def test_bad_amounts_are_refused_and_nothing_is_written(client_as, steel, history):
    client = client_as("epb_staff")
    url = entry_url(steel.pk, 2000)
    for bad in ("-5", "abc", "1,000"):
        response = client.post(url, grid_post(client.get(url), COD=bad))
        assert response.status_code == 200, bad
        assert response.context["formset"].errors[0]["amount"], bad
    response = client.post(url, grid_post(client.get(url), COD="1") | {"output_10k_yuan": "-1"})
    assert response.status_code == 200
    for pollutant in ("999999", "abc"):
        tampered = grid_post(client.get(url), COD="1") | {"rows-0-pollutant": pollutant}
        assert client.post(url, tampered).status_code == 200
    assert not DischargeReport.objects.filter(year=2000).exists()


@pytest.mark.django_db
def test_adding_a_pollutant_keeps_what_was_typed(client_as, steel, history, pollutants):
    client = client_as("epb_staff")
    url = entry_url(steel.pk, 2000)
    data = grid_post(client.get(url), COD="1234")
    data |= {"action": "add", "add_pollutant": str(pollutants["NOX"].pk)}
    response = client.post(url, data)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["pollutant"].code for row in rows] == ["COD", "SO2", "NOX"]
    assert rows[0]["form"]["amount"].value() == "1234"
    assert "NOX" not in [p.code for p in response.context["addable"]]
    assert not DischargeReport.objects.filter(year=2000).exists()
    # NOX was never reported: no basis is proposed, the clerk must choose one.
    assert rows[2]["form"]["basis"].value() == ""
    data = grid_post(response, NOX="55")
    refused = client.post(url, data)
    assert refused.status_code == 200 and not DischargeReport.objects.filter(year=2000).exists()
    assert "basis" in refused.context["rows"][2]["form"].errors
    data["rows-2-basis"] = "calculated"
    response = client.post(url, data)
    values = DischargeReport.objects.get(year=2000).values
    assert dict(values.values_list("pollutant__code", "amount")) == {
        "COD": Decimal(1234),
        "NOX": Decimal(55),
    }


@pytest.mark.django_db
def test_a_verified_report_refuses_the_grid_and_a_direct_post(client_as, steel, history):
    client = client_as("epb_staff")
    url = entry_url(steel.pk, 1999)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == history[-1].get_absolute_url()
    data = {
        "action": "save",
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-0-pollutant": str(history[-1].values.get(pollutant__code="COD").pollutant_id),
        "rows-0-amount": "99999",
        "rows-0-basis": "estimated",
    }
    response = client.post(url, data, follow=True)
    assert "locked" in response.content.decode() or "锁定" in response.content.decode()
    assert history[-1].values.get(pollutant__code="COD").amount == Decimal(990)
    detail = client.get(history[-1].get_absolute_url()).content.decode()
    assert 'id="edit-link"' not in detail and 'id="locked-note"' in detail


@pytest.mark.django_db
def test_the_start_form_proposes_the_next_year(client_as, steel, history):
    response = client_as("epb_staff").get(
        reverse("enterprises:report_entry"), {"enterprise": steel.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == 2000
    response = client_as("epb_staff").get(
        reverse("enterprises:report_entry"),
        {"enterprise": steel.pk, "year": "1999", "period": "Q7"},
    )
    assert response.status_code == 200 and response.context["form"].errors["period"]
    for garbage in ({"enterprise": "abc"}, {"enterprise": "x", "year": "y", "period": "z"}):
        response = client_as("epb_staff").get(reverse("enterprises:report_entry"), garbage)
        assert response.status_code == 200
    response = client_as("epb_staff").post(reverse("enterprises:report_entry"), {})
    assert response.status_code == 400


# -- workflow buttons -----------------------------------------------------------------------
@pytest.mark.django_db
def test_submit_verify_and_return_from_the_report_page(client_as, steel, make_report, epb_verifier):
    client = client_as("epb_staff")
    draft = make_report(steel, 2000, {"COD": 1})
    client.post(reverse("enterprises:report_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "submitted"
    response = client.post(reverse("enterprises:report_return", args=[draft.pk]), {"reason": ""})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"
    client.post(reverse("enterprises:report_return", args=[draft.pk]), {"reason": "单位错误"})
    draft.refresh_from_db()
    assert (draft.status, draft.return_reason) == ("returned", "单位错误")
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert "单位错误" in detail
    # Verifying a returned report is refused with a message, not an error page.
    response = client.post(reverse("enterprises:report_verify", args=[draft.pk]), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    client.post(reverse("enterprises:report_submit", args=[draft.pk]), follow=True)
    # The submitter may not verify it: another member of the EPB does.
    response = client.post(reverse("enterprises:report_verify", args=[draft.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert 'id="duties-note"' in response.content.decode()  # and the page says why
    draft.refresh_from_db()
    assert draft.status == "submitted"
    client.force_login(epb_verifier)
    client.post(reverse("enterprises:report_verify", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "verified"


@pytest.mark.django_db
def test_workflow_steps_accept_only_post(client_as, steel, make_report):
    report = make_report(steel, 2000, {"COD": 1})
    response = client_as("epb_staff").get(reverse("enterprises:report_submit", args=[report.pk]))
    assert response.status_code == 405


# -- lists ----------------------------------------------------------------------------------
@pytest.fixture
def two_enterprises(steel, make_report):
    coal = Enterprise.objects.create(code="C-1", name="溪城煤矿", sector="coal")
    for i, cod in enumerate(STEADY_COD):
        make_report(steel, 1995 + i, {"COD": cod}, status="verified")
    flagged = make_report(steel, 2000, {"COD": 5000}, status="submitted")
    make_report(coal, 2000, {"COD": 10}, status="draft", basis="estimated")
    from enterprises.reliability_store import refresh_reports

    refresh_reports(DischargeReport.objects.values_list("pk", flat=True))
    return steel, coal, flagged


@pytest.mark.django_db
def test_report_list_filters_and_exports(client_as, two_enterprises):
    steel, coal, flagged = two_enterprises
    client = client_as("leadership")
    url = reverse("enterprises:report_list")

    def shown(**params) -> list[str]:
        table = client.get(url, params).context["table"]
        return [str(row.record) for row in table.paginated_rows]

    assert shown(sector="coal") == ["C-1 2000"]
    assert shown(grade="C") == ["S-1 2000"]
    assert shown(status="verified", year="1997") == ["S-1 1997"]
    assert shown(enterprise=coal.pk) == ["C-1 2000"]
    assert shown(q="溪城煤") == ["C-1 2000"]
    assert len(shown(period_kind="Y")) == 7
    assert shown(period_kind="Q") == []

    response = client.get(url, {"grade": "C", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == "S-1" and rows[1][5] == "C"
    response = client.get(url, {"sector": "iron_steel", "_export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert len(list(sheet.iter_rows(values_only=True))) == 7


@pytest.mark.django_db
def test_flagged_values_page_filters(client_as, two_enterprises):
    steel, coal, flagged = two_enterprises
    client = client_as("auditor")
    url = reverse("enterprises:flagged_values")

    def shown(**params) -> list[tuple[str, str]]:
        table = client.get(url, params).context["table"]
        return [(row.record.code, str(row.record.report)) for row in table.paginated_rows]

    # Notes (estimated values) only on request; serious first.
    assert shown() == [("outlier", "S-1 2000"), ("yoy", "S-1 2000")]
    assert shown(severity="info") == [("estimated", "C-1 2000")]
    assert shown(severity="serious") == [("outlier", "S-1 2000")]
    assert shown(code="yoy") == [("yoy", "S-1 2000")]
    assert shown(year="1999") == []
    assert shown(sector="coal") == []
    assert shown(sector="coal", severity="info") == [("estimated", "C-1 2000")]
    assert shown(enterprise=steel.pk, code="outlier") == [("outlier", "S-1 2000")]
    response = client.get(url, {"_export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "robust z-score" in text or "稳健" in text


@pytest.mark.django_db
def test_the_report_page_explains_the_grade(client_as, two_enterprises):
    _steel, _coal, flagged = two_enterprises
    with translation.override("en"):
        client = client_as("leadership")
        client.cookies["django_language"] = "en"
        content = client.get(flagged.get_absolute_url()).content.decode()
    assert 'id="report-grade">C<' in content
    assert "1 serious flag" in content
    assert "one serious flag, or three or more warnings" in content
    assert "Far from own history" in content


@pytest.mark.django_db
def test_the_enterprise_page_shows_reports_grade_and_discharge_table(client_as, two_enterprises):
    steel, _coal, _flagged = two_enterprises
    response = client_as("leadership").get(steel.get_absolute_url())
    content = response.content.decode()
    assert 'id="discharge-panel"' in content
    assert 'id="reports-by-year"' in content
    # Three latest years 1998, 1999, 2000: A, A, C, average 3.33: B.
    assert 'id="enterprise-grade"' in content and "grade-lg grade-B" in content
    pivot = content[content.index('id="discharge-pivot"') :]
    assert "5,000*" in pivot  # 2000 submitted, not yet verified
    assert "1,040" in pivot and "1995" not in pivot  # the last five years: 1996–2000
    assert 'id="new-report"' not in content  # the leading team does not enter reports


@pytest.mark.django_db
def test_history_page_shows_who_changed_what(client_as, steel, pollutants, epb_user):
    from enterprises import workflow
    from enterprises.workflow import ValueRow

    report = DischargeReport(enterprise=steel, year=2000)
    workflow.save_report(report, [ValueRow(pollutants["COD"], Decimal(10), "estimated")], epb_user)
    workflow.save_report(report, [ValueRow(pollutants["COD"], Decimal(12), "estimated")], epb_user)
    workflow.submit(report, epb_user)
    client = client_as("leadership")
    response = client.get(reverse("enterprises:report_history", args=[report.pk]))
    entries = response.context["entries"]
    with translation.override("en"):
        changes = [(str(c["field"]), c["old"], c["new"]) for e in entries for c in e["changes"]]
    assert ("amount", "10", "12") in changes
    assert ("status", "草稿", "已提交") in changes  # values in the reader's language (Chinese)
    assert entries[0]["step"] and entries[0]["reason"] == ""
    assert all(entry["who"] in (epb_user, None) for entry in entries)


# -- query counts ---------------------------------------------------------------------------
def make_reports(count: int, pollutants: dict, make_report) -> None:
    for i in range(count):
        enterprise = Enterprise.objects.create(code=f"Q-{i:03d}", name=f"厂{i}", sector="coal")
        make_report(enterprise, 2000, {"COD": 10 + i, "SO2": 5}, status="submitted")
        make_report(enterprise, 2001, {"COD": 100 + i}, basis="estimated")
    from enterprises.reliability_store import refresh_reports

    refresh_reports(DischargeReport.objects.values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 15])
def test_the_report_list_runs_a_fixed_number_of_queries(
    client_as, django_assert_num_queries, pollutants, make_report, count
):
    make_reports(count, pollutants, make_report)
    client = client_as("epb_staff")
    # 1 session, 2 user, 3 groups (role in the menu), 4 user perms, 5 group perms,
    # 6 demo flag, 7 count of the filtered reports, 8 the page of reports with their
    # enterprise and flag count. (The enterprise filter is a box: no drop-down to fill.)
    with django_assert_num_queries(8):
        response = client.get(reverse("enterprises:report_list"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("values", [2, 14])
def test_the_report_detail_runs_a_fixed_number_of_queries(
    client_as, django_assert_num_queries, steel, pollutants, make_report, values
):
    codes = list(pollutants)[:values]
    make_report(steel, 1999, dict.fromkeys(codes, 100), status="verified")
    report = make_report(steel, 2000, dict.fromkeys(codes, 1000), basis="estimated")
    from enterprises.reliability_store import refresh_reports

    refresh_reports([report.pk])
    assert report.flags.count() >= values
    client = client_as("leadership")
    # 1 session, 2 user, 3 groups, 4 user perms, 5 group perms, 6 the report with its
    # enterprise and users, 7 its values with pollutants, 8 its flags with pollutants,
    # 9 its unlocks, 10 the previous report, 11 the previous report's values, 12 the
    # portal's panel: its signed versions (none), 13 demo flag.
    with django_assert_num_queries(13):
        response = client.get(report.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("years", [2, 7])
def test_the_enterprise_page_with_reports_runs_a_fixed_number_of_queries(
    client_as, django_assert_num_queries, steel, make_report, years
):
    for year in range(1995, 1995 + years):
        make_report(steel, year, {"COD": 100, "SO2": 50, "NOX": 5}, status="verified")
        make_report(steel, year, {"COD": 25}, kind="Q", number=1, status="submitted")
    client = client_as("auditor")
    # session, user, groups, user perms, group perms, the enterprise, the audits panel's
    # audits, the discharge panel's reports with their flag counts and its annual values,
    # demo flag; the programme office's panels: training, incentives and the environmental
    # investment's sums by year (3)
    with django_assert_num_queries(10 + 3):
        response = client.get(steel.get_absolute_url())
    assert response.content.decode().count('class="me-2 d-inline-block"') == 2 * years


@pytest.mark.django_db
def test_the_admin_refuses_to_change_a_verified_report(client, administrator, steel, make_report):
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    report = make_report(steel, 1999, {"COD": 10}, status="verified")
    change = reverse("admin:enterprises_dischargereport_change", args=[report.pk])
    assert client.get(change).status_code == 200  # read-only view
    response = client.post(change, {"enterprise": steel.pk, "year": 1998})
    assert response.status_code == 403
    delete = reverse("admin:enterprises_dischargereport_delete", args=[report.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    version = report.history.earliest().history_id
    revert = reverse("admin:enterprises_dischargereport_simple_history", args=[report.pk, version])
    assert client.post(revert, {"enterprise": steel.pk, "year": 1999}).status_code == 403
    report.refresh_from_db()
    assert (report.year, report.status) == (1999, "verified")


@pytest.mark.django_db
def test_an_administrator_extends_the_catalogue_and_the_grid_offers_it(
    client, administrator, client_as, steel
):
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    response = client.post(
        reverse("admin:enterprises_pollutant_add"),
        {
            "code": "PB",
            "name": "铅",
            "name_en": "lead",
            "unit": "kg",
            "medium": "water",
            "position": 200,
        },
    )
    assert response.status_code == 302
    grid = client.get(entry_url(steel.pk, 2000))
    assert "PB" in [row["pollutant"].code for row in grid.context["rows"]]


@pytest.mark.django_db
def test_the_verifier_is_shown_why_a_first_month_is_doubtful(client_as, steel, make_report):
    """About 670 t of SO2 a year, verified; then 5,600 t in June: graded C, and the
    confirmation page says why before anyone verifies it."""
    from enterprises import reliability_store

    for year, amount in [(1999, 670), (2000, 660), (2001, 680)]:
        make_report(steel, year, {"SO2": amount}, status="verified")
    june = make_report(steel, 2002, {"SO2": 5600}, kind="M", number=6, status="submitted")
    reliability_store.refresh_reports([june.pk])
    june.refresh_from_db()
    assert june.grade == "C"
    with translation.override("en"):
        page = client_as("epb_staff").get(
            reverse("enterprises:report_verify", args=[june.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    content = page.content.decode()
    assert page.status_code == 200
    assert "5,600" in content and "median 55.83" in content and "verified annual" in content


@pytest.mark.django_db
def test_a_value_added_in_the_admin_has_no_basis_until_chosen(steel, make_report, pollutants):
    from enterprises.admin import DischargeValueInlineForm

    report = make_report(steel, 2000, {})
    form = DischargeValueInlineForm()
    assert form["basis"].value() in (None, "")
    data = {"pollutant": pollutants["COD"].pk, "amount": "12"}
    form = DischargeValueInlineForm(data, instance=DischargeValue(report=report))
    assert not form.is_valid() and "basis" in form.errors
    form = DischargeValueInlineForm(
        {**data, "basis": "calculated"}, instance=DischargeValue(report=report)
    )
    assert form.is_valid(), form.errors
