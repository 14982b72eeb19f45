"""The expert review of an audit's assessment and acceptance: the office records it (from the
enterprise's accepted application or on the audit), with the pass mark a setting the database
checks; the review sets the audit's assessment or acceptance; a passed acceptance carries a
certificate that the office's queue and the enterprise's people are reminded of before and
after it expires, once per person and threshold."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from audits import reviews
from audits.models import Audit, CertificateReminder, ExpertReview
from benxi_cp import roles, worklist
from portal.certificates import send_certificate_reminders
from portal.models import ApplicationStatus, AuditApplication, Level
from programme.models import UserProfile

STARTED = datetime.date(2000, 3, 1)
REVIEWED = datetime.date(2001, 6, 1)


@pytest.fixture
def office(make_user):
    return make_user(roles.ADMINISTRATOR, "office")


@pytest.fixture
def audit(steel):
    return Audit.objects.create(enterprise=steel, ref="A-S", started_on=STARTED, steps_completed=8)


def review_data(**fields):
    return {
        "stage": "assessment",
        "reviewed_on": REVIEWED.isoformat(),
        "score": "85",
        "decision": "pass",
        "panel": "王教授\n李工程师\n",
        "conditions": "",
        "accepted_by": "",
        "certificate_on": "",
    } | fields


def accept(audit, office, on=REVIEWED):
    audit.assessment, audit.assessed_on, audit.assessment_score = "pass", on, Decimal(85)
    audit.save()
    review = ExpertReview(
        audit=audit, stage="acceptance", panel="王教授", reviewed_on=on, score=90, decision="pass"
    )
    return reviews.record(review, office, accepted_by="municipality")


@pytest.mark.django_db
def test_the_office_records_the_review_and_the_enterprise_sees_it(
    client, steel, make_enterprise_user, office, audit
):
    signatory = make_enterprise_user(steel, "steel-signatory", Level.SIGNATORY)
    application = AuditApplication.objects.create(
        audit=audit,
        stage="assessment",
        submitted_by=signatory,
        status=ApplicationStatus.ACCEPTED,
        decided_by=office,
        decided_at=datetime.datetime(2001, 5, 1, tzinfo=datetime.UTC),
        submitted_at=datetime.datetime(2001, 4, 1, tzinfo=datetime.UTC),
    )
    client.force_login(office)
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'id="record-review"' in page
    url = reverse("audits:review", args=[audit.pk])
    # below the pass mark (80 by default) a pass is refused, and nothing changes
    response = client.post(url, review_data(score="79.5"))
    assert response.status_code == 200 and "below the pass mark (80" in response.content.decode()
    assert not ExpertReview.objects.exists()
    audit.refresh_from_db()
    assert audit.assessment == ""
    # a pass with conditions needs them
    response = client.post(url, review_data(decision="conditional"))
    assert "needs its conditions" in response.content.decode()
    response = client.post(url, review_data(decision="conditional", conditions="整改废水"))
    assert response.status_code == 302
    review = ExpertReview.objects.get()
    assert (review.pass_mark, review.score, review.panel_members) == (
        Decimal(80),
        Decimal(85),
        ["王教授", "李工程师"],
    )
    assert review.certificate_on is None and review.history.count() == 1
    audit.refresh_from_db()
    assert (audit.assessment, audit.assessed_on, audit.assessment_score) == (
        "pass",
        REVIEWED,
        Decimal(85),
    )
    # a passed stage is not reviewed again
    assert client.post(url, review_data()).status_code == 200
    assert ExpertReview.objects.count() == 1

    client.force_login(signatory)
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'id="application-reviews"' in page and "Pass with conditions" in page
    assert "整改废水" in page and 'id="record-review"' not in page
    # the enterprise does not reach the office's form
    assert client.get(url).status_code in (403, 404)


@pytest.mark.django_db
def test_the_acceptance_certificate_and_its_expiry(client, steel, office, audit, settings):
    settings.BENXI_REVIEW_PASS_SCORE = 90
    client.force_login(office)
    audit.assessment, audit.assessed_on, audit.assessment_score = "pass", REVIEWED, 85
    audit.save()
    url = reverse("audits:review", args=[audit.pk])
    data = review_data(stage="acceptance", score="92", reviewed_on="2001-07-01")
    response = client.post(url, data)  # no accepting body
    assert "needs its accepting body" in response.content.decode()
    client.post(url, data | {"accepted_by": "municipality", "certificate_on": "2001-07-10"})
    review = ExpertReview.objects.get()
    assert (review.pass_mark, review.certificate_on, review.valid_until) == (
        Decimal(90),
        datetime.date(2001, 7, 10),
        datetime.date(2006, 7, 10),
    )
    audit.refresh_from_db()
    assert (audit.acceptance, audit.accepted_by, audit.accepted_on) == (
        "pass",
        "municipality",
        datetime.date(2001, 7, 1),
    )
    page = client.get(audit.get_absolute_url()).content.decode()
    assert f'id="certificate-{review.pk}"' in page and "valid until 2006-07-10" in page
    assert review.certificate_state(datetime.date(2006, 1, 9)) == "valid"
    assert review.certificate_state(datetime.date(2006, 1, 10)) == "expiring"
    assert review.certificate_state(datetime.date(2006, 7, 11)) == "expired"


@pytest.mark.django_db
def test_the_database_refuses_a_pass_below_the_mark(audit, office):
    review = ExpertReview(
        audit=audit, stage="assessment", panel="王", reviewed_on=REVIEWED, score=70, decision="pass"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        review.save()
    review = ExpertReview(
        audit=audit, stage="assessment", panel="王", reviewed_on=REVIEWED, score=70, decision="fail"
    )
    review.certificate_on, review.valid_until = REVIEWED, datetime.date(2006, 6, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        review.save()  # a certificate of a failed assessment
    with pytest.raises(ValidationError):  # the assessment after the eight steps only
        audit.steps_completed = 5
        audit.save()
        reviews.record(
            ExpertReview(
                audit=audit,
                stage="assessment",
                panel="王",
                reviewed_on=REVIEWED,
                score=90,
                decision="pass",
            ),
            office,
        )


@pytest.mark.django_db
def test_certificates_to_renew_queue_and_reminders(
    client, steel, cement, make_enterprise_user, office, audit, django_assert_max_num_queries
):
    review = accept(audit, office)  # valid until 2006-06-01
    other = Audit.objects.create(
        enterprise=cement, ref="A-C", started_on=STARTED, steps_completed=8
    )
    accept(other, office, on=datetime.date(2004, 1, 1))  # valid until 2009
    preparer = make_enterprise_user(steel, "steel-preparer")
    signatory = make_enterprise_user(steel, "steel-signatory", Level.SIGNATORY)
    viewer = make_enterprise_user(steel, "steel-viewer", Level.VIEWER)
    for user, address in (
        (preparer, "p@steel.example"),
        (signatory, "s@steel.example"),
        (viewer, "v@steel.example"),
    ):
        user.email = address
        user.save()
    UserProfile.objects.create(user=preparer, language="en")

    early = datetime.date(2005, 11, 30)
    assert worklist.groups_for(office, early, kinds=["audits.certificates"])[0].items == []
    expiring = datetime.date(2005, 12, 1)
    with django_assert_max_num_queries(4):
        [group] = worklist.groups_for(office, expiring, kinds=["audits.certificates"])
    assert [item.title.split(" · ")[0] for item in group.items] == ["A-S"]
    assert "expires 2006-06-01" in group.items[0].detail
    # an enterprise user has no such queue
    assert worklist.groups_for(preparer, expiring, kinds=["audits.certificates"]) == []

    outcome = send_certificate_reminders(expiring)
    assert sorted(outcome.sent) == [("steel-preparer", "A-S"), ("steel-signatory", "A-S")]
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "expires on 2006-06-01" in by_address["p@steel.example"].body
    assert "2006-06-01" in by_address["s@steel.example"].body
    assert CertificateReminder.objects.filter(review=review, threshold="expiring").count() == 2
    mail.outbox.clear()
    assert send_certificate_reminders(datetime.date(2006, 3, 1)).sent == []
    # once more when it has expired, through the command
    out = io.StringIO()
    call_command("send_certificate_reminders", "--date", "2006-06-02", stdout=out)
    assert "sent 2" in out.getvalue() and len(mail.outbox) == 2
    assert "expired on 2006-06-01" in {m.to[0]: m for m in mail.outbox}["p@steel.example"].body
    call_command("send_certificate_reminders", "--date", "2006-06-03", stdout=out)
    assert len(mail.outbox) == 2

    # the office's queue and the enterprise's page mark it expired
    page = worklist.groups_for(office, datetime.date(2006, 6, 2), kinds=["audits.certificates"])
    assert "expired 2006-06-01" in page[0].items[0].detail
    client.force_login(signatory)
    home = client.get(reverse("portal:home")).content.decode()
    assert f'id="certificate-{audit.pk}"' in home and "valid until 2006-06-01" in home
    assert "Expired" in home  # today is long after 2006


@pytest.mark.django_db
def test_the_direct_assessment_form_keeps_the_pass_mark(client, office, audit):
    client.force_login(office)
    url = reverse("audits:assessment", args=[audit.pk])
    data = {"assessment": "pass", "assessed_on": "2001-05-01", "assessment_score": "79"}
    response = client.post(url, data)
    assert "below the pass mark (80)" in response.content.decode()
    audit.refresh_from_db()
    assert audit.assessment == ""
    assert client.post(url, data | {"assessment": "fail"}).status_code == 302
