"""Pages of the registers: who may read and write, what each sees, and their query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benxi_cp import roles
from programme.models import Incentive, TrainingEvent, TrainingMaterial

LISTS = ["programme:event_list", "programme:policy_list", "programme:incentive_list"]


@pytest.fixture
def records(make_event, enterprises, audits, policy, make_incentive):
    event = make_event(people=[(enterprises["E-1"], 3), (enterprises["E-2"], 2)])
    make_incentive(audit=audits["A-1"], policy=policy, decision_number="D-1")
    make_incentive(enterprise="E-2", audit=audits["A-2"], decision_number="D-2")
    return event


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.ADMINISTRATOR, roles.EPB_STAFF, roles.LEADERSHIP])
@pytest.mark.parametrize("name", LISTS)
def test_the_office_epb_and_leadership_read_every_list(client_as, records, role, name):
    response = client_as(role).get(reverse(name))
    assert response.status_code == 200
    assert len(response.context["table"].rows) == (
        1 if name == LISTS[0] else 2 - (name == LISTS[1])
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["programme:event_create", "programme:policy_create", "programme:incentive_create"]
)
@pytest.mark.parametrize("role", [roles.EPB_STAFF, roles.LEADERSHIP, roles.AUDITOR])
def test_only_the_office_writes(client_as, name, role):
    assert client_as(role).get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_nobody_without_a_role_reads_them(client, make_user, records):
    client.force_login(make_user(None))
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_an_auditor_sees_the_incentives_of_their_audits_enterprises_only(
    client, make_user, records, audits
):
    auditor = make_user(roles.AUDITOR)
    audits["A-1"].team.add(auditor)
    client.force_login(auditor)
    response = client.get(reverse("programme:incentive_list"))
    assert [row.record.decision_number for row in response.context["table"].rows] == ["D-1"]
    other = Incentive.objects.get(decision_number="D-2")
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("programme:event_list")).status_code == 200  # training: all


BASE = 6  # session, user, the user's groups (role), user permissions, group permissions, demo flag


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_the_lists_run_a_fixed_number_of_queries(
    client_as, records, make_event, make_incentive, enterprises, django_assert_num_queries, count
):
    for n in range(count):
        make_event(title=f"more {n}", people=[(enterprises["E-1"], 1)])
        make_incentive(decision_number=f"M-{n}")
    client = client_as(roles.ADMINISTRATOR)
    # BASE, count of rows, the page of events with their enterprises and participants
    # counted. (The enterprise filters are boxes: no drop-down of enterprises to fill.)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("programme:event_list"))
    assert len(response.context["table"].rows) == count + 1
    # BASE, count, the page with enterprise, audit and policy.
    with django_assert_num_queries(BASE + 2):
        client.get(reverse("programme:incentive_list"))
    # BASE, count, the page of policies.
    with django_assert_num_queries(BASE + 2):
        client.get(reverse("programme:policy_list"))


@pytest.mark.django_db
def test_lists_export_csv_and_xlsx(client_as, records):
    client = client_as(roles.EPB_STAFF)
    response = client.get(reverse("programme:incentive_list"), {"_export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "D-1" in text and "E-1" in text
    response = client.get(reverse("programme:event_list"), {"_export": "xlsx", "year": 1999})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_the_free_text_search_finds_events_by_enterprise(client_as, records, make_event):
    make_event(title="其他")
    response = client_as(roles.LEADERSHIP).get(reverse("programme:event_list"), {"q": "Cement"})
    assert [row.record.pk for row in response.context["table"].rows] == [records.pk]


@pytest.mark.django_db
def test_the_office_records_an_event_with_participants_and_materials(client_as, enterprises):
    client = client_as(roles.ADMINISTRATOR)
    data = {
        "kind": "training",
        "audience": "enterprises",
        "title": "审核方法",
        "held_on": "2000-04-15",
        "hours": "16",
        "other_participants": "2",
        "participations-TOTAL_FORMS": "3",
        "participations-INITIAL_FORMS": "0",
        "participations-0-enterprise": enterprises["E-1"].pk,
        "participations-0-participants": "5",
        "participations-1-enterprise": enterprises["E-2"].pk,
        "participations-1-participants": "3",
        "materials": [SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides")],
    }
    response = client.post(reverse("programme:event_create"), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    event = TrainingEvent.objects.get()
    assert event.total_participants == 10
    material = TrainingMaterial.objects.get()
    assert material.filename == "slides.pdf" and material.content_type == "application/pdf"
    download = client.get(material.get_absolute_url())
    assert b"".join(download.streaming_content) == b"%PDF-1.4 slides"
    detail = client.get(event.get_absolute_url())
    assert detail.context["object"].total_participants == 10


@pytest.mark.django_db
def test_a_file_of_the_wrong_kind_and_a_listed_enterprise_twice_are_refused(client_as, enterprises):
    client = client_as(roles.ADMINISTRATOR)
    data = {
        "kind": "training",
        "audience": "enterprises",
        "title": "x",
        "held_on": "2000-04-15",
        "hours": "4",
        "other_participants": "0",
        "participations-TOTAL_FORMS": "2",
        "participations-INITIAL_FORMS": "0",
        "participations-0-enterprise": enterprises["E-1"].pk,
        "participations-0-participants": "5",
        "participations-1-enterprise": enterprises["E-1"].pk,
        "participations-1-participants": "3",
        "materials": [SimpleUploadedFile("run.exe", b"MZ")],
    }
    response = client.post(reverse("programme:event_create"), data)
    assert response.status_code == 200
    assert "materials" in response.context["form"].errors
    assert not TrainingEvent.objects.exists()
    data["materials"] = []
    response = client.post(reverse("programme:event_create"), data)
    assert response.context["formset"].forms[1].errors  # the enterprise listed twice
    assert not TrainingEvent.objects.exists()


@pytest.mark.django_db
def test_an_incentive_for_an_audit_of_another_enterprise_is_refused_with_a_message(
    client_as, enterprises, audits
):
    response = client_as(roles.ADMINISTRATOR).post(
        reverse("programme:incentive_create"),
        {
            "kind": "reward",
            "enterprise": enterprises["E-1"].pk,
            "audit": audits["A-2"].pk,
            "amount_10k_yuan": "5",
            "granted_on": "2000-01-01",
        },
    )
    assert response.status_code == 200
    assert "audit" in response.context["form"].errors
    assert not Incentive.objects.exists()


@pytest.mark.django_db
def test_the_enterprise_page_shows_its_training_and_incentives(client_as, records, enterprises):
    response = client_as(roles.LEADERSHIP).get(enterprises["E-1"].get_absolute_url())
    html = response.content.decode()
    assert 'id="panel-training"' in html and records.title in html
    assert 'id="panel-incentives"' in html and "D-1" in html and "D-2" not in html


@pytest.mark.django_db
def test_the_audit_page_shows_the_incentives_that_reward_it(client_as, records, audits):
    html = client_as(roles.EPB_STAFF).get(audits["A-1"].get_absolute_url()).content.decode()
    assert 'id="panel-audit-incentives"' in html and "D-1" in html and "D-2" not in html


@pytest.mark.django_db
def test_the_totals_page(client_as, records, make_incentive):
    make_incentive(
        kind="loan", amount_10k_yuan=Decimal("100"), granted_on=datetime.date(2000, 6, 1)
    )
    response = client_as(roles.LEADERSHIP).get(reverse("programme:incentive_totals"))
    grid = response.context["incentive_grid"]
    assert [row["year"] for row in grid["rows"]] == [1999, 2000]
    assert grid["total"] == Decimal("110")
    assert response.context["training"][0].participants == 5


@pytest.mark.django_db
def test_the_history_of_an_incentive(client_as, records):
    incentive = Incentive.objects.get(decision_number="D-1")
    incentive.amount_10k_yuan = Decimal("7")
    incentive.save()
    response = client_as(roles.LEADERSHIP).get(
        reverse("programme:outreach_history", args=["incentive", incentive.pk])
    )
    changes = response.context["entries"][0]["changes"]
    field = Incentive._meta.get_field("amount_10k_yuan").verbose_name
    assert [(str(c["field"]), c["old"], c["new"]) for c in changes] == [
        (str(field), Decimal("5"), Decimal("7"))
    ]
    assert (
        client_as(roles.LEADERSHIP)
        .get(reverse("programme:outreach_history", args=["nothing", 1]))
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_the_menu_has_one_programme_office_entry(client_as):
    response = client_as(roles.ADMINISTRATOR).get(reverse("programme:event_list"))
    from programme.navigation import MENU

    menus = [m for m in response.context["nav_menus"] if str(m["label"]) == str(MENU)]
    assert len(menus) == 1
    assert len(menus[0]["items"]) >= 3


@pytest.mark.django_db
def test_the_office_records_a_policy_with_its_document(client_as, make_user, client):
    office = client_as(roles.ADMINISTRATOR)
    data = {
        "title": "本溪市清洁生产基金管理办法",
        "level": "municipal",
        "kind": "cp_fund",
        "status": "in_force",
        "issuer": "本溪市财政局",
        "number": "本财发〔1998〕22号",
        "issued_on": "1998-03-10",
        "effective_on": "1998-04-01",
        "upload": SimpleUploadedFile("rules.pdf", b"%PDF-1.4 rules"),
    }
    response = office.post(reverse("programme:policy_create"), data)
    assert response.status_code == 302
    from programme.models import Policy

    policy = Policy.objects.get()
    assert (policy.document_name, policy.document_type) == ("rules.pdf", "application/pdf")
    download = office.get(reverse("programme:policy_document", args=[policy.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 rules"
    # a file that is not what its name says is refused
    data |= {"number": "2", "upload": SimpleUploadedFile("fake.pdf", b"MZ not a pdf")}
    response = office.post(reverse("programme:policy_create"), data)
    assert response.status_code == 200 and "upload" in response.context["form"].errors
    data |= {"upload": SimpleUploadedFile("ok.txt", b"text"), "effective_on": "1998-01-01"}
    response = office.post(reverse("programme:policy_create"), data)
    assert response.status_code == 200  # effective before issued: the form says so
    assert Policy.objects.count() == 1
    client.force_login(make_user(roles.AUDITOR, "reader"))  # auditors read policies
    assert client.get(policy.get_absolute_url()).status_code == 200
