"""Who may open and change what, and what the pages do: lists with filters and export,
the step tracker, the options grid, feasibility, assessment and acceptance."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from audits.models import Audit, AuditDocument, Option, OptionFeasibility
from benxi_cp import guards, roles
from tests.audits.conftest import passed

D = datetime.date


@pytest.fixture
def option(make_option) -> Option:
    return make_option(
        code="F01", fee_class="medium_high", status="selected", investment_10k_yuan=120
    )


@pytest.fixture
def document(audit) -> AuditDocument:
    step = audit.steps.get(number=1)
    return AuditDocument.objects.create(
        audit=audit,
        step=step,
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"),
        filename="工作计划.pdf",
        content_type="application/pdf",
        size_bytes=13,
    )


def pages(audit, option, document) -> dict[str, tuple[str, str]]:
    """Each page and who may open it: 'read' (every role), 'team' (administrator, EPB and
    the audit's own auditors), 'manage' (administrator and EPB)."""
    return {
        "list": (reverse("audits:list"), "read"),
        "mine": (reverse("audits:mine"), "read"),
        "list export": (reverse("audits:list") + "?_export=csv", "read"),
        "options": (reverse("audits:option_list"), "read"),
        "options export": (reverse("audits:option_list") + "?_export=xlsx", "read"),
        "detail": (audit.get_absolute_url(), "read"),
        "step": (reverse("audits:step", args=[audit.pk, 1]), "read"),
        "option": (option.get_absolute_url(), "read"),
        "document": (document.get_absolute_url(), "read"),
        "edit": (reverse("audits:edit", args=[audit.pk]), "team"),
        "balance": (reverse("audits:balance", args=[audit.pk]), "team"),
        "grid": (reverse("audits:options", args=[audit.pk]), "team"),
        "option edit": (reverse("audits:option_edit", args=[option.pk]), "team"),
        "feasibility": (reverse("audits:option_feasibility", args=[option.pk]), "team"),
        "create": (reverse("audits:create"), "manage"),
        "assessment": (reverse("audits:assessment", args=[audit.pk]), "manage"),
        "acceptance": (reverse("audits:acceptance", args=[audit.pk]), "manage"),
    }


# Objects of one audit: an auditor off its team gets 404 wherever they hold the permission.
AUDIT_OBJECT_PAGES = {"detail", "step", "option", "document", "edit", "balance", "grid"}
AUDIT_OBJECT_PAGES |= {"option edit", "feasibility"}


def expected(kind: str, access: str, name: str) -> int:
    if kind in ("administrator", "epb_staff"):
        return 200
    if kind == "leadership":
        return 200 if access == "read" else 403
    if kind == "nobody":
        return 403
    if access == "manage":
        return 403
    if kind == "team auditor":
        return 200
    return 404 if name in AUDIT_OBJECT_PAGES else 200  # "other auditor"


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client, audit, option, document):
    for url, _access in pages(audit, option, document).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind",
    ["administrator", "epb_staff", "leadership", "team auditor", "other auditor", "nobody"],
)
def test_the_permission_matrix(
    client, make_user, audit, option, document, team_auditor, other_auditor, kind
):
    users = {"team auditor": team_auditor, "other auditor": other_auditor}
    user = users.get(kind) or make_user(None if kind == "nobody" else kind, f"u-{kind}")
    client.force_login(user)
    for name, (url, access) in pages(audit, option, document).items():
        assert client.get(url).status_code == expected(kind, access, name), (kind, name)


