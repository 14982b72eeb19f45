"""The read endpoints: the lists' filters, cursor pages, the pages' permissions and scoping,
and the query count of every list."""

import pytest
from django.contrib.auth.models import Group

from benxi_cp import roles
from reports.summary import programme_summary

LISTS = [
    ("/api/v1/enterprises/", "enterprises.view_enterprise"),
    ("/api/v1/audits/", "audits.view_audit"),
    ("/api/v1/options/", "audits.view_option"),
    ("/api/v1/discharge-reports/", "enterprises.view_dischargereport"),
    ("/api/v1/indicators/", "targets.view_indicator"),
]
ALL_ROLES = [roles.ADMINISTRATOR, roles.EPB_STAFF, roles.AUDITOR, roles.LEADERSHIP]


def _holds(role: str, permission: str) -> bool:
    app_label, codename = permission.split(".")
    return Group.objects.filter(
        name=role,
        permissions__codename=codename,
        permissions__content_type__app_label=app_label,
    ).exists()


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("url", "permission"), LISTS)
def test_lists_follow_the_pages_permissions(api_as, city, role, url, permission):
    response = api_as(role).get(url)
    assert response.status_code == (200 if _holds(role, permission) else 403)


@pytest.mark.parametrize(("url", "permission"), LISTS)
def test_a_user_without_a_role_is_refused(api_as, make_user, city, url, permission):
    """Every role reads every list today: a user without a role shows the check is there."""
    api = api_as(make_user(None, "nobody"))
    assert api.get(url).status_code == 403
    assert api.get("/api/v1/programme-summary/2000/").status_code == 403


def test_enterprises_filter_and_fields(api_as, city):
    api = api_as(roles.LEADERSHIP)
    body = api.get("/api/v1/enterprises/", {"sector": "coal"}).json()
    assert [e["code"] for e in body["results"]] == ["C-1"]
    body = api.get("/api/v1/enterprises/", {"q": "xicheng"}).json()
    assert [e["code"] for e in body["results"]] == ["S-1"]
    assert body["results"][0]["state_large_medium"] is True


def test_invalid_filter_is_400(api_as, city):
    response = api_as(roles.LEADERSHIP).get("/api/v1/enterprises/", {"sector": "nonsense"})
    assert response.status_code == 400
    assert "sector" in response.json()


def test_cursor_pages(api_as, city):
    api = api_as(roles.LEADERSHIP)
    first = api.get("/api/v1/enterprises/", {"page_size": 1}).json()
    assert len(first["results"]) == 1 and first["previous"] is None
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert first["results"][0]["code"] != second["results"][0]["code"]


def test_auditor_sees_only_their_teams_audits_and_options(api_as, city):
    team = api_as(city["team_auditor"])
    assert [a["ref"] for a in team.get("/api/v1/audits/").json()["results"]] == ["A-1"]
    assert [o["audit_ref"] for o in team.get("/api/v1/options/").json()["results"]] == ["A-1"]
    other_audit = city["audits"][1]
    assert team.get(f"/api/v1/audits/{other_audit.pk}/").status_code == 404
    outsider = api_as(city["other_auditor"])
    assert outsider.get("/api/v1/audits/").json()["results"] == []
    assert outsider.get("/api/v1/options/").json()["results"] == []
    # The option filter's audit choice is scoped too: another team's audit is not a choice.
    response = team.get("/api/v1/options/", {"audit": other_audit.pk})
    assert response.status_code == 400


def test_leadership_sees_every_audit(api_as, city):
    body = api_as(roles.LEADERSHIP).get("/api/v1/audits/").json()
    assert sorted(a["ref"] for a in body["results"]) == ["A-1", "A-2"]


def test_audit_with_steps(api_as, city):
    audit = city["audits"][0]
    body = api_as(roles.LEADERSHIP).get(f"/api/v1/audits/{audit.pk}/").json()
    assert body["team"] == ["team-auditor"]
    assert [step["number"] for step in body["steps"]] == sorted(
        step.number for step in audit.steps.all()
    )
    assert body["enterprise_code"] == "S-1"


def test_report_with_values_flags_and_grade(api_as, city):
    api = api_as(roles.EPB_STAFF)
    body = api.get("/api/v1/discharge-reports/", {"status": "verified"}).json()
    (report,) = body["results"]
    assert report["period"] == "Y" and report["year"] == 1997
    assert report["values"] == [
        {"pollutant": "COD", "unit": "t", "amount": "100.0000", "basis": "calculated"}
    ]
    assert "flags" in report and "grade" in report


def test_indicators_with_targets_and_actuals(api_as, city):
    body = api_as(roles.LEADERSHIP).get("/api/v1/indicators/", {"dimension": "environmental"})
    (indicator,) = body.json()["results"]
    assert indicator["department"] == "epb"
    assert indicator["targets"][0]["goal_value"] == "80.0000"
    assert indicator["actuals"] == [
        {"year": 1998, "value": "90.0000", "source": "entered", "note": ""}
    ]


def test_programme_summary_has_the_format_keys(api_as, city):
    body = api_as(roles.LEADERSHIP).get("/api/v1/programme-summary/2000/").json()
    expected = programme_summary(2000).rows()
    assert list(body["figures"]) == [key for key, _value in expected]
    assert body["figures"]["enterprises_in_programme"] == "2"
    assert body["figures"]["input_output_ratio"] is None  # no investment: an empty figure
    assert body["year"] == 2000


def test_programme_summary_year_out_of_range(api_as, city):
    assert api_as(roles.LEADERSHIP).get("/api/v1/programme-summary/3000/").status_code == 404


# -- query counts -------------------------------------------------------------------------
# Every list: the token (with its user), the user's and the groups' permissions, then the
# page and the prefetches of its nested rows; none grows with the rows.
COUNTS = {
    "/api/v1/enterprises/": 4,  # token, 2 × permissions, enterprises
    "/api/v1/audits/": 6,  # …, audits with enterprises, teams, steps
    "/api/v1/options/": 5,  # …, options with audits, reductions with pollutants
    "/api/v1/discharge-reports/": 6,  # …, reports with enterprises, values, flags
    "/api/v1/indicators/": 6,  # …, indicators with departments, targets, actuals
}


@pytest.mark.parametrize(("url", "queries"), COUNTS.items())
def test_list_query_counts(api_as, city, django_assert_num_queries, url, queries):
    api = api_as(roles.ADMINISTRATOR)
    api.get(url)  # the token's last_used is written on first use
    with django_assert_num_queries(queries):
        response = api.get(url)
    assert response.status_code == 200
    assert response.json()["results"]
