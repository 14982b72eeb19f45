"""The weekly reminder e-mail: one message per user with something overdue or due soon, from
every work-queue source, in the user's language, plain text and HTML; nothing for those with
nothing due; never twice in a week; --dry-run sends and records nothing."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from benxi_cp import worklist
from benxi_cp.registry import registry
from benxi_cp.worklist import WorkItem
from programme.models import ReminderSent, UserProfile
from tests.programme.organisation_builders import TODAY


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def clerk(org, place, make_user):
    user = place(make_user("epb_staff", "wang"), org["epb"])
    user.email, user.first_name = "wang@example.org", "王芳"
    user.save()
    return user


@pytest.fixture
def other_source():
    """A source of another app (the audit timetable, say): the e-mail lists its items too."""

    def source(user, today):
        if user.username != "wang":
            return []
        return [
            WorkItem("tests.audits", "Audit of 本溪钢铁: start", "/audits/1/", today),
            WorkItem("tests.audits", "Far away", "/audits/2/", today + datetime.timedelta(days=90)),
        ]

    with registry.worklist.override(worklist.Queue("tests.audits", source)):
        yield


@pytest.mark.django_db
def test_one_message_lists_overdue_and_soon_due_items_of_every_source(clerk, other_source):
    assert "sent 1," in run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang@example.org"]
    text = message.body
    # Chinese by default: the site's language
    assert "汇总排污申报" in text and "核实监测数据" in text and "本溪钢铁" in text
    assert "逾期" in message.subject and "王芳" in text
    assert "编制资金预算" not in text  # finance's
    assert "Far away" not in text  # due in 90 days: not soon
    overdue, soon = text.index("汇总排污申报"), text.index("核实监测数据")
    assert overdue < soon  # the overdue part comes first
    # grouped under the queues' headings, as the landing page shows them
    assert text.index("领导小组和办公室会议布置的任务") < overdue
    assert "/programme/tasks/" in text and "http" in text  # absolute links
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<a href=" in html and "汇总排污申报" in html
    assert "style=" not in html and "<script" not in html
    sent = ReminderSent.objects.get()
    assert sent.user == clerk and sent.week == datetime.date(2001, 11, 5) and sent.items == 3


@pytest.mark.django_db
def test_the_message_is_in_the_users_language(clerk, place, org):
    place(clerk, org["epb"], language="en")
    run()
    message = mail.outbox[0]
    assert "overdue" in message.subject and "Dear 王芳" in message.body
    assert "Overdue" in message.body and "3 days late" in message.body


@pytest.mark.django_db
def test_a_user_who_logs_in_in_english_gets_english(clerk):
    from django.contrib.auth.signals import user_logged_in
    from django.test import RequestFactory

    request = RequestFactory().get("/login/", HTTP_ACCEPT_LANGUAGE="en")
    user_logged_in.send(sender=type(clerk), request=request, user=clerk)
    run()
    assert "Dear" in mail.outbox[0].body
    # a language the office chose is kept
    request = RequestFactory().get("/login/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    user_logged_in.send(sender=type(clerk), request=request, user=clerk)
    assert UserProfile.objects.get(user=clerk).language == "en"


@pytest.mark.django_db
def test_nothing_due_no_message(org, clerk, make_user):
    for task in org["tasks"].values():
        task.status = "cancelled"
        task.save()
    lonely = make_user("administrator", "boss")
    lonely.email = ""
    lonely.save()  # the office has every task, but no address
    out = run()
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    assert "sent 0, nothing due 1" in out


@pytest.mark.django_db
def test_inactive_users_and_users_without_an_address_get_nothing(clerk):
    clerk.is_active = False
    clerk.save()
    run()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_second_run_the_same_week_sends_nothing_more(clerk, make_user):
    run()
    assert len(mail.outbox) == 1
    out = io.StringIO()
    call_command("send_reminders", "--date", "2001-11-10", stdout=out)  # Saturday, same week
    assert len(mail.outbox) == 1 and "already sent this week 1" in out.getvalue()
    # a newcomer that week still gets theirs
    boss = make_user("administrator", "boss")
    boss.email = "boss@example.org"
    boss.save()
    call_command("send_reminders", "--date", "2001-11-10", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["wang@example.org"], ["boss@example.org"]]
    # next Monday: a new week
    call_command("send_reminders", "--date", "2001-11-12", stdout=io.StringIO())
    assert len(mail.outbox) == 4 and ReminderSent.objects.count() == 4


@pytest.mark.django_db
def test_a_failed_send_is_tried_again(clerk, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def refuse(self, fail_silently=False):
        raise OSError("connection refused")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(CommandError, match="1 messages could not be sent"):
        run()
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    run()
    assert len(mail.outbox) == 1 and ReminderSent.objects.count() == 1


@pytest.mark.django_db
def test_dry_run_sends_and_records_nothing(clerk):
    out = run("--dry-run")
    assert "would send: wang (2 items)" in out
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    run()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "2001-13-01", stdout=io.StringIO())
