"""No lost updates: two people open the same edit form, the first saves, the second's save is
refused with the differences shown, nothing of the first's is overwritten, and the second
can save again on purpose. For every kind of edit form, and for the model's own check."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import lxml.html
import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from audits.models import Audit, MaterialBalanceLine, Option, OptionFeasibility
from benxi_cp import roles
from benxi_cp.models import EditConflict
from enterprises import workflow
from enterprises.models import DischargeReport, DischargeValue, Enterprise, Pollutant
from targets.models import Actual, Department, Indicator, Target
from tests.enterprises.test_write_locks import in_threads, postgresql_only

pytestmark = pytest.mark.django_db


# -- a browser's view of a page's edit form ------------------------------------------------
def open_form(client: Client, url: str) -> dict[str, list[str]]:
    """The fields the page's edit form (the one with a version) would post, as a browser
    would: text, hidden, ticked boxes and selected options, without its buttons."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return form_of(response)


def form_of(response) -> dict[str, list[str]]:
    page = lxml.html.fromstring(response.content.decode())
    for form in page.forms:
        values = browser_values(form)
        if any(name == "version" or name.endswith("-version") for name in values):
            return values
    raise AssertionError("no form with a version on the page")


def browser_values(form) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for element in form.inputs:
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "select":
            chosen = [o.get("value", o.text or "") for o in element.xpath(".//option[@selected]")]
            if not chosen and element.get("multiple") is None:
                chosen = [o.get("value", o.text or "") for o in element.xpath(".//option")][:1]
            values.setdefault(name, []).extend(chosen)
        elif element.tag == "textarea":
            # A browser drops the newline that opens a textarea's content.
            values.setdefault(name, []).append((element.text or "").removeprefix("\n"))
        else:
            kind = (element.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    values.setdefault(name, []).append(element.get("value", "on"))
                continue
            values.setdefault(name, []).append(element.get("value", ""))
    return values


def change(values: dict[str, list[str]], field: str, value: str) -> dict[str, list[str]]:
    """The form with `field` (or the first row's `field` in a formset) set to `value`."""
    names = [name for name in values if name == field or name.endswith(f"-0-{field}")]
    assert names, f"{field} not in {sorted(values)}"
    return {**values, names[0]: [value]}


def version_of(values: dict[str, list[str]], field: str = "version") -> str:
    names = [name for name in values if name == field or name.endswith(f"-0-{field}")]
    return values[names[0]][0]


def plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


@pytest.fixture
def alice(make_user):
    return make_user(roles.ADMINISTRATOR, "alice")


@pytest.fixture
def bob(make_user):
    return make_user(roles.ADMINISTRATOR, "bob")


@pytest.fixture
def two_clients(alice, bob):
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(bob)
    return first, second


# -- the records each form edits -----------------------------------------------------------
@pytest.fixture
def world(db):
    enterprise = Enterprise.objects.create(
        code="E-1", name="溪城钢铁厂", name_en="Xicheng Steel", sector="iron_steel"
    )
    audit = Audit.objects.create(
        enterprise=enterprise,
        ref="A-1",
        started_on=datetime.date(1998, 3, 1),
        focus="烧结车间",
    )
    option = Option.objects.create(
        audit=audit, code="F01", title="堵漏", aspect="management", fee_class="low_no"
    )
    costly = Option.objects.create(
        audit=audit, code="F02", title="余热回收", aspect="technology", fee_class="medium_high"
    )
    feasibility = OptionFeasibility.objects.create(
        option=costly,
        investment_10k_yuan=Decimal("100"),
        annual_net_saving_10k_yuan=Decimal("30"),
        depreciation_years=10,
        discount_rate_pct=Decimal("10"),
        life_years=10,
    )
    line = MaterialBalanceLine.objects.create(
        audit=audit, direction="input", item="铁矿石", quantity=Decimal("100"), unit="t"
    )
    department = Department.objects.create(code="epb", name="市环境保护局", name_en="EPB")
    indicator = Indicator.objects.create(
        code="cod",
        dimension="environmental",
        name="化学需氧量排放量",
        name_en="COD discharged",
        unit="t",
        direction="lower",
        department=department,
    )
    target = Target.objects.create(
        indicator=indicator,
        baseline_year=1996,
        baseline_value=Decimal("100"),
        goal_year=2000,
        goal_value=Decimal("80"),
    )
    actual = Actual.objects.create(indicator=indicator, year=1998, value=Decimal("90"))
    report = DischargeReport.objects.create(
        enterprise=enterprise, year=1998, period_kind="Y", period_number=0
    )
    DischargeValue.objects.create(
        report=report,
        pollutant=Pollutant.objects.get(code="COD"),
        amount=Decimal("120"),
        basis="measured_sampling",
    )
    return {
        "enterprise": enterprise,
        "audit": audit,
        "option": option,
        "feasibility": feasibility,
        "line": line,
        "department": department,
        "indicator": indicator,
        "target": target,
        "actual": actual,
        "report": report,
    }


@dataclass
class Case:
    """One edit form: its page, the field both people change, and the stored value."""

    url: Callable[[dict], str]
    field: str
    stored: Callable[[dict], object]
    first: str = "甲的值"
    second: str = "乙的值"
    history: bool = True  # whether the record keeps a history (who changed it, when)


CASES = {
    "enterprise": Case(
        lambda w: reverse("enterprises:edit", args=[w["enterprise"].pk]),
        "name",
        lambda w: Enterprise.objects.get(pk=w["enterprise"].pk).name,
    ),
    "audit": Case(
        lambda w: reverse("audits:edit", args=[w["audit"].pk]),
        "focus",
        lambda w: Audit.objects.get(pk=w["audit"].pk).focus,
    ),
    "audit step": Case(
        lambda w: reverse("audits:step", args=[w["audit"].pk, 1]),
        "notes",
        lambda w: w["audit"].steps.get(number=1).notes,
    ),
    "option": Case(
        lambda w: reverse("audits:option_edit", args=[w["option"].pk]),
        "title",
        lambda w: Option.objects.get(pk=w["option"].pk).title,
    ),
    "options grid": Case(
        lambda w: reverse("audits:options", args=[w["audit"].pk]),
        "title",
        lambda w: Option.objects.get(pk=w["option"].pk).title,
    ),
    "feasibility": Case(
        lambda w: reverse("audits:option_feasibility", args=[w["feasibility"].option_id]),
        "technical_evaluation",
        lambda w: OptionFeasibility.objects.get(pk=w["feasibility"].pk).technical_evaluation,
    ),
    "material balance": Case(
        lambda w: reverse("audits:balance", args=[w["audit"].pk]),
        "item",
        lambda w: MaterialBalanceLine.objects.get(pk=w["line"].pk).item,
        history=False,
    ),
    "department": Case(
        lambda w: reverse("targets:department_edit", args=[w["department"].code]),
        "name",
        lambda w: Department.objects.get(pk=w["department"].pk).name,
        history=False,
    ),
    "indicator": Case(
        lambda w: reverse("targets:indicator_edit", args=[w["indicator"].code]),
        "name",
        lambda w: Indicator.objects.get(pk=w["indicator"].pk).name,
    ),
    "target": Case(
        lambda w: reverse("targets:target_edit", args=[w["target"].pk]),
        "goal_value",
        lambda w: plain(Target.objects.get(pk=w["target"].pk).goal_value),
        first="70",
        second="75",
    ),
    "actual": Case(
        lambda w: reverse("targets:actual_edit", args=[w["actual"].pk]),
        "note",
        lambda w: Actual.objects.get(pk=w["actual"].pk).note,
    ),
    "report grid": Case(
        lambda w: (
            reverse("enterprises:report_entry")
            + f"?enterprise={w['enterprise'].pk}&year=1998&period=Y"
        ),
        "amount",
        lambda w: plain(
            DischargeValue.objects.get(report=w["report"], pollutant__code="COD").amount
        ),
        first="110",
        second="130",
    ),
}


@pytest.mark.parametrize("kind", CASES)
def test_the_second_save_is_refused_and_shows_what_changed(kind, world, two_clients):
    case = CASES[kind]
    first, second = two_clients
    url = case.url(world)
    # Both open the form, at the same version.
    mine, theirs = open_form(first, url), open_form(second, url)
    assert version_of(mine) == version_of(theirs) != "0"

    saved = first.post(url, change(mine, case.field, case.first))
    assert saved.status_code == 302, form_errors(saved)
    assert case.stored(world) == case.first

    refused = second.post(url, change(theirs, case.field, case.second))
    # Refused: the page again, the first's value still stored.
    assert refused.status_code == 200
    assert case.stored(world) == case.first
    page = refused.content.decode()
    table = lxml.html.fromstring(page).xpath("//table[contains(@class, 'conflict-table')]")
    assert table, "no table of differences"
    rows = table[0].xpath(".//tbody/tr")
    cells = [[cell.text_content().strip() for cell in row.xpath("./th|./td")] for row in rows]
    changed = [row for row in cells if case.second in row[1]]
    assert changed, cells
    assert case.first in changed[0][2]
    if case.history:
        assert "alice" in changed[0][3]
    # The second's input is still in the form, now carrying the stored version.
    again = form_of(refused)
    assert case.second in again[next(n for n in again if n.endswith(case.field))]
    assert version_of(again) != version_of(theirs)

    # Saving again, having seen the difference, replaces the stored value on purpose.
    resaved = second.post(url, again)
    assert resaved.status_code == 302, form_errors(resaved)
    assert case.stored(world) == case.second


@pytest.mark.parametrize(
    ("name", "args", "version"),
    [
        ("audits:assessment", ["audit"], "1"),
        ("audits:acceptance", ["audit"], "1"),
        ("enterprises:create", [], "0"),
        ("audits:create", [], "0"),
        ("targets:department_create", [], "0"),
    ],
)
def test_other_forms_carry_the_version_too(name, args, version, world, two_clients):
    """Assessment and acceptance edit the audit through the same save as its edit form;
    a create form says 0 (no record yet)."""
    first, _second = two_clients
    url = reverse(name, args=[world[arg].pk for arg in args])
    assert version_of(open_form(first, url)) == version


def form_errors(response) -> str:
    if response.status_code != 200:
        return str(response.status_code)
    page = lxml.html.fromstring(response.content.decode())
    return " | ".join(
        node.text_content().strip()
        for node in page.xpath(
            "//*[contains(@class, 'invalid-feedback') or contains(@class, 'alert')]"
        )
    )


def test_only_what_differs_is_listed_and_the_others_change_is_taken(world, two_clients):
    """Only what differs is shown: the first changed the name, the second the address."""
    first, second = two_clients
    url = reverse("enterprises:edit", args=[world["enterprise"].pk])
    mine, theirs = open_form(first, url), open_form(second, url)
    assert first.post(url, change(mine, "name", "新名字")).status_code == 302
    refused = second.post(url, change(theirs, "address", "平山区"))
    assert refused.status_code == 200
    rows = lxml.html.fromstring(refused.content.decode()).xpath(
        "//table[contains(@class, 'conflict-table')]//tbody/tr"
    )
    cells = {
        row.xpath("./th")[0].text_content().strip(): [c.text_content().strip() for c in row]
        for row in rows
    }
    assert len(cells) == 2  # the name (theirs) and the address (mine), nothing else
    name = next(row for row in cells.values() if "新名字" in row[2])
    assert "溪城钢铁厂" in name[1] and "alice" in name[3]
    address = next(row for row in cells.values() if "平山区" in row[1])
    assert address[2] == "—"
    enterprise = Enterprise.objects.get(pk=world["enterprise"].pk)
    assert (enterprise.name, enterprise.address) == ("新名字", "")
    # The re-shown form holds the first's name (the second left the name alone) and the
    # second's address: saving it again keeps both.
    again = form_of(refused)
    assert (again["name"], again["address"]) == (["新名字"], ["平山区"])
    assert second.post(url, again).status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.address, enterprise.version) == ("新名字", "平山区", 3)


