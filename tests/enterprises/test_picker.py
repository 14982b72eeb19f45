"""The enterprise box: the lookup (code prefix first, then code or names holding the text,
limited, one query), its endpoint (JSON, denied to whoever may not read the register, query
count pinned), the field that takes a code or a name without scripts, and the forms that
choose an enterprise with it."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from enterprises.models import Enterprise
from enterprises.picker import LOOKUP_LIMIT, EnterpriseField, lookup

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(db):
    rows = [
        ("91210500AAA0000001", "溪城第一钢铁厂", "Xicheng No. 1 Steel Works"),
        ("91210500AAA0000002", "溪城水泥厂", "Xicheng Cement Works"),
        ("DEMO-0003", "明山化工厂", "Mingshan Chemical Plant"),
        ("LOCAL-17", "本溪钢铁二厂", "Benxi Steel No. 2"),
        ("LOCAL-18", "溪湖焦化厂", ""),
    ]
    return {
        code: Enterprise.objects.create(code=code, name=name, name_en=en, sector="coal")
        for code, name, en in rows
    }


def codes(found) -> list[str]:
    return [enterprise.code for enterprise in found]


def test_the_code_prefix_comes_first_then_what_holds_the_text(register):
    assert codes(lookup("9121")) == ["91210500AAA0000001", "91210500AAA0000002"]
    # "local" finds the codes that start so (typed in lower case too).
    assert codes(lookup("local")) == ["LOCAL-17", "LOCAL-18"]
    assert codes(lookup("钢铁")) == ["91210500AAA0000001", "LOCAL-17"]
    assert codes(lookup("steel")) == ["91210500AAA0000001", "LOCAL-17"]
    assert codes(lookup("0003")) == ["DEMO-0003"]
    # A code that starts with the text comes before names that hold it.
    Enterprise.objects.create(code="XI-1", name="某厂", name_en="", sector="coal")
    assert codes(lookup("xi"))[0] == "XI-1"
    assert lookup("  ") == [] and lookup("no such works") == []


def test_the_lookup_is_one_limited_query(register, django_assert_num_queries):
    Enterprise.objects.bulk_create(
        Enterprise(code=f"BULK-{n:04d}", name=f"钢铁厂{n}", sector="coal") for n in range(40)
    )
    with django_assert_num_queries(1):
        found = lookup("钢铁")
    assert len(found) == LOOKUP_LIMIT
    with django_assert_num_queries(0):
        assert lookup("") == []


def test_the_endpoint_answers_json(client_as, register):
    client = client_as("auditor")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("enterprises:lookup"), {"q": "cement"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "results": [
            {
                "id": register["91210500AAA0000002"].pk,
                "code": "91210500AAA0000002",
                "name": "Xicheng Cement Works",
            }
        ]
    }
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("enterprises:lookup"), {"q": "cement"})
    assert json.loads(response.content)["results"][0]["name"] == "溪城水泥厂"


def test_the_endpoint_is_denied_to_whoever_may_not_read_the_register(client, make_user):
    url = reverse("enterprises:lookup")
    response = client.get(url, {"q": "x"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(make_user(None, "no-role"))
    assert client.get(url, {"q": "x"}).status_code == 403


def test_endpoint_queries(client_as, register, django_assert_num_queries):
    client = client_as("epb_staff")
    client.get(reverse("home"))  # the session exists
    # The session, the user, the user's permissions and their groups' permissions, the
    # lookup itself.
    with django_assert_num_queries(5):
        response = client.get(reverse("enterprises:lookup"), {"q": "溪"})
    assert len(json.loads(response.content)["results"]) == 4


# -- the field: without scripts, a plain box that the server checks ----------------------------
@pytest.mark.parametrize(
    "typed,code",
    [
        ("DEMO-0003", "DEMO-0003"),
        ("demo-0003", "DEMO-0003"),
        (" 明山化工厂 ", "DEMO-0003"),
        ("mingshan chemical plant", "DEMO-0003"),
    ],
)
def test_the_field_takes_a_code_or_a_name(register, typed, code):
    assert EnterpriseField().clean(typed).code == code


def test_the_field_takes_an_id_from_a_link(register):
    enterprise = register["LOCAL-17"]
    assert EnterpriseField().clean(str(enterprise.pk)) == enterprise


def test_the_field_says_what_is_wrong(register):
    Enterprise.objects.create(code="TWIN-1", name="双胞厂", sector="coal")
    Enterprise.objects.create(code="TWIN-2", name="双胞厂", sector="coal")
    field = EnterpriseField()
    with translation.override("en"):
        with pytest.raises(Exception) as unknown:
            field.clean("溪城")
        assert "No enterprise has this code or name" in str(unknown.value)
        with pytest.raises(Exception) as ambiguous:
            field.clean("双胞厂")
        assert "give the code" in str(ambiguous.value)
        with pytest.raises(Exception) as empty:
            field.clean("")
        assert "required" in str(empty.value)
    with translation.override("zh-hans"), pytest.raises(Exception) as unknown:
        field.clean("溪城")
    assert "没有" in str(unknown.value)


# -- where an enterprise is chosen -----------------------------------------------------------
@pytest.mark.parametrize(
    "role,url",
    [
        ("epb_staff", "audits:create"),
        ("epb_staff", "enterprises:report_entry"),
        ("administrator", "programme:investment_create"),
        ("administrator", "programme:incentive_create"),
        ("administrator", "programme:event_create"),
    ],
)
def test_every_form_that_chooses_an_enterprise_has_the_box(client_as, register, role, url):
    page = client_as(role).get(reverse(url)).content.decode()
    assert "data-enterprise-picker" in page
    assert f'data-lookup-url="{reverse("enterprises:lookup")}"' in page
    assert "溪城水泥厂</option>" not in page  # no drop-down of every enterprise
    assert "js/enterprise-picker" in page


def test_a_form_chooses_by_code_and_shows_the_name(client_as, register):
    client = client_as("epb_staff")
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("audits:create"),
        {"enterprise": "cement works", "ref": "A-9", "started_on": "1999-01-01"},
    )
    assert response.status_code == 200  # the name is not the whole English name
    assert "No enterprise has this code or name" in response.content.decode()
    assert 'value="cement works"' in response.content.decode()  # the input is kept
    response = client.post(
        reverse("audits:create"),
        {"enterprise": "xicheng cement works", "ref": "A-9", "started_on": "1999-01-01"},
    )
    assert response.status_code == 302
    from audits.models import Audit

    assert Audit.objects.get(ref="A-9").enterprise.code == "91210500AAA0000002"
    page = client.get(reverse("audits:edit", args=[Audit.objects.get(ref="A-9").pk]))
    html = page.content.decode()
    assert 'value="91210500AAA0000002"' in html and "Xicheng Cement Works</div>" in html


def test_the_report_start_form_opens_the_grid_by_code(client_as, register):
    client = client_as("epb_staff")
    url = reverse("enterprises:report_entry")
    response = client.get(url, {"enterprise": "DEMO-0003", "year": 2000, "period": "Y"})
    assert response.status_code == 200
    assert 'id="entry-grid"' in response.content.decode()
