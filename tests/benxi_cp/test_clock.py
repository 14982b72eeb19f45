"""The demo's own date (benxi_cp/clock.py): queues and deadlines as of that day, shown in the
demo banner; a live installation works on today's date."""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from benxi_cp import clock, worklist
from benxi_cp.models import SiteFlag
from programme.models import Meeting


@pytest.mark.django_db
def test_today_is_the_demos_date_while_the_demo_is_loaded():
    assert clock.today() == timezone.localdate() and clock.demo_date() is None
    flag = SiteFlag.objects.create(key=SiteFlag.DEMO_LOADED, value="2002-03-15")
    assert clock.today() == datetime.date(2002, 3, 15)
    flag.value = "1"  # a demo loaded before it had a date: real time
    flag.save()
    assert clock.today() == timezone.localdate()


@pytest.mark.django_db
def test_the_banner_shows_the_demos_date(client_as):
    client = client_as("leadership")
    assert "demo-clock" not in client.get(reverse("home")).content.decode()
    SiteFlag.objects.create(key=SiteFlag.DEMO_LOADED, value="2002-03-15")
    with translation.override("en"):
        content = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "demo-clock" in content and "2002-03-15" in content


@pytest.mark.django_db
def test_the_demos_queues_are_those_of_its_own_date():
    """No item years late, no report asked for a year without data, and the 2001 figures."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "the 2001 COD reduction rate is 33.3%" in out.getvalue()
    today = clock.today()
    assert today == clock.DEMO_TODAY
    for name in ("admin", "epb", "epb2", "auditor", "auditor2", "leader"):
        for group in worklist.groups_for(User.objects.get(username=name), today):
            for item in group.items:
                if item.due is not None:
                    # Stalled demo audits are late by months, never by years.
                    assert item.due > today - datetime.timedelta(days=2 * 365), item
            if group.kind.key == "reports.missing":
                assert all("2001" in item.detail for item in group.items)
    # The latest meeting stands after the programme's 2001 meetings, not in the real today.
    latest = Meeting.objects.order_by("-date").first()
    assert today - datetime.timedelta(days=60) < latest.date <= today