def test_a_field_outside_the_model_is_compared_too(world, two_clients):
    """An option's reductions are rows of their own, edited on the option's form: the first
    enters one, the second's save (another field) shows it beside the second's empty one."""
    first, second = two_clients
    url = reverse("audits:option_edit", args=[world["option"].pk])
    mine, theirs = open_form(first, url), open_form(second, url)
    assert first.post(url, {**mine, "reduction_COD": ["12.5"]}).status_code == 302
    refused = second.post(url, change(theirs, "title", "乙的标题"))
    assert refused.status_code == 200
    rows = lxml.html.fromstring(refused.content.decode()).xpath(
        "//table[contains(@class, 'conflict-table')]//tbody/tr"
    )
    cells = [[c.text_content().strip() for c in row] for row in rows]
    assert any("(吨/年)" in row[0] and row[1:3] == ["—", "12.5"] for row in cells), cells
    assert world["option"].reductions.get().amount_per_year == Decimal("12.5")


def test_a_grid_row_deleted_over_a_newer_version_is_refused(world, two_clients):
    first, second = two_clients
    url = reverse("audits:balance", args=[world["audit"].pk])
    mine, theirs = open_form(first, url), open_form(second, url)
    assert first.post(url, change(mine, "quantity", "95")).status_code == 302
    refused = second.post(url, {**theirs, "balance_lines-0-DELETE": ["on"]})
    assert refused.status_code == 200
    assert "edit-conflict" in refused.content.decode()
    assert MaterialBalanceLine.objects.get(pk=world["line"].pk).quantity == Decimal("95")


