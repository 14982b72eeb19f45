"""The API contract is exact where the schema and the API disagreed: `page_size` is one
whole number from 1 to 1000 as its schema now states (0, 1001, "null" and the parameter
twice were read quietly as the default page), and the bodies of the batch and of a return
are JSON only, as the schema states (a batch sent as a form could not hold its lists)."""

import pytest

from benxi_cp import roles
from benxi_cp.validators import FIRST_YEAR, LAST_YEAR

LIST = "/api/v1/enterprises/"


@pytest.fixture
def schema(client_as) -> dict:
    return client_as(roles.LEADERSHIP).get("/api/schema/?format=json&lang=en").json()


@pytest.mark.django_db
def test_the_schema_states_the_page_size_bounds(schema):
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        for parameter in operations["get"].get("parameters", []):
            if parameter["name"] == "page_size":
                assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000}
                break
        else:
            assert "{" in path or "summary" in path, f"{path} is a list without page_size"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["page_size=0", "page_size=1001", "page_size=null", "page_size=2&page_size=3"]
)
def test_a_page_size_outside_the_schema_is_a_400(api_as, city, query):
    response = api_as(roles.ADMINISTRATOR).get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Give one whole number from 1 to 1000."]}


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["1", "1000"])
def test_a_page_size_within_the_schema_is_read(api_as, city, size):
    response = api_as(roles.ADMINISTRATOR).get(LIST, {"page_size": size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(int(size), 2)


@pytest.mark.django_db
def test_the_write_bodies_are_json_only_in_the_schema_and_the_api(schema, api_as, city):
    batch = schema["paths"]["/api/v1/discharge-reports/batch/"]["post"]["requestBody"]
    returned = schema["paths"]["/api/v1/discharge-reports/{id}/return/"]["post"]["requestBody"]
    assert list(batch["content"]) == ["application/json"]
    assert list(returned["content"]) == ["application/json"]
    api = api_as(roles.EPB_STAFF)
    report = city["reports"]["submitted"]
    as_form = api.post(
        f"/api/v1/discharge-reports/{report.pk}/return/", {"reason": "COD"}, format="multipart"
    )
    assert as_form.status_code == 415, as_form.content
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/indicators/?computed=maybe",
        "/api/v1/enterprises/?state_large_medium=null&state_large_medium=null",
        "/api/v1/audits/?overdue=null",
    ],
)
def test_a_yes_no_filter_refuses_what_is_neither(api_as, city, url):
    response = api_as(roles.ADMINISTRATOR).get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert response.json() == {name: ["Enter a valid value."]}


@pytest.mark.django_db
def test_a_yes_no_filter_reads_yes_no_and_all(api_as, city):
    api = api_as(roles.ADMINISTRATOR)
    codes = {
        value: sorted(
            e["code"] for e in api.get(LIST, {"state_large_medium": value}).json()["results"]
        )
        for value in ("true", "false", "")
    }
    assert codes == {"true": ["S-1"], "false": ["C-1"], "": ["C-1", "S-1"]}


@pytest.mark.django_db
def test_the_schema_states_the_year_filters_bounds(schema):
    found = []
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] in ("year", "implemented_year"):
                found.append(path)
                # a date's year (1–9999), or a year a record carries (the validators' range)
                assert parameter["schema"] in (
                    {"type": "integer", "minimum": 1, "maximum": 9999},
                    {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
                ), (path, parameter["schema"])
    assert "/api/v1/discharge-reports/" in found and "/api/v1/options/" in found


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["0", "10000", "1999.5"])
def test_a_year_outside_the_schema_is_a_400(api_as, city, year):
    response = api_as(roles.ADMINISTRATOR).get("/api/v1/discharge-reports/", {"year": year})
    assert response.status_code == 400
    assert "year" in response.json()


@pytest.mark.django_db
def test_a_year_within_the_schema_filters(api_as, city):
    response = api_as(roles.ADMINISTRATOR).get("/api/v1/discharge-reports/", {"year": "2000"})
    assert [report["year"] for report in response.json()["results"]] == [2000]


@pytest.mark.django_db
def test_the_schema_states_the_lists_a_batch_must_not_send_empty(schema, api_as, city):
    components = schema["components"]["schemas"]
    assert components["BatchRequest"]["properties"]["reports"]["minItems"] == 1
    assert components["BatchReportRequest"]["properties"]["values"]["minItems"] == 1
    api = api_as(roles.EPB_STAFF)
    batch = "/api/v1/discharge-reports/batch/"
    assert api.post(batch, {"reports": []}, format="json").status_code == 400
    empty_values = {"reports": [{"enterprise_code": "C-1", "year": 2001, "values": []}]}
    assert api.post(batch, empty_values, format="json").status_code == 400
