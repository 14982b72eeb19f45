import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.models import Enterprise
from tests.fixtures import ALL_ROLES

WRITERS = {"administrator", "epb_staff"}


@pytest.fixture
def enterprise(db) -> Enterprise:
    return Enterprise.objects.create(
        code="E-1", name="溪城钢铁厂", name_en="Xicheng Steel", sector="iron_steel"
    )


def urls(enterprise: Enterprise) -> dict[str, tuple[str, bool]]:
    """Each page and whether it writes (writing pages are for administrator and EPB only)."""
    return {
        "list": (reverse("enterprises:list"), False),
        "detail": (reverse("enterprises:detail", args=[enterprise.pk]), False),
        "create": (reverse("enterprises:create"), True),
        "edit": (reverse("enterprises:edit", args=[enterprise.pk]), True),
        "import": (reverse("import", args=["enterprises"]), True),
        "export": (reverse("enterprises:list") + "?_export=csv", False),
    }


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client, enterprise):
    for url, _writes in urls(enterprise).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_gets_exactly_what_it_may(client_as, enterprise, role):
    client = client_as(role)
    for name, (url, writes) in urls(enterprise).items():
        expected = 403 if writes and role not in WRITERS else 200
        assert client.get(url).status_code == expected, (role, name)
    if role not in WRITERS:
        response = client.post(
            reverse("enterprises:edit", args=[enterprise.pk]),
            {"code": "E-1", "name": "改名", "sector": "coal"},
        )
        assert response.status_code == 403
        enterprise.refresh_from_db()
        assert enterprise.name == "溪城钢铁厂"


@pytest.mark.django_db
def test_a_user_without_a_role_sees_nothing(client, make_user, enterprise):
    client.force_login(make_user(None))
    assert client.get(reverse("enterprises:list")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role,shows", [("epb_staff", True), ("leadership", False)])
def test_the_new_button_shows_only_to_writers(client_as, role, shows):
    content = client_as(role).get(reverse("enterprises:list")).content.decode()
    assert ('id="create-button"' in content) is shows
    assert (reverse("import", args=["enterprises"]) in content) is shows


def form_data(**fields) -> dict:
    return {"code": "new-1", "name": "新厂", "sector": "coal", "employees": "10"} | fields


@pytest.mark.django_db
def test_epb_staff_create_an_enterprise_and_are_recorded_as_its_author(client_as):
    client = client_as("epb_staff")
    response = client.post(reverse("enterprises:create"), form_data())
    enterprise = Enterprise.objects.get(code="NEW-1")
    assert response.status_code == 302
    assert response["Location"] == enterprise.get_absolute_url()
    assert enterprise.created_by.username == "epb_staff-user"


@pytest.mark.django_db
def test_bad_input_gives_a_clear_error_and_writes_nothing(client_as, enterprise):
    client = client_as("epb_staff")
    response = client.post(reverse("enterprises:create"), form_data(employees="-5"))
    assert response.status_code == 200
    assert (
        "cannot be negative" in response.content.decode() or "不能为负" in response.content.decode()
    )
    response = client.post(reverse("enterprises:create"), form_data(code="e-1"))
    assert response.status_code == 200
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_filters_search_and_export_the_filtered_list(client_as):
    Enterprise.objects.create(code="S-1", name="甲钢铁厂", name_en="Steel A", sector="iron_steel")
    Enterprise.objects.create(code="C-1", name="乙煤矿", name_en="Coal B", sector="coal")
    Enterprise.objects.create(
        code="C-2", name="丙煤矿", sector="coal", district="平山区", state_large_medium=True
    )
    client = client_as("leadership")
    listing = client.get(reverse("enterprises:list"), {"sector": "coal"}).content.decode()
    assert "乙煤矿" in listing and "甲钢铁厂" not in listing
    listing = client.get(reverse("enterprises:list"), {"q": "steel"}).content.decode()
    assert "甲钢铁厂" in listing and "乙煤矿" not in listing
    listing = client.get(reverse("enterprises:list"), {"state_large_medium": "true"}).content
    assert "丙煤矿" in listing.decode() and "乙煤矿" not in listing.decode()

    response = client.get(reverse("enterprises:list"), {"sector": "coal", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["C-1", "C-2"]

    response = client.get(reverse("enterprises:list"), {"district": "平山", "_export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "C-2" and len(values) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_runs_a_fixed_number_of_queries(client_as, django_assert_num_queries, rows):
    Enterprise.objects.bulk_create(
        Enterprise(code=f"Q-{i:03d}", name=f"厂{i}", sector="coal") for i in range(rows)
    )
    client = client_as("epb_staff")
    # 1 session, 2 user, 3 the user's groups (role in the menu), 4 the user's own permissions,
    # 5 the groups' permissions, 6 demo flag, 7 count of the filtered rows, 8 the page of rows.
    with django_assert_num_queries(8):
        response = client.get(reverse("enterprises:list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_detail_shows_the_enterprise_and_a_fixed_number_of_queries(
    client_as, enterprise, django_assert_num_queries
):
    client = client_as("auditor")
    # session, user, groups, user perms, group perms, the enterprise with its editor,
    # the audits panel's audits (audits app), the discharge panel's reports and its annual
    # values, demo flag; the programme office's panels: the training the enterprise took
    # part in, its incentives (the auditor's scope)
    with django_assert_num_queries(10 + 2):
        response = client.get(enterprise.get_absolute_url())
    assert "溪城钢铁厂" in response.content.decode()


@pytest.mark.django_db
def test_language_switch_changes_the_interface(client_as):
    client = client_as("epb_staff")
    assert "企业" in client.get(reverse("enterprises:list")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Enterprise register" in client.get(reverse("enterprises:list")).content.decode()