def test_a_grid_row_left_alone_takes_the_others_change(world, two_clients):
    """The first changes row 1 of the options grid, the second row 2: the second's save is
    refused (the grid would have put row 1 back), and comes back with row 1 as now stored
    and row 2 as entered, so that saving again keeps both changes."""
    first, second = two_clients
    url = reverse("audits:options", args=[world["audit"].pk])
    mine, theirs = open_form(first, url), open_form(second, url)
    assert first.post(url, change(mine, "title", "甲改的")).status_code == 302
    row = next(n for n in theirs if n.endswith("-1-title"))
    refused = second.post(url, {**theirs, row: ["乙改的"]})
    assert refused.status_code == 200
    assert dict(Option.objects.values_list("code", "title")) == {"F01": "甲改的", "F02": "余热回收"}
    again = form_of(refused)
    taken = lxml.html.fromstring(refused.content.decode()).xpath(
        "//table[contains(@class, 'conflict-table')]//span[contains(@class, 'conflict-taken')]"
    )
    assert len(taken) == 1  # row 1's title: the second left it, the first changed it
    assert again[row.replace("-1-", "-0-")] == ["甲改的"] and again[row] == ["乙改的"]
    response = second.post(url, again)
    assert response.status_code == 302, form_errors(response)
    titles = dict(Option.objects.values_list("code", "title"))
    assert titles == {"F01": "甲改的", "F02": "乙改的"}


