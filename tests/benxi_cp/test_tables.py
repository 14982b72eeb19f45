"""The lists as django-tables2 and crispy-forms render them: links, sorting, filter bar."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from enterprises.models import Enterprise

# (role, list, a filter that keeps some rows, the sortable column, the record a row links to)
LISTS = [
    ("epb_staff", "enterprises:list", "q=DEMO", "employees", None),
    ("epb_staff", "enterprises:report_list", "q=DEMO", "grade", None),
    ("epb_staff", "enterprises:flagged_values", "year=2001", "severity", "report"),
    ("administrator", "audits:list", "q=BX", "steps_completed", None),
    ("epb_staff", "audits:option_list", "q=BX", "investment_10k_yuan", None),
    ("leadership", "reports:enterprises", "q=DEMO", "employees", None),
    ("administrator", "targets:indicators", "q=_", "direction", None),
]


def _table(page: str) -> str:
    return page[page.index("<table") : page.index("</table>")]


def _sort_links(table: str) -> dict[str, dict[str, list[str]]]:
    """The header's sorting links: the sort key of each, with the link's whole query."""
    links = {}
    for href in re.findall(r'<th[^>]*>\s*<a href="([^"]*)"', table):
        query = parse_qs(urlsplit(unescape(href)).query)
        links[query["sort"][0].lstrip("-")] = query
    return links


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_list_links_sorts_and_filters(demo_city, client, make_user, language):
    client.cookies["django_language"] = language
    users = {}
    for role, url_name, query, sortable, linked in LISTS:
        if role not in users:
            users[role] = make_user(role, username=f"tables-{role}")
        client.force_login(users[role])
        url = reverse(url_name)
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url
        names = [template.name for template in response.templates]
        assert "django_tables2/bootstrap5-responsive.html" in names, url
        assert "bootstrap5/field.html" in names, url  # crispy's field markup
        page = response.content.decode()
        table = _table(page)
        rows = response.context["table"].paginated_rows
        assert len(rows) > 0, url
        # Each row links to its record (a flag: to its report).
        for row in rows:
            record = getattr(row.record, linked) if linked else row.record
            assert f'href="{record.get_absolute_url()}"' in table, url
        # Every sorting link keeps the filter, and the chosen column sorts.
        links = _sort_links(table)
        assert sortable in links, (url, sorted(links))
        key, value = query.split("=")
        assert all(link[key] == [value] for link in links.values()), url
        sorted_page = client.get(f"{url}?{query}&sort=-{sortable}")
        assert sorted_page.status_code == 200
        assert sorted_page.context["table"].order_by == (f"-{sortable}",), url
        # The filter bar has a field for each filter of the list's FilterSet.
        form = response.context["filter"].form
        for name, field in form.fields.items():
            assert f'name="{name}"' in page, (url, name)
            assert f'id="div_id_{name}"' in page or field.widget.is_hidden, (url, name)
        assert f'name="{key}" value="{value}"' in page, url


def test_cells_keep_their_own_rendering(demo_city, client, make_user):
    client.cookies["django_language"] = "zh-hans"
    client.force_login(make_user("administrator", username="tables-admin"))
    with translation.override("zh-hans"):
        name = str(Enterprise._meta.get_field("name").verbose_name)
    register = _table(client.get(reverse("enterprises:list")).content.decode())
    assert re.search(rf">\s*{name}\s*</a>\s*</th>", register)  # not the attribute's "Name"
    assert "✔" in register and "✘" in register  # the state large/medium column
    audits = _table(client.get(reverse("audits:list")).content.decode())
    assert audits.count('class="step-meter"') == 25
    reports = _table(client.get(reverse("enterprises:report_list")).content.decode())
    assert 'class="badge grade grade-' in reports and 'class="badge report-status' in reports
    flags = _table(client.get(reverse("enterprises:flagged_values")).content.decode())
    assert 'class="badge severity severity-' in flags


def test_an_empty_result_and_a_bad_filter_are_said(demo_city, client, make_user):
    client.cookies["django_language"] = "en"
    client.force_login(make_user("epb_staff", username="tables-epb"))
    response = client.get(reverse("enterprises:list") + "?q=nothing-matches-this")
    page = response.content.decode()
    assert response.status_code == 200 and "0 records" in page
    # No record's row; the one cell says the filter matched nothing (not "nothing yet").
    assert _table(page).count("<td") == 1 and "No matching records." in _table(page)
    response = client.get(reverse("enterprises:report_list") + "?year=abc")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="numberinput form-control is-invalid"' in page
    assert "Enter a whole number." in page and "invalid-feedback" in page
