"""Batch submission of discharge reports (the importer's checks, all or nothing, idempotent
by enterprise and period) and the workflow steps with the pages' permissions."""

from decimal import Decimal

import pytest

from benxi_cp import roles
from enterprises.models import AnnualDischarge, DischargeReport, DischargeValue, ReliabilityFlag

BATCH = "/api/v1/discharge-reports/batch/"


def report(code="C-1", year=2001, period="", values=None, **extra) -> dict:
    return {
        "enterprise_code": code,
        "year": year,
        "period": period,
        "values": values or [{"pollutant": "COD", "amount": 120.5, "basis": "calculated"}],
        **extra,
    }


def test_batch_creates_submitted_reports_and_keeps_the_ledger(api_as, city):
    api = api_as(roles.EPB_STAFF)
    body = {
        "reports": [
            report(
                values=[
                    {"pollutant": "COD", "amount": "120.5", "unit": "t"},
                    {"pollutant": "SO2", "amount": 3, "basis": "measured_sampling"},
                ],
                output_10k_yuan="5000",
            ),
            report(period="Q1", values=[{"pollutant": "COD", "amount": "30"}]),
        ]
    }
    response = api.post(BATCH, body, format="json")
    assert response.status_code == 200, response.json()
    result = response.json()
    assert (result["created"], result["updated"], result["dry_run"]) == (3, 0, False)
    assert [(r["period"], r["status"]) for r in result["reports"]] == [
        ("Y", "submitted"),
        ("Q1", "submitted"),
    ]
    annual = DischargeReport.objects.get(enterprise=city["coal"], year=2001, period_kind="Y")
    assert annual.output_10k_yuan == Decimal("5000")
    assert annual.grade  # the reliability checks ran
    assert {v.pollutant.code: v.amount for v in annual.values.select_related("pollutant")} == {
        "COD": Decimal("120.5"),
        "SO2": Decimal("3"),
    }
    ledger = AnnualDischarge.objects.get(enterprise=city["coal"], year=2001, pollutant__code="COD")
    assert ledger.amount == Decimal("120.5") and not ledger.verified


def test_resubmitting_updates_and_changes_nothing_twice(api_as, city):
    api = api_as(roles.EPB_STAFF)
    draft = city["reports"]["draft"]  # S-1 1999, COD 100
    body = {"reports": [report("S-1", 1999, values=[{"pollutant": "COD", "amount": "90"}])]}
    first = api.post(BATCH, body, format="json").json()
    second = api.post(BATCH, body, format="json").json()
    assert first["reports"] == second["reports"]
    assert first["reports"][0]["id"] == draft.pk
    assert (second["created"], second["updated"]) == (0, 1)
    draft.refresh_from_db()
    assert draft.status == "draft"  # an existing report keeps its status
    assert draft.values.get().amount == Decimal("90")
    assert DischargeReport.objects.filter(enterprise=city["steel"], year=1999).count() == 1


def test_every_error_comes_back_and_nothing_is_written(api_as, city):
    api = api_as(roles.EPB_STAFF)
    values_before = DischargeValue.objects.count()
    body = {
        "reports": [
            report(),  # fine on its own
            report("S-1", 1997),  # verified: refused
            report(
                "NOPE",
                2001,
                values=[
                    {"pollutant": "COD", "amount": "-1"},
                    {"pollutant": "XYZ", "amount": "1"},
                    {"pollutant": "COD", "amount": "1", "unit": "kg"},
                ],
            ),
            report(year=1800, period="Q5"),
        ]
    }
    response = api.post(BATCH, body, format="json")
    assert response.status_code == 400
    texts = [error["text"] for error in response.json()["errors"]]
    assert any(t.startswith("item 2, period: ") and "locked" in t for t in texts), texts
    assert "item 3, enterprise_code: " in " | ".join(texts)
    assert any(t.startswith("item 3, values[1].amount: ") for t in texts), texts
    assert any(t.startswith("item 3, values[2].pollutant: ") for t in texts), texts
    assert any(t.startswith("item 3, values[3].unit: ") for t in texts), texts
    assert any(t.startswith("item 4, year: ") for t in texts), texts
    assert any(t.startswith("item 4, period: ") for t in texts), texts
    assert not any(t.startswith("item 1") for t in texts)
    # An enterprise's unknown code is said once for its report, not once per value.
    assert sum(t.startswith("item 3, enterprise_code") for t in texts) == 1
    assert DischargeValue.objects.count() == values_before
    assert not DischargeReport.objects.filter(enterprise=city["coal"]).exists()