def test_a_report_created_meanwhile_is_not_overwritten(world, two_clients):
    """Both open the grid of a period without a report: the second's save finds the first's
    report (version 0 read), and is refused."""
    first, second = two_clients
    url = (
        reverse("enterprises:report_entry")
        + f"?enterprise={world['enterprise'].pk}&year=1998&period=Q1"
    )
    mine, theirs = open_form(first, url), open_form(second, url)
    assert version_of(mine) == "0"
    cod = str(Pollutant.objects.get(code="COD").pk)
    row = next(n for n, v in mine.items() if n.endswith("-pollutant") and v == [cod])
    amount = row.replace("-pollutant", "-amount")
    # Nothing reported before this period: the grid proposes no basis, the clerk chooses.
    basis = {row.replace("-pollutant", "-basis"): ["calculated"]}
    assert first.post(url, {**mine, amount: ["30"], **basis}).status_code == 302
    refused = second.post(url, {**theirs, amount: ["31"], **basis})
    assert refused.status_code == 200
    assert "edit-conflict" in refused.content.decode()
    report = DischargeReport.objects.get(enterprise=world["enterprise"], period_kind="Q")
    assert report.values.get(pollutant__code="COD").amount == Decimal("30")


def test_a_workflow_step_moves_the_grid_on(world, two_clients, client):
    """Submitting the report (no form version) counts as a save: a grid opened before it
    cannot save over it."""
    first, _second = two_clients
    url = CASES["report grid"].url(world)
    mine = open_form(first, url)
    workflow.submit(world["report"], None)
    refused = first.post(url, change(mine, "amount", "99"))
    assert refused.status_code == 200
    assert "edit-conflict" in refused.content.decode()
    assert CASES["report grid"].stored(world) == "120"


