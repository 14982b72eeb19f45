"""NUL bytes and other control characters in a query parameter, a form or an API body:
`GET /api/v1/audits/?enterprise=%00` and a form's NUL reached PostgreSQL (a server error).
Now every such request is answered with 400 and a message naming the character and where
it is, in the user's language, before a view or the database sees it; on SQLite and on
PostgreSQL alike. Tab, line feed and carriage return stay text."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from api.serializers import BatchSerializer, ReturnSerializer
from benxi_cp import roles
from benxi_cp.validators import CONTROL_CHARACTER_MESSAGE
from enterprises.models import DischargeReport, Enterprise
from tests.robustness.hostile import in_both_languages

EDGE = (
    "The request holds a control character (%(character)s: a NUL byte or another invisible "
    "character) in “%(where)s”, which no field accepts. Remove it and send the request again."
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/audits/?enterprise=%00",
        "/api/v1/options/?audit=%00",
        "/api/v1/discharge-reports/?enterprise=%00",
        "/api/v1/enterprises/?search=a%01b",
    ],
)
def test_a_query_parameter_with_a_control_character_is_a_400_in_the_api(api_as, city, url):
    response = api_as(roles.ADMINISTRATOR).get(url)
    assert response.status_code == 400
    where = url.split("?")[1].split("=")[0]
    character = "U+0000" if "%00" in url else "U+0001"
    assert response.json() == {"detail": EDGE % {"character": character, "where": where}}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_page_asked_for_with_a_nul_is_a_400_page_in_the_users_language(client_as, language):
    client = client_as(roles.EPB_STAFF)
    client.cookies["django_language"] = language
    response = client.get(reverse("enterprises:list") + "?q=%00&sector=coal")
    assert response.status_code == 400
    english, chinese = in_both_languages(EDGE)
    expected = (english if language == "en" else chinese) % {"character": "U+0000", "where": "q"}
    assert escape(expected) in response.content.decode()


@pytest.mark.django_db
def test_a_form_field_with_a_nul_is_refused_and_nothing_written(client_as):
    client = client_as(roles.ADMINISTRATOR)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("enterprises:create"),
        {"code": "N-1", "name": "甲\x00厂", "sector": "coal"},
    )
    assert response.status_code == 400
    assert "U+0000" in response.content.decode()
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_an_api_body_with_a_nul_is_a_400_in_its_schemas_shape_and_nothing_written(api_as, city):
    report = city["reports"]["submitted"]
    api = api_as(roles.EPB_STAFF)
    url = f"/api/v1/discharge-reports/{report.pk}/return/"
    response = api.post(url, {"reason": "COD\x00 too low"}, format="json")
    assert response.status_code == 400
    assert str(CONTROL_CHARACTER_MESSAGE) in response.json()["reason"]
    batch = {
        "reports": [
            {
                "enterprise_code": "C-1",
                "year": 2001,
                "values": [{"pollutant": "CO\x1bD", "amount": 1, "basis": "\x84"}],
            }
        ]
    }
    response = api.post("/api/v1/discharge-reports/batch/", batch, format="json")
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"values[1].pollutant", "values[1].basis"} <= fields, response.json()
    report.refresh_from_db()
    assert report.status == "submitted"
    assert not DischargeReport.objects.filter(year=2001).exists()


@pytest.mark.django_db
def test_tabs_and_line_breaks_are_text(api_as, city):
    report = city["reports"]["submitted"]
    response = api_as(roles.EPB_STAFF).post(
        f"/api/v1/discharge-reports/{report.pk}/return/",
        {"reason": "COD\ttoo low;\r\nsee the\nnotes"},
        format="json",
    )
    assert response.status_code == 200, response.json()


def test_the_api_fields_refuse_control_characters_themselves():
    """Behind the middleware, the serializers hold the rule too (and their schema states it)."""
    returned = ReturnSerializer(data={"reason": "x\x07y"})
    assert not returned.is_valid()
    assert returned.errors["reason"] == [str(CONTROL_CHARACTER_MESSAGE)]
    batch = BatchSerializer(
        data={
            "reports": [
                {
                    "enterprise_code": "C-1\x00",
                    "year": 2001,
                    "values": [{"pollutant": "COD", "amount": "1\x00"}],
                }
            ]
        }
    )
    assert not batch.is_valid()
    errors = batch.errors["reports"][0]
    assert str(CONTROL_CHARACTER_MESSAGE) in errors["enterprise_code"]
    assert errors["values"][0]["amount"] == [str(CONTROL_CHARACTER_MESSAGE)]