def test_dry_run_writes_nothing(api_as, city):
    response = api_as(roles.EPB_STAFF).post(
        BATCH, {"reports": [report()], "dry_run": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["reports"][0]["id"] is None
    assert not DischargeReport.objects.filter(enterprise=city["coal"]).exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, "reports: "),
        ({"reports": []}, "reports: "),
        ({"reports": [{"year": 2001, "values": []}]}, "item 1, enterprise_code: "),
        ({"reports": [report(values=[{"amount": 1}])]}, "item 1, values[1].pollutant: "),
        (
            {"reports": [report(values=[{"pollutant": "COD", "amount": [1]}])]},
            "item 1, values[1].amount: ",
        ),
        ({"reports": "x"}, "reports: "),
    ],
)
def test_shape_errors_in_the_same_form(api_as, city, body, expected):
    response = api_as(roles.EPB_STAFF).post(BATCH, body, format="json")
    assert response.status_code == 400
    texts = [error["text"] for error in response.json()["errors"]]
    assert any(text.startswith(expected) for text in texts), texts


def test_malformed_json_is_400(api_as, city):
    response = api_as(roles.EPB_STAFF).post(BATCH, b"{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.LEADERSHIP])
def test_read_only_roles_may_not_submit(api_as, city, role):
    response = api_as(role).post(BATCH, {"reports": [report()]}, format="json")
    assert response.status_code == 403
    assert not DischargeReport.objects.filter(enterprise=city["coal"]).exists()


# -- workflow -----------------------------------------------------------------------------


def _url(report, step: str) -> str:
    return f"/api/v1/discharge-reports/{report.pk}/{step}/"


def test_submit_verify_and_the_lock(api_as, city, epb_verifier):
    api = api_as(roles.EPB_STAFF)
    draft = city["reports"]["draft"]
    response = api.post(_url(draft, "submit"))
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    # Separation of duties: whoever submitted it may not verify it, through the API too.
    response = api.post(_url(draft, "verify"))
    assert response.status_code == 409 and response.json()["detail"]
    response = api_as(epb_verifier).post(_url(draft, "verify"))
    assert response.status_code == 200 and response.json()["status"] == "verified"
    assert AnnualDischarge.objects.get(
        enterprise=city["steel"], year=1999, pollutant__code="COD"
    ).verified
    # A verified period is refused by the batch.
    body = {"reports": [report("S-1", 1999)]}
    assert api.post(BATCH, body, format="json").status_code == 400
    # A step the status does not allow: 409 with the workflow's message.
    response = api.post(_url(draft, "submit"))
    assert response.status_code == 409
    assert response.json()["detail"]


def test_return_needs_a_reason(api_as, city):
    api = api_as(roles.EPB_STAFF)
    submitted = city["reports"]["submitted"]
    assert api.post(_url(submitted, "return"), {}, format="json").status_code == 400
    response = api.post(_url(submitted, "return"), {"reason": "COD too low"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert response.json()["return_reason"] == "COD too low"


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.LEADERSHIP])
@pytest.mark.parametrize("step", ["submit", "verify", "return"])
def test_workflow_steps_need_the_pages_permissions(api_as, city, role, step):
    report = city["reports"]["submitted" if step != "submit" else "draft"]
    response = api_as(role).post(_url(report, step), {"reason": "x"}, format="json")
    assert response.status_code == 403
    before = report.status
    report.refresh_from_db()
    assert report.status == before


def test_unknown_report_404(api_as, city):
    response = api_as(roles.EPB_STAFF).post("/api/v1/discharge-reports/999999/submit/")
    assert response.status_code == 404


def test_flags_are_listed_with_messages(api_as, city):
    api = api_as(roles.EPB_STAFF)
    body = {"reports": [report(values=[{"pollutant": "COD", "amount": "0"}])]}
    result = api.post(BATCH, body, format="json").json()
    report_id = result["reports"][0]["id"]
    detail = api.get(f"/api/v1/discharge-reports/{report_id}/").json()
    stored = ReliabilityFlag.objects.filter(report_id=report_id)
    assert [f["code"] for f in detail["flags"]] == [f.code for f in stored.order_by("id")]
    assert all(f["message"] for f in detail["flags"])