def test_an_import_moves_the_grid_on(world, two_clients, alice):
    """A file that changes a value of the report moves its version on (the values' history
    is written by the importer, not through the report's save)."""
    from enterprises.importers import DischargeImporter

    first, _second = two_clients
    url = CASES["report grid"].url(world)
    mine = open_form(first, url)
    content = (
        b"enterprise_code,year,period,pollutant,amount,unit,basis,output_10k_yuan\n"
        b"E-1,1998,Y,COD,140,t,measured_sampling,\n"
    )
    result = DischargeImporter(user=alice).run(content, "values.csv", dry_run=False)
    assert result.ok, result
    refused = first.post(url, change(mine, "amount", "99"))
    assert refused.status_code == 200
    assert CASES["report grid"].stored(world) == "140"


# -- the model's own check: a compare-and-swap in the database ----------------------------
def test_a_save_over_a_newer_version_writes_nothing(world):
    one = Enterprise.objects.get(pk=world["enterprise"].pk)
    other = Enterprise.objects.get(pk=world["enterprise"].pk)
    one.name, other.name = "一", "二"
    one.expect_version(one.version)
    other.expect_version(other.version)
    one.save()
    with pytest.raises(EditConflict):
        other.save()
    stored = Enterprise.objects.get(pk=one.pk)
    assert (stored.name, stored.version) == ("一", 2)
    assert stored.history.count() == 2  # created, and the first save: none for the refusal


def test_every_save_counts_and_bulk_inserts_start_at_one(world):
    enterprise = world["enterprise"]
    assert enterprise.version == 1
    enterprise.save()
    enterprise.save(update_fields=["name"])
    assert Enterprise.objects.get(pk=enterprise.pk).version == 3
    Enterprise.objects.bulk_create([Enterprise(code="E-2", name="二厂", sector="iron_steel")])
    assert Enterprise.objects.get(code="E-2").version == 1


def test_a_derived_field_saved_alone_is_no_edit(world, two_clients):
    """Completing a step stores the audit's count of completed steps: the audit's edit form
    opened before is not stopped by it (the count is not on the form, nor anyone's edit)."""
    from audits.services import sync_steps_completed

    first, _second = two_clients
    audit = world["audit"]
    url = reverse("audits:edit", args=[audit.pk])
    mine = open_form(first, url)
    step = audit.steps.get(number=1)
    step.status, step.started_on = "completed", datetime.date(1998, 3, 1)
    step.completed_on = datetime.date(1998, 3, 20)
    step.save()
    assert sync_steps_completed(Audit.objects.get(pk=audit.pk)) == 1
    assert Audit.objects.get(pk=audit.pk).version == 1
    response = first.post(url, change(mine, "focus", "炼铁车间"))
    assert response.status_code == 302, form_errors(response)
    stored = Audit.objects.get(pk=audit.pk)
    assert (stored.focus, stored.steps_completed, stored.version) == ("炼铁车间", 1, 2)


def test_a_verified_reports_version_may_move_its_data_may_not(world):
    """The lock's trigger leaves the save counter alone (it records no data)."""
    from django.db import DatabaseError, transaction

    report = world["report"]
    workflow.submit(report, None)
    workflow.verify(DischargeReport.objects.get(pk=report.pk), None)
    DischargeReport.objects.filter(pk=report.pk).update(version=F("version") + 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        DischargeReport.objects.filter(pk=report.pk).update(output_10k_yuan=Decimal("1"))


# -- at the same moment: the database decides ----------------------------------------------
@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["enterprise", "report grid"])
def test_eight_saves_of_the_same_version_at_once_one_wins(kind, world, make_user):
    """Eight people opened the same form; their saves arrive together. With row locks (and
    no form check to race past), one is saved and seven are refused, none overwritten."""
    case = CASES[kind]
    url = case.url(world)
    clients = []
    for n in range(8):
        client = Client()
        client.force_login(make_user(roles.ADMINISTRATOR, f"editor-{n}"))
        clients.append((client, open_form(client, url)))
    statuses: dict[int, int] = {}

    def work(index: int) -> None:
        client, values = clients[index]
        statuses[index] = client.post(url, change(values, case.field, str(200 + index))).status_code

    assert in_threads(8, work) == []
    winners = [index for index, status in statuses.items() if status == 302]
    assert len(winners) == 1 and sorted(statuses.values()) == [200] * 7 + [302]
    assert case.stored(world) == str(200 + winners[0])


