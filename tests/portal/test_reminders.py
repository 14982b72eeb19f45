"""Reminders of an enterprise's deadlines: its preparers and signatories (not its viewers)
are told, in their language, of the reports due soon or overdue and of the drafts awaiting
signature, each deadline at most once per person."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from enterprises.models import DischargeReport
from portal.models import DeadlineReminder, Level
from portal.reminders import send_deadline_reminders
from programme.models import UserProfile

# 2001-01-25: the annual report of 2000 is due on 31 January (within 7 days), 1999's was due
# a year ago (overdue, never received); the monthly report of 2000-12 was due on 15 January
# (overdue); 2001-01's is due on 15 February.
TODAY = datetime.date(2001, 1, 25)


@pytest.fixture
def people(steel, cement, make_enterprise_user):
    preparer = make_enterprise_user(steel, "steel-preparer")
    signatory = make_enterprise_user(steel, "steel-signatory", Level.SIGNATORY)
    viewer = make_enterprise_user(steel, "steel-viewer", Level.VIEWER)
    other = make_enterprise_user(cement, "cement-preparer")
    for user, address in (
        (preparer, "preparer@steel.example"),
        (signatory, "boss@steel.example"),
        (viewer, "viewer@steel.example"),
        (other, ""),  # no address: nothing sent
    ):
        user.email = address
        user.save()
    UserProfile.objects.create(user=preparer, language="en")
    # the steel works reports monthly: November is received, December not yet; a draft of
    # 2000-10 waits for its signature
    for month, status in ((11, "submitted"), (10, "draft")):
        DischargeReport.objects.create(
            enterprise=steel, year=2000, period_kind="M", period_number=month, status=status
        )
    return preparer, signatory, viewer


@pytest.mark.django_db
def test_preparers_and_signatories_are_told_once_in_their_language(people):
    preparer, signatory, _viewer = people
    outcome = send_deadline_reminders(TODAY, 7)
    assert sorted(outcome.sent) == [("steel-preparer", 4), ("steel-signatory", 4)]
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["boss@steel.example", "preparer@steel.example"]
    english = by_address["preparer@steel.example"]
    assert "Xicheng Steel" not in english.subject
    body = english.body
    assert "Monthly report 2000-M12: was due 2001-01-15" in body
    assert "Annual report 2000: due 2001-01-31" in body
    assert "Annual report 1999: was due 2000-01-31" in body
    assert "Monthly report 2000-M10 (Draft)" in body
    assert "2000-M11" not in body  # received
    assert "2001-M01" not in body  # due in 21 days
    chinese = by_address["boss@steel.example"]
    assert "已逾期" in chinese.body or "逾期" in chinese.body
    assert "月报" in chinese.body or "月度" in chinese.body
    assert chinese.alternatives and "2000-M12" in chinese.alternatives[0][0]
    assert DeadlineReminder.objects.filter(user=preparer).count() == 4

    # a second run tells nobody again; a new deadline near is told alone
    mail.outbox.clear()
    assert send_deadline_reminders(TODAY, 7).sent == []
    assert mail.outbox == []
    send_deadline_reminders(datetime.date(2001, 2, 10), 7)
    assert len(mail.outbox) == 2
    assert "2001-M01: due 2001-02-15" in mail.outbox[0].body
    assert "2000-M12" not in mail.outbox[0].body


@pytest.mark.django_db
def test_the_command_dry_run_sends_and_records_nothing(people):
    out = io.StringIO()
    call_command("send_deadline_reminders", "--date", "2001-01-25", "--dry-run", stdout=out)
    assert "would send: steel-preparer (4 deadlines)" in out.getvalue()
    assert mail.outbox == [] and not DeadlineReminder.objects.exists()
    call_command("send_deadline_reminders", "--date", "2001-01-25", stdout=io.StringIO())
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_failed_send_is_tried_again(people, monkeypatch):
    def refuse(self, fail_silently=False):
        raise OSError("refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    outcome = send_deadline_reminders(TODAY, 7)
    assert len(outcome.failed) == 2 and not DeadlineReminder.objects.exists()
    monkeypatch.undo()
    assert len(send_deadline_reminders(TODAY, 7).sent) == 2
