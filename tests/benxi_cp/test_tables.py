"""The lists' table bodies, written in Python, match django-tables2's own rendering."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from benxi_cp.tables import Table

STOCK = "django_tables2/bootstrap5-responsive.html"

LISTS = [
    ("epb_staff", "enterprises:list", ""),
    ("epb_staff", "enterprises:list", "?sort=-employees&page=2"),
    ("epb_staff", "enterprises:report_list", ""),
    ("epb_staff", "enterprises:report_list", "?sort=grade"),
    ("epb_staff", "enterprises:flagged_values", ""),
    ("epb_staff", "audits:list", "?sort=-steps_completed"),
    ("administrator", "audits:list", ""),
    ("epb_staff", "audits:option_list", ""),
    ("epb_staff", "audits:option_list", "?sort=-investment_10k_yuan&page=2"),
    ("leadership", "reports:enterprises", ""),
    ("administrator", "targets:indicators", ""),
    ("epb_staff", "enterprises:list", "?q=nothing-matches-this"),
]


def _normalised(html: str) -> str:
    """The page's table, with whitespace next to tags removed (insignificant in HTML)."""
    table = html[html.index("<table") : html.index("</table>")]
    table = re.sub(r">\s+", ">", re.sub(r"\s+<", "<", table))
    return re.sub(r"\s+", " ", table.replace("<td >", "<td>").replace("<tr >", "<tr>"))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_list_renders_as_django_tables2_does(client, make_user, monkeypatch, language):
    call_command("load_demo")
    client.cookies["django_language"] = language
    users = {}
    for role, url_name, query in LISTS:
        if role not in users:
            users[role] = make_user(role, username=f"tables-{role}")
        client.force_login(users[role])
        url = reverse(url_name) + query
        response = client.get(url)
        assert "generic/table.html" in [t.name for t in response.templates]
        ours = response.content.decode()
        with monkeypatch.context() as patch:
            # django-tables2's own template: every cell through BoundRow and the template.
            patch.setattr(Table, "template_name", property(lambda t: STOCK, lambda t, v: None))
            response = client.get(url)
        assert "generic/table.html" not in [t.name for t in response.templates]
        stock = response.content.decode()
        assert _normalised(ours) == _normalised(stock), url
        assert ours.count("<tr") > 1 or "nothing-matches" in query, url