# -- the admin's change pages ---------------------------------------------------------------
def admin_form(response) -> dict[str, list[str]]:
    page = lxml.html.fromstring(response.content.decode())
    form = page.xpath("//form[@id='enterprise_form' or contains(@id, '_form')]")[0]
    return browser_values(form)


def test_the_admin_refuses_a_save_over_a_newer_version_too(world, alice, bob):
    for user in (alice, bob):
        user.is_staff = True
        user.save()
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(bob)
    url = reverse("admin:enterprises_enterprise_change", args=[world["enterprise"].pk])
    mine, theirs = admin_form(first.get(url)), admin_form(second.get(url))
    assert mine["version"] == theirs["version"] == ["1"]
    assert first.post(url, {**mine, "name": ["甲改的"]}).status_code == 302
    refused = second.post(url, {**theirs, "name": ["乙改的"]})
    assert refused.status_code == 200
    errors = lxml.html.fromstring(refused.content.decode()).xpath(
        "//ul[contains(@class, 'errorlist')]"
    )
    text = " ".join(e.text_content() for e in errors)
    assert "乙改的" in text and "甲改的" in text and "alice" in text
    assert Enterprise.objects.get(pk=world["enterprise"].pk).name == "甲改的"
    # Saving the re-shown form again stores the second's name on purpose.
    assert second.post(url, admin_form(refused)).status_code == 302
    assert Enterprise.objects.get(pk=world["enterprise"].pk).name == "乙改的"


def test_report_grid_rows_left_alone_take_the_others_values(world, two_clients):
    """The first changes SO2 and adds dust; the second changes COD. The second's save is
    refused and comes back with COD as entered, SO2 and dust as now stored: saving it again
    keeps all three changes."""
    report = world["report"]
    catalogue = {p.code: p for p in Pollutant.objects.all()}
    DischargeValue.objects.create(
        report=report, pollutant=catalogue["SO2"], amount=Decimal("50"), basis="estimated"
    )
    DischargeReport.objects.get(pk=report.pk).save()  # the grid's own save moves it on too
    first, second = two_clients
    url = CASES["report grid"].url(world)
    mine, theirs = open_form(first, url), open_form(second, url)

    def row(values, code: str) -> str:
        pk = str(catalogue[code].pk)
        name = next(n for n, v in values.items() if n.endswith("-pollutant") and v == [pk])
        return name.removesuffix("-pollutant")

    so2, cod = row(mine, "SO2"), row(theirs, "COD")
    total = int(mine["rows-TOTAL_FORMS"][0])
    added = {
        f"rows-{total}-pollutant": [str(catalogue["DUST"].pk)],
        f"rows-{total}-amount": ["5"],
        f"rows-{total}-basis": ["estimated"],
        "rows-TOTAL_FORMS": [str(total + 1)],
    }
    saved = first.post(url, {**mine, f"{so2}-amount": ["60"], **added})
    assert saved.status_code == 302, form_errors(saved)
    refused = second.post(url, {**theirs, f"{cod}-amount": ["130"]})
    assert refused.status_code == 200
    again = form_of(refused)
    assert again[f"{cod}-amount"] == ["130"]
    assert again[f"{row(again, 'SO2')}-amount"] == ["60"]
    assert again[f"{row(again, 'DUST')}-amount"] == ["5"]
    taken = lxml.html.fromstring(refused.content.decode()).xpath(
        "//*[contains(@class, 'conflict-taken')]"
    )
    assert len(taken) == 2
    assert second.post(url, again).status_code == 302
    stored = dict(report.values.values_list("pollutant__code", "amount"))
    assert stored == {"COD": Decimal("130"), "SO2": Decimal("60"), "DUST": Decimal("5")}
