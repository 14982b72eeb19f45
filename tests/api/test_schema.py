"""The OpenAPI schema: every endpoint in it, in both languages; schemathesis runs every
operation against it through the WSGI application (0 server errors, 0 responses that break
the schema); the documentation pages load their scripts from the site, none inline."""

import json
import re
import zlib

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import URLResolver, get_resolver
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, reject, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode

from api.models import ApiToken
from benxi_cp import roles


def _shape(route: str) -> str:
    """A route with each parameter as {}: `audits/(?P<pk>[^/.]+)/`, `<int:year>` and
    OpenAPI's `{id}` alike."""
    route = re.sub(r"\(\?P<\w+>[^)]*\)|<(?:\w+:)?\w+>|\{\w+\}", "{}", route)
    return route.replace("^", "").replace("$", "")


def _api_routes() -> set[str]:
    """Every URL pattern under /api/v1/ (without DRF's format suffixes)."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif (
                route.startswith("api/v1/")
                and "format" not in route
                and pattern.name != "not-found"
            ):
                found.add("/" + _shape(route))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.fixture(params=[roles.ADMINISTRATOR, roles.EPB_STAFF])
def token(request, make_user) -> str:
    """The writes' contract holds for the administrator's token and for the EPB's."""
    return ApiToken.issue(make_user(request.param, "contract"), "contract")[1]


@pytest.fixture(params=[roles.ADMINISTRATOR])  # a parameter: the test's id names it
def administrator_token(request, make_user) -> str:
    """The reads' contract is run with the administrator's token: the EPB's reads the same
    (test_the_epb_reads_what_the_administrator_reads)."""
    return ApiToken.issue(make_user(request.param, "contract"), "contract")[1]


def test_every_endpoint_is_in_the_schema(client_as):
    schema = client_as(roles.LEADERSHIP).get("/api/schema/?format=json").json()
    assert {_shape(path) for path in schema["paths"]} == _api_routes()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description") or operation.get("summary"), (method, path)


def test_schema_in_both_languages(client_as):
    client = client_as(roles.LEADERSHIP)
    english = client.get("/api/schema/?format=json&lang=en").json()
    chinese = client.get("/api/schema/?format=json&lang=zh-hans").json()
    assert english["info"]["title"] == "Benxi Cleaner Production API"
    assert chinese["info"]["title"] != english["info"]["title"]
    assert re.search(r"[\u4e00-\u9fff]", chinese["info"]["title"])


def test_schema_needs_a_login(db):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/schema/").status_code == 401


def test_documentation_page_without_inline_script(client_as):
    from django.urls import reverse

    response = client_as(roles.ADMINISTRATOR).get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert ' style="' not in html and "<style" not in html
    for src in re.findall(r'src="/static/([^"]+)"', html):
        assert finders.find(src), src


def _served_schema() -> dict:
    """The schema /api/schema/ serves in English, as plain JSON."""
    with translation.override("en"):
        generated = SchemaGenerator().get_schema(request=None, public=True)
        return json.loads(OpenApiJsonRenderer().render(generated))


def test_contract_runs_on_the_served_schema(client_as):
    served = client_as(roles.LEADERSHIP).get("/api/schema/?format=json&lang=en").json()
    assert served == _served_schema()


# Built at collection (schemathesis's fixture-based loader does not run under pytest 9); the
# calls go through the WSGI application, on the test's database connection.
schema = schemathesis.openapi.from_dict(_served_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def no_throttle(settings):
    settings.API_THROTTLE_RATE = None  # hundreds of requests in a few seconds


@pytest.fixture
def keep_connection():
    """As Django's test client does: the WSGI handler's request signals would close the
    connection that holds the test's transaction (on PostgreSQL)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


# Records the API requires to exist, from the test city, for the generated values that name
# one: a filter's enterprise, audit, department or pollutant (a record that does not exist
# is refused with 400, as the lists refuse it), the report a workflow action moves (a draft
# to submit, a submitted one to return or verify), a year of the city for its programme summary, and
# a batch's enterprises, pollutants and open periods. The generated value picks which record
# (the same one in every run), so that the examples still vary; a value of the wrong type,
# and a negative body, are left as generated.
RECORD_FILTERS = {
    "enterprise": "enterprises",
    "audit": "audits",
    "department": "departments",
    "pollutant": "pollutant_codes",  # a code of the catalogue (data, not a fixed enum)
}
CODE_FILTERS = {"departments", "pollutant_codes"}
# The city's years: its reports (1997–2000), actual values (1998) and audits (1998).
SUMMARY_YEARS = [1996, 1997, 1998, 1999, 2000, 2001]
REPORT_IN_STATUS = {"submit": "draft", "return": "submitted", "verify": "submitted"}


def _pick(choices: list, value) -> object:
    return choices[zlib.crc32(str(value).encode()) % len(choices)]


def _records(city: dict) -> dict[str, list]:
    from enterprises.models import Pollutant
    from permits.filters import pollutant_choices
    from targets.models import Department

    return {
        "enterprises": [city["steel"].pk, city["coal"].pk],
        "enterprise_codes": [city["steel"].code, city["coal"].code],
        "audits": [audit.pk for audit in city["audits"]],
        "departments": list(Department.objects.values_list("code", flat=True)),
        "pollutants": list(Pollutant.objects.values_list("code", "unit")),
        # the monitoring filter's pollutants: those measured at outlets (water and air)
        "pollutant_codes": [code for code, _label in pollutant_choices()],
    }


def _report_in(status: str) -> str | None:
    from enterprises.models import DischargeReport

    report = DischargeReport.objects.filter(status=status).order_by("pk").first()
    return None if report is None else str(report.pk)


def _batch(body: dict, records: dict) -> None:
    """The batch's reports for existing enterprises and pollutants, in distinct open periods
    (1997's annual report of the steelworks is verified: a batch may not change it), each
    pollutant once in a report, amounts the importer reads."""
    for index, report in enumerate(body.get("reports") or []):
        if not isinstance(report, dict):
            continue
        report["enterprise_code"] = _pick(records["enterprise_codes"], index)
        report["year"] = 2001 + index
        report["period"] = ""
        report["output_10k_yuan"] = ""
        values = report.get("values")
        if isinstance(values, list):
            del values[len(records["pollutants"]) :]
            for place, value in enumerate(values):
                if isinstance(value, dict):
                    pollutant, unit = records["pollutants"][place]
                    value.update(pollutant=pollutant, amount=str(place), unit=unit)
                    value["basis"] = ""


def _is_integer(value) -> bool:
    """A generated integer, as a number or as its text in the query string."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (
        isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value) is not None
    )


