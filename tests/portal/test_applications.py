"""The enterprise's signatory applies online for the assessment (and then the acceptance) of
its CP audit with its audit report and performance table; the application waits in the
programme office's work queue and on the audit's page; the office accepts it for review or
returns it with a reason the enterprise sees."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.models import Audit
from benxi_cp import roles, worklist
from portal.models import ApplicationDocument, AuditApplication, Level

PDF = b"%PDF-1.4 the audit report"
XLSX = b"PK\x03\x04 the performance table"


def files(report=PDF, report_name="report.pdf"):
    return {
        "report_file": SimpleUploadedFile(report_name, report),
        "performance_file": SimpleUploadedFile("performance.xlsx", XLSX),
        "note": "送审稿 and 绩效表",
    }


@pytest.fixture
def audits(steel, cement):
    started = datetime.date(2000, 3, 1)
    return (
        Audit.objects.create(enterprise=steel, ref="A-S", started_on=started, steps_completed=8),
        Audit.objects.create(enterprise=cement, ref="A-C", started_on=started, steps_completed=8),
        Audit.objects.create(enterprise=steel, ref="A-S2", started_on=started, steps_completed=3),
    )


@pytest.mark.django_db
def test_the_signatory_applies_and_the_office_decides(
    client, steel, steel_user, make_enterprise_user, make_user, audits
):
    own, other, open_audit = audits
    signatory = make_enterprise_user(steel, "steel-signatory", Level.SIGNATORY)
    apply_url = reverse("portal:audit_apply", args=[own.pk])

    # a preparer cannot apply; another enterprise's audit is not found; an open audit cannot
    client.force_login(steel_user)
    assert "approved signatory applies" in client.get(apply_url).content.decode()
    assert client.post(apply_url, files()).status_code == 400
    client.force_login(signatory)
    assert client.get(reverse("portal:audit_apply", args=[other.pk])).status_code == 404
    page = client.get(reverse("portal:audit_apply", args=[open_audit.pk])).content.decode()
    assert "assessment follows its eight steps" in page
    # a file whose content is not what its name says is refused
    response = client.post(apply_url, files(report=b"not a pdf"))
    assert response.status_code == 400 and not AuditApplication.objects.exists()

    home = client.get(reverse("portal:home")).content.decode()
    assert f'id="apply-{own.pk}"' in home and f'id="apply-{open_audit.pk}"' not in home
    response = client.post(apply_url, files())
    application = AuditApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert (application.stage, application.status, application.submitted_by) == (
        "assessment",
        "submitted",
        signatory,
    )
    report = ApplicationDocument.objects.get(kind="report")
    assert (report.filename, report.content_type, report.size_bytes) == (
        "report.pdf",
        "application/pdf",
        len(PDF),
    )
    # twice: refused, one waits already
    assert client.post(apply_url, files()).status_code == 400
    document = client.get(reverse("portal:application_document", args=[report.pk]))
    assert b"".join(document.streaming_content) == PDF
    assert client.get(reverse("portal:application", args=[application.pk])).status_code == 200
    assert client.post(
        reverse("portal:application_decide", args=[application.pk]), {"decision": "accept"}
    ).status_code in (403, 404)

    # the office's work queue and the audit's page
    office = make_user(roles.ADMINISTRATOR, "office")
    [group] = worklist.groups_for(office, datetime.date(2001, 1, 1), kinds=["portal.applications"])
    assert [item.url for item in group.items] == [application.get_absolute_url()]
    client.force_login(office)
    audit_page = client.get(own.get_absolute_url()).content.decode()
    assert 'id="panel-applications"' in audit_page and "Submitted" in audit_page
    decide = reverse("portal:application_decide", args=[application.pk])
    client.post(decide, {"decision": "return", "reason": ""})  # no reason: refused
    application.refresh_from_db()
    assert application.status == "submitted"
    client.post(decide, {"decision": "return", "reason": "The performance table is unsigned."})
    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("returned", office)

    # the enterprise sees the reason, and applies again; the office accepts it for review
    client.force_login(signatory)
    home = client.get(reverse("portal:home")).content.decode()
    assert "The performance table is unsigned." in home and "Returned" in home
    assert client.post(apply_url, files()).status_code == 302
    second = AuditApplication.objects.get(status="submitted")
    client.force_login(office)
    client.post(reverse("portal:application_decide", args=[second.pk]), {"decision": "accept"})
    second.refresh_from_db()
    assert second.status == "accepted" and second.history.count() == 2


@pytest.mark.django_db
def test_others_do_not_reach_the_applications(client, steel, cement, make_enterprise_user, audits):
    own = audits[0]
    signatory = make_enterprise_user(steel, "steel-signatory", Level.SIGNATORY)
    client.force_login(signatory)
    client.post(reverse("portal:audit_apply", args=[own.pk]), files())
    application = AuditApplication.objects.get()
    document = application.documents.first()
    client.force_login(make_enterprise_user(cement, "cement-signatory", Level.SIGNATORY))
    for url in (
        reverse("portal:application", args=[application.pk]),
        reverse("portal:application_document", args=[document.pk]),
        reverse("portal:audit_apply", args=[own.pk]),
    ):
        assert client.get(url).status_code == 404, url
