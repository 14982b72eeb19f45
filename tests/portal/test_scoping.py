"""An enterprise user sees only their own enterprises' records: the queryset hook, the pages
(anything not written for them is not found), the search and the API."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from audits.models import Audit
from benxi_cp import roles, scoping
from enterprises.models import DischargeReport, Enterprise
from portal.models import Grant, Level


@pytest.fixture
def reports(steel, cement):
    return {
        enterprise.code: DischargeReport.objects.create(
            enterprise=enterprise, year=2000, status="submitted"
        )
        for enterprise in (steel, cement)
    }


def fresh(user) -> User:
    """The user as a new request has it (no cached permissions or enterprises)."""
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_scope_for_keeps_the_own_enterprises_rows(steel, cement, steel_user, reports, epb_user):
    assert list(scoping.scope_for(steel_user, Enterprise.objects.all())) == [steel]
    assert list(scoping.scope_for(steel_user, DischargeReport.objects.all())) == [reports["S-1"]]
    assert list(DischargeReport.objects.for_user(fresh(steel_user))) == [reports["S-1"]]
    # A model with no registered scope gives an enterprise user nothing; staff all.
    assert not scoping.scope_for(steel_user, User.objects.all()).exists()
    assert scoping.scope_for(epb_user, Enterprise.objects.all()).count() == 2
    assert DischargeReport.objects.for_user(epb_user).count() == 2
    assert not scoping.is_enterprise_user(epb_user)


@pytest.mark.django_db
def test_a_second_grant_adds_its_enterprise_and_a_revoked_one_takes_it_away(
    steel, cement, steel_user
):
    grant = Grant.objects.create(user=steel_user, enterprise=cement, level=Level.VIEWER)
    assert scoping.enterprise_ids(fresh(steel_user)) == {steel.pk, cement.pk}
    grant.revoked_at = grant.created
    grant.save()
    assert scoping.enterprise_ids(fresh(steel_user)) == {steel.pk}
    Grant.objects.filter(user=steel_user).update(revoked_at=grant.created)
    assert scoping.enterprise_ids(fresh(steel_user)) == frozenset()
    assert not DischargeReport.objects.for_user(fresh(steel_user)).exists()


@pytest.mark.django_db
def test_a_signatory_awaiting_approval_sees_nothing(make_enterprise_user, steel, reports):
    waiting = make_enterprise_user(steel, "waiting", Level.SIGNATORY, approved=False)
    assert not scoping.scope_for(waiting, DischargeReport.objects.all()).exists()


@pytest.mark.django_db
def test_pages_not_written_for_enterprise_users_are_not_found(client, steel_user, reports):
    client.force_login(steel_user)
    own, other = reports["S-1"], reports["C-2"]
    for url in (
        reverse("enterprises:list"),
        reverse("enterprises:report_list"),
        own.get_absolute_url(),
        other.get_absolute_url(),
        reverse("enterprises:report_list") + "?_export=csv",
        reverse("reports:dashboard"),
        reverse("admin:index"),
        reverse("api:tokens"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("portal:report", args=[own.pk])).status_code == 200
    assert client.get(reverse("portal:report", args=[other.pk])).status_code == 404
    # "/" is their own page
    page = client.get(reverse("home")).content.decode()
    assert "Xicheng Steel" in page and "Mingshan Cement" not in page
    assert client.get(reverse("help")).status_code == 200
    assert client.get(reverse("accounts:password_change")).status_code == 200
    # "My jobs" lists their own jobs (a large file they import runs as one)
    assert client.get(reverse("jobs")).status_code == 200


@pytest.mark.django_db
def test_staff_do_not_get_the_portal_pages(client_as, reports):
    staff = client_as(roles.EPB_STAFF)
    assert staff.get(reverse("portal:home")).status_code == 404
    assert staff.get(reverse("portal:report", args=[reports["S-1"].pk])).status_code == 404
    assert staff.get(reverse("enterprises:report_list")).status_code == 200
    assert staff.get(reverse("portal:grants")).status_code == 200


@pytest.mark.django_db
def test_search_finds_only_the_own_enterprise(client, steel_user, reports, steel, cement):
    Audit.objects.create(enterprise=cement, ref="A-CEMENT", started_on="2000-01-01")
    client.force_login(steel_user)
    for text in ("明山", "C-2", "A-CEMENT", "2000"):
        response = client.get(reverse("search"), {"q": text})
        assert response.status_code == 200
        assert response.context["total"] == 0
        assert "Mingshan Cement" not in response.content.decode()


@pytest.mark.django_db
def test_an_enterprise_users_token_reads_only_its_enterprise(steel_user, reports, steel):
    _token, key = ApiToken.issue(steel_user, "test")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    enterprises = api.get("/api/v1/enterprises/").json()
    assert [row["code"] for row in enterprises["results"]] == ["S-1"]
    listed = api.get("/api/v1/discharge-reports/").json()
    assert [row["id"] for row in listed["results"]] == [reports["S-1"].pk]
    assert api.get(f"/api/v1/discharge-reports/{reports['S-1'].pk}/").status_code == 200
    assert api.get(f"/api/v1/discharge-reports/{reports['C-2'].pk}/").status_code == 404
    assert api.get(f"/api/v1/enterprises/{reports['C-2'].enterprise_id}/").status_code == 404
    assert api.get("/api/v1/discharge-reports/?enterprise=C-2").json()["results"] == []
    for url in ("/api/v1/audits/", "/api/v1/options/", "/api/v1/indicators/"):
        assert api.get(url).status_code == 404, url
    assert api.get("/api/v1/programme-summary/2000/").status_code == 404
    # No workflow step: their token reads, and sends batches of its own enterprises'
    # reports (tests/portal/test_import.py): an empty one is refused.
    own = reports["S-1"].pk
    assert api.post(f"/api/v1/discharge-reports/{own}/verify/").status_code == 404
    assert api.post("/api/v1/discharge-reports/batch/", {}, format="json").status_code == 400
    reports["S-1"].refresh_from_db()
    assert reports["S-1"].status == "submitted"
