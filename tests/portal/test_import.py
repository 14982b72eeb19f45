"""An enterprise's preparer imports a discharge file and sends an API batch: the same
importer and checks as the EPB's, only its own enterprises' rows (another's refuses the
whole file), reports that come in as drafts for its signatory to sign; viewers cannot."""

from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from benxi_cp.importers import get_importer
from enterprises.models import DischargeReport, DischargeValue
from portal.models import Level
from portal.signing import signing_grant

HEADER = "enterprise_code,year,period,pollutant,amount,unit,basis,output_10k_yuan\n"
OWN = "S-1,2000,M01,COD,150,t,measured_sampling,\nS-1,2000,M01,SO2,80,t,,\n"
OTHER = "C-2,2000,M01,COD,10,t,,\n"
BATCH = "/api/v1/discharge-reports/batch/"


def upload(client, text: str, tmp_path: Path):
    path = tmp_path / "discharge.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    with path.open("rb") as file:
        return client.post(reverse("import", args=["discharge"]), {"file": file})


def commit(client, response):
    token, suffix = response.context["token"], response.context["suffix"]
    assert token
    return client.post(reverse("import", args=["discharge"]), {"token": token, "suffix": suffix})


@pytest.mark.django_db
def test_a_preparer_imports_its_own_rows_as_drafts(
    client, steel, cement, steel_user, make_enterprise_user, tmp_path
):
    client.force_login(steel_user)
    page = client.get(reverse("import", args=["discharge"]))
    assert page.status_code == 200
    assert "Only rows of your own enterprises" in page.content.decode()
    assert client.get(reverse("import_template", args=["discharge", "csv"])).status_code == 200

    # another enterprise's row: refused with its row and column, and nothing is written
    response = upload(client, OWN + OTHER, tmp_path)
    refused = [str(issue) for issue in response.context["result"].errors]
    assert refused == [
        "row 4, enterprise_code: “C-2” is not an enterprise you enter reports for; only your "
        "own enterprises' rows can be imported"
    ]
    assert response.context["token"] == ""
    response = upload(client, OWN + "NOPE-9,2000,M01,COD,1,t,,\n", tmp_path)
    assert "“NOPE-9” is not an enterprise you enter" in response.content.decode()
    assert not DischargeReport.objects.exists()

    response = commit(client, upload(client, OWN, tmp_path))
    assert response.status_code == 302
    report = DischargeReport.objects.get()
    assert (report.enterprise, report.status, report.submitted_at) == (steel, "draft", None)
    assert report.entered_by == steel_user
    assert sorted(report.values.values_list("pollutant__code", flat=True)) == ["COD", "SO2"]
    assert report.flags.exists()  # the reliability checks ran (an estimated value, say)
    # the draft is the signatory's to sign
    signatory = make_enterprise_user(steel, "steel-signatory", Level.SIGNATORY)
    assert signing_grant(signatory, report) is not None
    client.force_login(signatory)
    assert client.get(reverse("portal:report_sign", args=[report.pk])).status_code == 200

    # a submitted report takes no values from the enterprise's file
    DischargeReport.objects.filter(pk=report.pk).update(status="submitted")
    client.force_login(steel_user)
    response = upload(client, "S-1,2000,M01,COD,999,t,,\n", tmp_path)
    assert "is already submitted; only a draft or a returned report" in response.content.decode()
    assert report.values.get(pollutant__code="COD").amount == 150


@pytest.mark.django_db
def test_viewers_and_staff_rules_stay(client, steel, steel_user, make_enterprise_user, epb_user):
    viewer = make_enterprise_user(steel, "steel-viewer", Level.VIEWER)
    client.force_login(viewer)
    for url in (
        reverse("import", args=["discharge"]),
        reverse("import_template", args=["discharge", "csv"]),
        reverse("import", args=["enterprises"]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(steel_user)
    assert client.get(reverse("import", args=["enterprises"])).status_code == 404
    importer = get_importer("discharge")
    assert importer.may_use(steel_user) and importer.may_use(epb_user)
    assert not importer.may_use(viewer)
    # the EPB's own import is unchanged: a new report comes in as submitted
    result = importer(user=epb_user).run((HEADER + OWN).encode(), "d.csv", dry_run=False)
    assert result.ok
    assert DischargeReport.objects.get().status == "submitted"


def api_client(user) -> APIClient:
    _token, key = ApiToken.issue(user, "test")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return api


def batch(code: str, amount: str = "150") -> dict:
    return {
        "enterprise_code": code,
        "year": 2000,
        "period": "Q1",
        "values": [{"pollutant": "COD", "amount": amount, "unit": "t"}],
    }


@pytest.mark.django_db
def test_a_preparers_token_sends_its_own_batch_as_drafts(
    steel, cement, steel_user, make_enterprise_user
):
    api = api_client(steel_user)
    response = api.post(BATCH, {"reports": [batch("S-1"), batch("C-2")]}, format="json")
    assert response.status_code == 400
    assert [error["text"] for error in response.json()["errors"]] == [
        "item 2, enterprise_code: “C-2” is not an enterprise you enter reports for; only "
        "your own enterprises' rows can be imported"
    ]
    assert not DischargeValue.objects.exists()

    response = api.post(BATCH, {"reports": [batch("S-1")]}, format="json")
    assert response.status_code == 200, response.json()
    [written] = response.json()["reports"]
    assert (written["enterprise_code"], written["status"]) == ("S-1", "draft")
    report = DischargeReport.objects.get(pk=written["id"])
    assert report.submitted_at is None and report.entered_by == steel_user
    # the same batch again changes nothing; its other actions stay closed to them
    assert api.post(BATCH, {"reports": [batch("S-1")]}, format="json").status_code == 200
    assert DischargeReport.objects.count() == 1
    assert api.post(f"/api/v1/discharge-reports/{report.pk}/submit/").status_code == 404

    viewer = make_enterprise_user(steel, "steel-viewer", Level.VIEWER)
    response = api_client(viewer).post(BATCH, {"reports": [batch("S-1", "1")]}, format="json")
    assert response.status_code == 403
    assert report.values.get().amount == 150
