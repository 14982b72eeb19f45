import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from enterprises.models import Enterprise


@pytest.mark.django_db
def test_log_in_page_and_language_switch_work_without_logging_in(client):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert "Log in" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_home_requires_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_navigation_shows_each_role_only_what_it_may_use(client, make_user):
    url = reverse("enterprises:list")
    client.force_login(make_user("leadership"))
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()
    client.force_login(make_user(None, username="no-role"))
    assert f'href="{url}"' not in client.get(reverse("home")).content.decode()


def test_load_demo_twice_leaves_the_same_data_and_shows_the_demo_banner(demo_city, client, capsys):
    counts = (Enterprise.objects.count(), User.objects.count())
    call_command("load_demo")
    assert (Enterprise.objects.count(), User.objects.count()) == counts
    assert counts[0] >= 60
    assert Enterprise.objects.filter(state_large_medium=True).count() == 50
    out = capsys.readouterr().out
    assert "leader" in out and "benxi-leader" in out
    # through the log-in form: django-axes checks every log-in against its request
    response = client.post(reverse("login"), {"username": "epb", "password": "benxi-epb"})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert "demo-banner" in page


def test_demo_users_have_one_role_each(demo_city):
    roles = {u.username: [g.name for g in u.groups.all()] for u in User.objects.all()}
    assert roles["leader"] == ["leadership"]
    assert roles["epb"] == ["epb_staff"]
    assert roles["admin"] == ["administrator"]
    assert roles["auditor"] == ["auditor"]
