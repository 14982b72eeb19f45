"""The API reads a request as its schema states it, so that a client generated from the
schema and the API agree: a filter is one value of its type or empty (all), a yes/no is
true or false, a text of a body is a JSON string, a boolean of a body a JSON boolean; the
schema states the empty filters and the text parameters' pattern."""

import pytest

from benxi_cp import roles
from benxi_cp.validators import TEXT_PATTERN

BATCH = "/api/v1/discharge-reports/batch/"


@pytest.fixture
def schema(client_as) -> dict:
    return client_as(roles.LEADERSHIP).get("/api/schema/?format=json&lang=en").json()


def _parameters(schema: dict, path: str) -> dict:
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


@pytest.mark.django_db
def test_the_schema_states_empty_filters_and_text_patterns(schema):
    enterprises = _parameters(schema, "/api/v1/enterprises/")
    for name in ("sector", "state_large_medium", "q", "district"):
        assert enterprises[name]["allowEmptyValue"] is True, name
    for name in ("cursor", "page_size"):
        assert "allowEmptyValue" not in enterprises[name], name
    for name in ("q", "district", "cursor"):
        assert enterprises[name]["schema"]["pattern"] == TEXT_PATTERN, name
    assert "pattern" not in enterprises["sector"]["schema"]
    assert _parameters(schema, "/api/v1/indicators/")["department"]["schema"]["pattern"] == (
        TEXT_PATTERN
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["sector=", "size=", "year=", "state_large_medium=", "q=", "district="],
)
def test_an_empty_filter_lists_all(api_as, city, query):
    path = "/api/v1/discharge-reports/" if query == "year=" else "/api/v1/enterprises/"
    response = api_as(roles.ADMINISTRATOR).get(f"{path}?{query}")
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == (3 if "year" in query else 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ("sector=coal&sector=iron_steel", "sector", "Give this filter once."),
        ("q=S&q=C", "q", "Give this filter once."),
        ("state_large_medium=1", "state_large_medium", "Enter a valid value."),
        ("state_large_medium=True", "state_large_medium", "Enter a valid value."),
    ],
)
def test_a_filter_outside_the_schema_is_a_400(api_as, city, query, name, message):
    response = api_as(roles.ADMINISTRATOR).get(f"/api/v1/enterprises/?{query}")
    assert response.status_code == 400
    assert response.json() == {name: [message]}


@pytest.mark.django_db
def test_a_control_character_in_a_cursor_is_a_400(api_as, city):
    response = api_as(roles.ADMINISTRATOR).get("/api/v1/enterprises/?cursor=%C2%81")
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_reason_must_be_a_string(api_as, city):
    report = city["reports"]["submitted"]
    url = f"/api/v1/discharge-reports/{report.pk}/return/"
    response = api_as(roles.EPB_STAFF).post(url, {"reason": 0}, format="json")
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [0, 1, "true", None])
def test_dry_run_must_be_a_boolean(api_as, city, dry_run):
    body = {
        "reports": [
            {"enterprise_code": "C-1", "year": 2001, "values": [{"pollutant": "COD", "amount": 5}]}
        ],
        "dry_run": dry_run,
    }
    response = api_as(roles.EPB_STAFF).post(BATCH, body, format="json")
    assert response.status_code == 400, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["dry_run"]


@pytest.mark.django_db
def test_a_batch_cell_may_be_a_number_and_a_blank_text_is_one_string(schema, api_as, city):
    value = schema["components"]["schemas"]["BatchValueRequest"]["properties"]
    assert value["unit"]["type"] == "string" and "oneOf" not in value["unit"]
    assert value["amount"]["anyOf"] == [
        {"type": "string", "pattern": value["amount"]["anyOf"][0]["pattern"]},
        {"type": "number"},
    ]
    body = {
        "reports": [
            {
                "enterprise_code": "C-1",
                "year": 2001,
                "period": "",
                "values": [{"pollutant": "COD", "amount": 5, "unit": "", "basis": ""}],
            }
        ],
        "dry_run": True,
    }
    response = api_as(roles.EPB_STAFF).post(BATCH, body, format="json")
    assert response.status_code == 200, response.content