@pytest.mark.django_db
@pytest.mark.parametrize("kind,status", [("leadership", 403), ("other auditor", 404)])
def test_writes_are_refused_and_change_nothing(
    client, make_user, audit, option, document, other_auditor, kind, status
):
    user = other_auditor if kind == "other auditor" else make_user(roles.LEADERSHIP)
    client.force_login(user)
    posts = {
        reverse("audits:edit", args=[audit.pk]): {"started_on": "1998-03-01", "focus": "改"},
        reverse("audits:step", args=[audit.pk, 1]): {
            "status": "in_progress",
            "started_on": "1998-03-02",
        },
        reverse("audits:balance", args=[audit.pk]): {
            "balance_lines-TOTAL_FORMS": "0",
            "balance_lines-INITIAL_FORMS": "0",
        },
        reverse("audits:options", args=[audit.pk]): grid_data([]),
        reverse("audits:option_edit", args=[option.pk]): {"code": "F01", "title": "改"},
        reverse("audits:option_feasibility", args=[option.pk]): feasibility_data(),
        reverse("audits:document_delete", args=[document.pk]): {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == status, url
    audit.refresh_from_db()
    assert audit.focus == "烧结车间"
    assert audit.steps.get(number=1).status == "not_started"
    assert Option.objects.get().title == "堵漏"
    assert not OptionFeasibility.objects.exists()
    assert AuditDocument.objects.exists()


@pytest.mark.django_db
def test_an_auditor_off_the_team_cannot_assess(client, audit, team_auditor):
    client.force_login(team_auditor)
    url = reverse("audits:assessment", args=[audit.pk])
    assert client.post(url, {"assessment": "pass", "assessed_on": "1999-01-01"}).status_code == 403


# -- lists ----------------------------------------------------------------------------------
@pytest.fixture
def spread(make_audit, enterprise, make_user):
    """Three audits of two enterprises in two sectors and years, at different stages."""
    from enterprises.models import Enterprise

    coal = Enterprise.objects.create(code="C-9", name="乙煤矿", name_en="Coal B", sector="coal")
    first = passed(
        make_audit(ref="A-97", started_on=D(1997, 3, 1)),
        accepted=D(1999, 6, 1),
        body="national_centre",
    )
    first.demonstration = True  # named after the acceptance: the lock lets it change
    first.save()
    make_audit(ref="A-99", steps=3, started_on=D(1999, 4, 1))
    third = make_audit(ref="C-00", steps=8, started_on=D(2000, 5, 1), enterprise=coal)
    third.assessment, third.assessed_on = "fail", D(2001, 1, 5)
    third.save()
    return first


def listed(client, url, **params) -> list[str]:
    rows = client.get(url, {**params, "_export": "csv"})
    assert rows.status_code == 200
    table = list(csv.reader(io.StringIO(b"".join(rows.streaming_content).decode("utf-8-sig"))))
    return [row[0] for row in table[1:]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params,refs",
    [
        ({}, ["C-00", "A-99", "A-97"]),
        ({"q": "coal"}, ["C-00"]),
        ({"q": "A-9"}, ["A-99", "A-97"]),
        ({"sector": "iron_steel"}, ["A-99", "A-97"]),
        ({"steps_completed": "3"}, ["A-99"]),
        ({"assessment": "pass"}, ["A-97"]),
        ({"assessment": "fail"}, ["C-00"]),
        ({"assessment": "none"}, ["A-99"]),
        ({"acceptance": "pass"}, ["A-97"]),
        ({"accepted_by": "national_centre"}, ["A-97"]),
        ({"demonstration": "true"}, ["A-97"]),
        ({"demonstration": "false"}, ["C-00", "A-99"]),
        ({"year": "1999"}, ["A-99"]),
    ],
)
def test_audit_list_filters(client_as, spread, params, refs):
    assert listed(client_as("leadership"), reverse("audits:list"), **params) == refs


@pytest.mark.django_db
def test_audit_list_filters_by_enterprise_and_exports_xlsx(client_as, spread, enterprise):
    client = client_as("epb_staff")
    assert listed(client, reverse("audits:list"), enterprise=enterprise.pk) == ["A-99", "A-97"]
    response = client.get(reverse("audits:list"), {"year": "2000", "_export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["C-00"]
    assert rows[1][1] == "C-9" and 8 in rows[1]
    page = client.get(reverse("audits:list"), {"sector": "coal"}).content.decode()
    assert "C-00" in page and "A-97" not in page


@pytest.mark.django_db
def test_my_audits_are_those_whose_team_includes_me(client, spread, team_auditor, other_auditor):
    client.force_login(team_auditor)
    assert listed(client, reverse("audits:mine")) == ["A-1"]
    assert listed(client, reverse("audits:list")) == ["A-1"]
    client.force_login(other_auditor)
    assert listed(client, reverse("audits:mine")) == []
    assert listed(client, reverse("audits:option_list")) == []


@pytest.fixture
def options_spread(spread, make_audit):
    # A-97 is accepted, so locked: its options are written below the lock, as a loader does.
    with transaction.atomic(), guards.suspended():
        return _options_spread()


def _options_spread():
    a97 = Audit.objects.get(ref="A-97")
    c00 = Audit.objects.get(ref="C-00")
    make = Option.objects.create
    make(
        audit=a97,
        code="F1",
        title="堵漏",
        aspect="management",
        fee_class="low_no",
        status="implemented",
        implemented_on=D(1997, 6, 1),
        investment_10k_yuan=1,
    )
    make(
        audit=a97,
        code="F2",
        title="烧结烟气脱硫",
        aspect="technology",
        fee_class="medium_high",
        status="implemented",
        implemented_on=D(1998, 6, 1),
        investment_10k_yuan=850,
    )
    make(
        audit=a97,
        code="F3",
        title="培训",
        aspect="employees",
        fee_class="low_no",
        status="rejected",
    )
    make(
        audit=c00,
        code="F1",
        title="煤泥回收",
        aspect="waste",
        fee_class="low_no",
        status="selected",
    )
    make(
        audit=c00,
        code="F2",
        title="新设备",
        aspect="equipment",
        fee_class="medium_high",
        status="proposed",
    )


def option_keys(client, **params) -> list[str]:
    response = client.get(reverse("audits:option_list"), {**params, "_export": "csv"})
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return sorted(f"{row[0]}/{row[3]}" for row in table[1:])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params,keys",
    [
        ({"fee_class": "medium_high"}, ["A-97/F2", "C-00/F2"]),
        ({"aspect": "waste"}, ["C-00/F1"]),
        ({"status": "implemented"}, ["A-97/F1", "A-97/F2"]),
        ({"retained": "true"}, ["A-97/F1", "A-97/F2", "C-00/F1"]),
        ({"retained": "false"}, ["A-97/F3", "C-00/F2"]),
        ({"sector": "coal"}, ["C-00/F1", "C-00/F2"]),
        ({"implemented_year": "1998"}, ["A-97/F2"]),
        ({"q": "脱硫"}, ["A-97/F2"]),
        ({"q": "C-00"}, ["C-00/F1", "C-00/F2"]),
    ],
)
def test_option_list_filters(client_as, options_spread, params, keys):
    assert option_keys(client_as("leadership"), **params) == keys


@pytest.mark.django_db
def test_option_list_filters_by_audit_and_enterprise_and_exports_reductions(
    client_as, options_spread, enterprise
):
    from audits.models import OptionReduction
    from enterprises.models import Pollutant

    client = client_as("epb_staff")
    a97 = Audit.objects.get(ref="A-97")
    assert option_keys(client, audit=a97.pk) == ["A-97/F1", "A-97/F2", "A-97/F3"]
    assert option_keys(client, enterprise=enterprise.pk) == ["A-97/F1", "A-97/F2", "A-97/F3"]
    with transaction.atomic(), guards.suspended():  # A-97 is accepted: below the lock
        OptionReduction.objects.create(
            option=Option.objects.get(audit=a97, code="F2"),
            pollutant=Pollutant.objects.get(code="SO2"),
            amount_per_year=1200,
        )
    response = client.get(
        reverse("audits:option_list"), {"status": "implemented", "_export": "xlsx"}
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    column = rows[0].index("reduction_SO2 (t/a)")
    assert [row[column] for row in rows[1:]] == [None, "1200"]
    page = client.get(reverse("audits:option_list"), {"status": "implemented"}).content.decode()
    # the pollutant by its name in the page's language, its code as the tooltip
    assert 'title="SO2">二氧化硫 1,200 吨</span>' in page


# -- the step tracker -----------------------------------------------------------------------
def step_data(**fields) -> dict:
    return {
        "status": "completed",
        "started_on": "1998-03-02",
        "completed_on": "1998-03-20",
        "checklist": ["team_roster", "work_plan", "staff_training"],
        "notes": "小组已成立",
    } | fields


@pytest.mark.django_db
def test_an_auditor_completes_a_step_with_its_deliverables_and_a_document(
    client, audit, team_auditor
):
    client.force_login(team_auditor)
    url = reverse("audits:step", args=[audit.pk, 1])
    upload = SimpleUploadedFile("roster.pdf", b"%PDF-1.4 roster", content_type="application/pdf")
    response = client.post(url, step_data(documents=[upload]))
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.steps_completed == 1
    document = AuditDocument.objects.get()
    assert (document.filename, document.size_bytes, document.step.number) == ("roster.pdf", 15, 1)
    assert document.created_by == team_auditor
    download = client.get(document.get_absolute_url())
    assert b"".join(download.streaming_content) == b"%PDF-1.4 roster"
    assert "attachment" in download["Content-Disposition"]
    page = client.get(audit.get_absolute_url()).content.decode()
    assert "小组已成立" in page and "1/8" in page
    assert client.post(reverse("audits:document_delete", args=[document.pk])).status_code == 302
    assert not AuditDocument.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "number,data,message",
    [
        (2, step_data(checklist=[]), "Tick every deliverable"),
        (1, step_data(checklist=["team_roster"]), "Tick every deliverable"),
        (1, step_data(completed_on=""), "Give the date the step was completed"),
        (1, step_data(started_on="1997-01-01"), "before the audit started"),
        (1, step_data(documents=[SimpleUploadedFile("virus.exe", b"MZ")]), "one of these kinds"),
        (1, step_data(documents=[SimpleUploadedFile("fake.pdf", b"MZ")]), "does not match"),
    ],
)
def test_a_refused_step_shows_why_and_saves_nothing(
    client, audit, team_auditor, number, data, message
):
    client.force_login(team_auditor)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("audits:step", args=[audit.pk, number]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    audit.refresh_from_db()
    assert audit.steps_completed == 0 and not AuditDocument.objects.exists()


@pytest.mark.django_db
def test_completing_step_two_before_step_one_is_refused(client, audit, team_auditor):
    client.force_login(team_auditor)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    data = step_data(checklist=[k for k, _l in audit.steps.get(number=2).definition.deliverables])
    response = client.post(reverse("audits:step", args=[audit.pk, 2]), data)
    assert "only after step 1" in response.content.decode()
    assert not audit.steps.filter(status="completed").exists()


@pytest.mark.django_db
def test_an_unknown_step_number_is_404(client_as, audit):
    assert client_as("epb_staff").get(reverse("audits:step", args=[audit.pk, 9])).status_code == 404


@pytest.mark.django_db
def test_material_balance_closure_is_flagged(client_as, audit):
    client = client_as("epb_staff")
    data = {"balance_lines-TOTAL_FORMS": "3", "balance_lines-INITIAL_FORMS": "0"}
    for i, (direction, item, quantity) in enumerate(
        [("input", "铁矿石", "1000"), ("output", "烧结矿", "900"), ("output", "粉尘", "20")]
    ):
        data |= {
            f"balance_lines-{i}-direction": direction,
            f"balance_lines-{i}-item": item,
            f"balance_lines-{i}-quantity": quantity,
            f"balance_lines-{i}-unit": "t",
        }
    assert client.post(reverse("audits:balance", args=[audit.pk]), data).status_code == 302
    assert audit.balance_lines.count() == 3
    page = client.get(audit.get_absolute_url()).content.decode()
    assert "closure-flag" in page and "8.0%" in page
    data["balance_lines-2-quantity"] = "-1"
    response = client.post(reverse("audits:balance", args=[audit.pk]), data)
    assert response.status_code == 200 and audit.balance_lines.count() == 3


# -- the options grid -----------------------------------------------------------------------
def grid_data(rows: list[dict], initial: int = 0) -> dict:
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        values = {"step": "4", "status": "proposed"} | row
        data |= {f"form-{i}-{k}": v for k, v in values.items()}
    return data


NEW = [
    {"code": "F01", "title": "堵塞蒸汽泄漏", "aspect": "management", "fee_class": "low_no"},
    {"code": "F02", "title": "氧化铁皮回用", "aspect": "waste", "fee_class": "low_no"},
    {
        "code": "F03",
        "title": "烧结烟气脱硫",
        "aspect": "technology",
        "fee_class": "medium_high",
        "investment_10k_yuan": "850",
    },
]


@pytest.mark.django_db
def test_the_grid_adds_several_options_then_screens_them_at_once(client, audit, team_auditor):
    client.force_login(team_auditor)
    url = reverse("audits:options", args=[audit.pk])
    assert client.post(url, grid_data(NEW)).status_code == 302
    assert list(audit.options.values_list("code", "status")) == [
        ("F01", "proposed"),
        ("F02", "proposed"),
        ("F03", "proposed"),
    ]
    assert Option.objects.get(code="F01").created_by == team_auditor
    ids = list(audit.options.order_by("code").values_list("pk", flat=True))
    screened = [
        {**row, "id": str(pk), "status": status}
        for row, pk, status in zip(NEW, ids, ["selected", "rejected", "selected"], strict=True)
    ]
    assert client.post(url, grid_data(screened, initial=3)).status_code == 302
    assert list(audit.options.values_list("status", flat=True)) == [
        "selected",
        "rejected",
        "selected",
    ]


@pytest.mark.django_db
def test_the_grid_saves_nothing_when_a_row_is_refused(client_as, audit, make_option):
    existing = make_option(code="F01", status="rejected")
    client = client_as("epb_staff")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    rows = [
        {
            "id": str(existing.pk),
            "code": "F01",
            "title": "堵漏",
            "aspect": "management",
            "fee_class": "low_no",
            "status": "selected",
        },
        {"code": "F02", "title": "新方案", "aspect": "waste", "fee_class": "low_no"},
        {
            "code": "F03",
            "title": "负投资",
            "aspect": "waste",
            "fee_class": "low_no",
            "investment_10k_yuan": "-3",
        },
        {"code": "F02", "title": "重复", "aspect": "waste", "fee_class": "low_no"},
    ]
    response = client.post(reverse("audits:options", args=[audit.pk]), grid_data(rows, initial=1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "row-invalid" in page and "Nothing was saved" in page
    assert "Select a valid choice" in page  # rejected cannot become selected
    assert "Code F02 is already used in row 2." in page
    assert list(audit.options.values_list("code", "status")) == [("F01", "rejected")]


@pytest.mark.django_db
def test_the_grid_deletes_ticked_options(client_as, audit, make_option):
    option = make_option(code="F01")
    row = {
        "id": str(option.pk),
        "code": "F01",
        "title": "堵漏",
        "aspect": "management",
        "fee_class": "low_no",
        "DELETE": "on",
    }
    client = client_as("epb_staff")
    assert (
        client.post(reverse("audits:options", args=[audit.pk]), grid_data([row], 1)).status_code
        == 302
    )
    assert not Option.objects.exists()


@pytest.mark.django_db
def test_implementing_an_option_with_its_reductions(client_as, audit, make_option):
    option = make_option(code="F01", status="selected")
    client = client_as("epb_staff")
    data = {
        "code": "F01",
        "title": "堵漏",
        "aspect": "management",
        "fee_class": "low_no",
        "step": "4",
        "status": "implemented",
        "investment_10k_yuan": "0.5",
        "annual_benefit_10k_yuan": "12",
        "implemented_on": "1998-06-01",
        "reduction_COD": "3.5",
        "reduction_ENERGY": "120",
    }
    response = client.post(reverse("audits:option_edit", args=[option.pk]), data)
    assert response.status_code == 302
    option.refresh_from_db()
    assert option.status == "implemented" and option.implemented_on == D(1998, 6, 1)
    amounts = dict(option.reductions.values_list("pollutant__code", "amount_per_year"))
    assert amounts == {"COD": 3.5, "ENERGY": 120}
    data["reduction_COD"] = ""
    client.post(reverse("audits:option_edit", args=[option.pk]), data)
    assert list(option.reductions.values_list("pollutant__code", flat=True)) == ["ENERGY"]
    page = client.get(option.get_absolute_url()).content.decode()
    assert "120 吨标准煤/年" in page


@pytest.mark.django_db
def test_an_implementation_before_the_audit_is_refused_on_the_page(client_as, audit, make_option):
    option = make_option(code="F01", status="selected")
    client = client_as("epb_staff")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    data = {
        "code": "F01",
        "title": "堵漏",
        "aspect": "management",
        "fee_class": "low_no",
        "step": "4",
        "status": "implemented",
        "implemented_on": "1990-01-01",
    }
    response = client.post(reverse("audits:option_edit", args=[option.pk]), data)
    assert response.status_code == 200
    assert "before its audit started" in response.content.decode()
    option.refresh_from_db()
    assert option.status == "selected"


# -- feasibility ----------------------------------------------------------------------------
def feasibility_data(**fields) -> dict:
    return {
        "investment_10k_yuan": "100",
        "annual_net_saving_10k_yuan": "30",
        "depreciation_years": "10",
        "tax_rate_pct": "33",
        "discount_rate_pct": "10",
        "life_years": "10",
    } | fields


@pytest.mark.django_db
def test_feasibility_figures_are_computed_and_the_option_concluded(client, option, team_auditor):
    client.force_login(team_auditor)
    url = reverse("audits:option_feasibility", args=[option.pk])
    response = client.post(url, feasibility_data(conclusion="feasible"))
    assert response.status_code == 302
    option.refresh_from_db()
    assert option.status == "feasible"
    page = client.get(url).content.decode()
    assert "43.78" in page and "19.44" in page  # NPV and IRR (%), as test_finance works out
    assert "text-bg-success" in page
    detail = client.get(option.get_absolute_url()).content.decode()
    assert "43.78" in detail


@pytest.mark.django_db
def test_a_no_saving_feasibility_shows_not_computable(client_as, option):
    client = client_as("epb_staff")
    url = reverse("audits:option_feasibility", args=[option.pk])
    client.post(url, feasibility_data(annual_net_saving_10k_yuan="0"))
    page = client.get(url).content.decode()
    assert "not-computable" in page and "-100.00" in page


@pytest.mark.django_db
def test_feasibility_input_errors_and_low_fee_options(client_as, option, make_option):
    client = client_as("epb_staff")
    url = reverse("audits:option_feasibility", args=[option.pk])
    response = client.post(url, feasibility_data(depreciation_years="0", tax_rate_pct="140"))
    assert response.status_code == 200 and not OptionFeasibility.objects.exists()
    low = make_option(code="F02")
    assert client.get(reverse("audits:option_feasibility", args=[low.pk])).status_code == 404


# -- assessment and acceptance --------------------------------------------------------------
@pytest.mark.django_db
def test_assessment_and_acceptance_in_order(client_as, make_audit, enterprise):
    client = client_as("epb_staff")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    audit = make_audit(steps=7)
    assess = reverse("audits:assessment", args=[audit.pk])
    accept = reverse("audits:acceptance", args=[audit.pk])
    response = client.post(
        assess, {"assessment": "pass", "assessed_on": "1999-05-01", "assessment_score": "86"}
    )
    assert "after all eight steps" in response.content.decode()
    Audit.objects.filter(pk=audit.pk).update(steps_completed=8)
    response = client.post(
        accept, {"acceptance": "pass", "accepted_by": "municipality", "accepted_on": "1999-06-01"}
    )
    assert "passed assessment" in response.content.decode()
    assert (
        client.post(
            assess, {"assessment": "pass", "assessed_on": "1999-05-01", "assessment_score": "86"}
        ).status_code
        == 302
    )
    enterprise.refresh_from_db()
    assert enterprise.cp_status == "assessed"
    response = client.post(
        accept, {"acceptance": "pass", "accepted_by": "municipality", "accepted_on": "1999-04-01"}
    )
    assert "before the assessment" in response.content.decode()
    response = client.post(
        accept,
        {
            "acceptance": "pass",
            "accepted_by": "national_centre",
            "accepted_on": "1999-06-01",
            "demonstration": "on",
            "demonstration_on": "1999-12-01",
        },
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    enterprise.refresh_from_db()
    assert (audit.accepted_by, audit.demonstration, enterprise.cp_status) == (
        "national_centre",
        True,
        "demonstration",
    )
    # A failed re-assessment of the accepted audit is refused (it is locked), not a server
    # error; the demonstration, named after the acceptance, still may change.
    response = client.post(assess, {"assessment": "fail", "assessed_on": "1999-05-01"})
    assert response.status_code == 200 and "is locked" in response.content.decode()
    response = client.post(
        accept,
        {
            "acceptance": "pass",
            "accepted_by": "national_centre",
            "accepted_on": "1999-06-01",
            "demonstration": "on",
            "demonstration_on": "1999-12-02",
        },
    )
    assert response.status_code == 302
    response = client.post(
        accept, {"acceptance": "pass", "accepted_by": "municipality", "accepted_on": "1999-06-01"}
    )
    assert response.status_code == 200 and "is locked" in response.content.decode()


@pytest.mark.django_db
def test_epb_staff_create_an_audit_with_its_team(client_as, enterprise, make_user):
    auditor = make_user(roles.AUDITOR, "zhang")
    client = client_as("epb_staff")
    form = client.get(reverse("audits:create"), {"enterprise": enterprise.pk}).content.decode()
    assert "zhang" in form and "epb_staff-user" not in form.split('id="id_team"')[-1][:2000]
    response = client.post(
        reverse("audits:create"),
        {
            "enterprise": enterprise.pk,
            "ref": " N-1 ",
            "started_on": "2001-06-10",
            "focus": "焦炉",
            "team": [auditor.pk],
        },
    )
    audit = Audit.objects.get(ref="N-1")
    assert response["Location"] == audit.get_absolute_url()
    assert list(audit.team.all()) == [auditor] and audit.steps.count() == 8
    assert audit.created_by.username == "epb_staff-user"
    enterprise.refresh_from_db()
    assert enterprise.cp_status == "auditing"


@pytest.mark.django_db
def test_a_team_auditor_edits_the_focus_but_not_the_team(client, audit, team_auditor, make_user):
    client.force_login(team_auditor)
    intruder = make_user(roles.AUDITOR, "intruder")
    response = client.post(
        reverse("audits:edit", args=[audit.pk]),
        {"started_on": "1998-03-01", "focus": "焦炉", "team": [intruder.pk], "ref": "HACK"},
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert (audit.focus, audit.ref, list(audit.team.all())) == ("焦炉", "A-1", [team_auditor])


# -- the enterprise page --------------------------------------------------------------------
@pytest.mark.django_db
def test_the_enterprise_page_shows_its_audits_to_who_may_see_them(
    client, audit, team_auditor, other_auditor, enterprise
):
    client.force_login(team_auditor)
    page = client.get(enterprise.get_absolute_url()).content.decode()
    assert 'id="panel-audits"' in page and audit.ref in page and "cp-status-auditing" in page
    client.force_login(other_auditor)
    page = client.get(enterprise.get_absolute_url()).content.decode()
    assert 'id="panel-audits"' in page and audit.get_absolute_url() not in page


# -- query counts ---------------------------------------------------------------------------
def bulk_audits(enterprise, count: int) -> None:
    for number in range(count):
        audit = Audit.objects.create(
            enterprise=enterprise,
            ref=f"Q-{number:03d}",
            started_on=D(1999, 1, 1),
            steps_completed=number % 9,
        )
        Option.objects.bulk_create(
            Option(audit=audit, code=f"F{i}", title="方案", aspect="waste", fee_class="low_no")
            for i in range(3)
        )


BASE = 6  # session, user, the user's groups (role), user permissions, group permissions, demo flag


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_audits_list_runs_a_fixed_number_of_queries(
    client_as, enterprise, django_assert_num_queries, count
):
    bulk_audits(enterprise, count)
    client = client_as("epb_staff")
    # BASE, count of rows, the page of audits with their enterprises. (The enterprise filter
    # is a box: no drop-down of enterprises to fill.)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("audits:list"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_options_list_runs_a_fixed_number_of_queries(
    client_as, enterprise, django_assert_num_queries, count
):
    bulk_audits(enterprise, count)
    client = client_as("leadership")
    # BASE, the pollutant catalogue (export columns), the audits of the audit filter, count
    # of rows, the page of options with audit and enterprise, their reductions. (The
    # enterprise filter is a box: no drop-down of enterprises to fill.)
    with django_assert_num_queries(BASE + 5):
        response = client.get(reverse("audits:option_list"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_the_audit_detail_runs_a_fixed_number_of_queries(
    client_as, audit, make_option, django_assert_num_queries, count
):
    for i in range(count):
        make_option(code=f"F{i:02d}", status="selected")
        audit.balance_lines.create(direction="input", item=f"料{i}", quantity=10, unit="t")
    client = client_as("epb_staff")
    # BASE, the audit with its enterprise and editor, its team, its steps with their
    # document counts, its balance lines, the option summary, the incentives that reward it
    # (the programme office's panel), the enterprise's applications (the portal's panel),
    # its expert reviews.
    with django_assert_num_queries(BASE + 8):
        response = client.get(audit.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_admin_pages_of_audits_open(client, audit, option, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    for url in (
        reverse("admin:audits_audit_changelist"),
        reverse("admin:audits_audit_change", args=[audit.pk]),
        reverse("admin:audits_option_change", args=[option.pk]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,shown,hidden",
    [
        ("auditor", ["audits:mine", "audits:option_list"], ["audits:list"]),
        ("epb_staff", ["audits:list", "audits:option_list"], ["audits:mine"]),
        ("leadership", ["audits:list", "audits:option_list"], ["audits:mine"]),
    ],
)
def test_the_menu_offers_each_role_its_lists(client_as, role, shown, hidden):
    page = client_as(role).get("/").content.decode()
    for name in shown:
        assert f'href="{reverse(name)}"' in page, name
    for name in hidden:
        assert f'href="{reverse(name)}"' not in page, name