def _with_records(case, city: dict) -> None:
    records = _records(city)
    for name, kind in RECORD_FILTERS.items():
        value = case.query.get(name)
        if (kind in CODE_FILTERS and isinstance(value, str) and value) or (
            kind not in CODE_FILTERS and _is_integer(value)
        ):
            case.query[name] = _pick(records[kind], value)
    action = case.path.rstrip("/").rsplit("/", 1)[-1]
    if action in REPORT_IN_STATUS and str(case.path_parameters.get("id", "")).isdigit():
        report = _report_in(REPORT_IN_STATUS[action])
        if report is not None:
            case.path_parameters["id"] = report
    year = case.path_parameters.get("year")
    if case.path.startswith("/api/v1/programme-summary/") and _is_integer(year):
        case.path_parameters["year"] = _pick(SUMMARY_YEARS, year)
    if case.path.endswith("/batch/") and isinstance(case.body, dict) and _positive(case):
        # A negative body keeps what makes it negative (a missing year, a number as a code).
        _batch(case.body, records)
        case.body = case.body  # the body is checked again against the schema


def _positive(case) -> bool:
    body = case.meta.components.get(ParameterLocation.BODY) if case.meta else None
    return body is not None and body.mode == GenerationMode.POSITIVE


CONTRACT = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@schema.exclude(method="GET").parametrize()
@CONTRACT
def test_api_contract(case, token, city, no_throttle, keep_connection):
    """The writes, with the administrator's token and the EPB's (what each may do differs:
    separation of duties, the verify permission)."""
    _call_and_validate(case, token, city)


@pytest.mark.django_db
@schema.include(method="GET").parametrize()
@CONTRACT
def test_api_read_contract(case, administrator_token, city, no_throttle, keep_connection):
    """The reads, with the administrator's token. The EPB's token reads the very same answers
    (test_the_epb_reads_what_the_administrator_reads), so running the fuzzing again with it
    (some 28 s) would prove nothing more; the reads of the roles whose answers differ (an
    auditor's teams, an enterprise user's own enterprises) are tested in test_read.py and
    tests/portal/test_crawl.py."""
    _call_and_validate(case, administrator_token, city)


def _call_and_validate(case, token: str, city: dict) -> None:
    # Every check of schemathesis, the ones about how strictly requests are read too.
    if any(isinstance(value, dict) for value in (case.query or {}).values()):
        # An object as the value of a query parameter of one value has no form on the wire
        # (the WSGI transport sends its Python text, schemathesis's curl its keys): not a
        # request a client can send.
        reject()
    _with_records(case, city)
    case.call_and_validate(headers={"Authorization": f"Token {token}"})


def _read_urls(api, schema_: dict) -> list[str]:
    """Every GET operation of the schema as URLs: a list as it is, a record's path with each
    record of the administrator's list, the programme summary with each year of the city."""
    urls = []
    for path, operations in schema_["paths"].items():
        if "get" not in operations:
            continue
        if "{" not in path:
            urls.append(path)
        elif path.startswith("/api/v1/programme-summary/"):
            urls += [path.replace("{year}", str(year)) for year in SUMMARY_YEARS]
        else:
            listing = path.split("{")[0]
            rows = api.get(listing, {"page_size": 1000}).json()["results"]
            urls += [re.sub(r"\{\w+\}", str(row["id"]), path) for row in rows]
    return urls


def test_the_epb_reads_what_the_administrator_reads(city, api_as):
    """Every read of the API (each list, each record of the city, each year's summary) gives
    the EPB's token the same status and the same body as the administrator's: neither is
    an enterprise user or an auditor, whose reads are narrowed (benxi_cp.scoping, the
    models' for_user). So the reads' contract, fuzzed with the administrator's token only
    (test_api_read_contract), holds for the EPB's."""
    administrator, epb = api_as(roles.ADMINISTRATOR), api_as(roles.EPB_STAFF)
    urls = _read_urls(administrator, _served_schema())
    records = [url for url in urls if re.search(r"/[0-9]+/$", url) and "summary" not in url]
    assert len(records) >= 10  # the city's enterprises, audits, options, reports, indicators
    for url in urls:
        answer = administrator.get(url)
        assert answer.status_code == 200, url
        same = epb.get(url)
        assert (same.status_code, same.content) == (200, answer.content), url
