"""Every link an enterprise user meets leads to a page they may open: the portal's pages, the
entry grid (whose links to the EPB's report and register pages lead to the portal's), the
menus; and "My enterprise" is in the menu of enterprise users only."""

import re
from urllib.parse import urljoin

import pytest
from django.urls import reverse

from enterprises.models import DischargeReport, entry_url
from portal.models import Level
from tests.portal.test_entry import grid

LINK = re.compile(r'(?:href|action)="([^"#]*)"')


def walk(client, start: list[str], limit: int = 200) -> dict[str, int]:
    """Every page reached from `start` by the links and forms of its pages (GET), with the
    status it answered."""
    seen: dict[str, int] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response["Location"]))
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            if not href or href.startswith(("http:", "https:", "mailto:", "/static/")):
                continue
            if "logout" in href:
                continue
            queue.append(urljoin(url, href))
    return seen


@pytest.mark.django_db
def test_no_link_an_enterprise_user_meets_is_not_found(
    client, steel, cement, steel_user, make_enterprise_user
):
    client.force_login(steel_user)
    for period, amount in (("M01", "150"), ("M02", "900")):
        response = client.post(entry_url(steel.pk, 2000, period), grid(amount))
        assert response.status_code == 302
    client.post(entry_url(cement.pk, 2000, "M01"), grid())  # not theirs: refused
    reports = DischargeReport.objects.filter(enterprise=steel)
    assert reports.count() == 2
    signatory = make_enterprise_user(steel, "steel-signatory", Level.SIGNATORY)
    for user in (steel_user, signatory):
        client.force_login(user)
        start = ["/"] + [r.entry_url for r in reports]
        start += [reverse("portal:report_sign", args=[r.pk]) for r in reports]
        seen = walk(client, start)
        broken = {url: code for url, code in seen.items() if code >= 400}
        assert broken == {}, user.username
        # the walk went through the grid's links to the reports and the jobs
        assert reverse("portal:report", args=[reports[0].pk]) in seen
        assert reverse("jobs") in seen
        assert reverse("import", args=["discharge"]) in seen
        assert reverse("format_document", args=["discharge"]) in seen
        assert len(seen) > 8


@pytest.mark.django_db
def test_my_enterprise_is_in_the_menu_of_enterprise_users_only(
    client, steel_user, administrator, epb_user
):
    label = 'href="/portal/"'
    client.force_login(steel_user)
    assert label in client.get(reverse("portal:home")).content.decode()
    for user in (administrator, epb_user):
        client.force_login(user)
        assert label not in client.get(reverse("help")).content.decode()
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    assert label not in client.get(reverse("help")).content.decode()
