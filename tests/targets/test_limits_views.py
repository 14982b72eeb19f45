"""Targets that read right on the pages: a limit shows met / not met with its margin and
"at most" / "at least" by its goal, never a share of a way; a path target worse than its
baseline says by how much instead of a negative percentage."""

import pytest
from django.urls import reverse


@pytest.fixture
def demo_like(make_indicator, make_target, make_actuals):
    """The demo's unemployment (a ceiling, broken), noise compliance (a path gone the wrong
    way), an employment floor that holds and a COD path ahead of the line."""
    unemployment = make_indicator(
        "unemployment_rate", dimension="social", unit="%", direction="lower"
    )
    make_target(unemployment, baseline=(1996, "2.9"), goal=(2000, "3.2"))
    make_actuals(unemployment, {1996: "2.9", 2001: "3.7"})
    noise = make_indicator("noise_compliance", unit="%", direction="higher")
    make_target(noise, baseline=(1996, "70"), goal=(2000, "80"))
    make_actuals(noise, {1996: "70", 2001: "68.8"})
    employment = make_indicator("employment_rate", dimension="social", direction="higher")
    make_target(employment, baseline=(1996, "96"), goal=(2000, "95"))
    make_actuals(employment, {2001: "95.5"})
    cod = make_indicator("cod_total", unit="t", direction="lower")
    make_target(cod, baseline=(1996, "100"), goal=(2000, "80"))
    make_actuals(cod, {2001: "78"})


def row_html(page: str, code: str) -> str:
    start = page.index(f'data-indicator="{code}"')
    return page[start : page.index("</tr>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_overview_reads_right_in_both_languages(client_as, demo_like, language):
    client = client_as("leadership")
    client.cookies["django_language"] = language
    page = client.get(reverse("targets:overview"), {"year": 2001}).content.decode()
    unemployment = row_html(page, "unemployment_rate")
    assert "266.7" not in unemployment and "target-bar" not in unemployment
    assert "limit-verdict limit-red" in unemployment and "≤" in unemployment
    assert "0.5" in unemployment
    noise = row_html(page, "noise_compliance")
    assert "-12.0" not in noise and "−12.0" not in noise
    assert 'class="moved-away"' in noise and "1.2" in noise
    employment = row_html(page, "employment_rate")
    assert "limit-verdict limit-green" in employment and "≥" in employment
    cod = row_html(page, "cod_total")
    assert 'class="goal-reached"' in cod and "110.0%" in cod
    if language == "en":
        assert "Not met: 0.5 % over the limit." in unemployment
        assert "1.2 % worse than the baseline" in noise
        assert "Met: 0.5 t above the limit." in employment
        assert "at most" in unemployment and "at least" in employment


@pytest.mark.django_db
def test_the_indicator_page_shows_a_ceiling_as_met_or_not(client_as, demo_like):
    client = client_as("leadership")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("targets:indicator", args=["unemployment_rate"])).content.decode()
    assert "Not met" in page and "266.7" not in page and "≤" in page


@pytest.mark.django_db
def test_the_export_leaves_the_share_empty_for_a_limit(client_as, demo_like):
    client = client_as("leadership")
    response = client.get(reverse("targets:overview"), {"year": 2001, "_export": "csv"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    lines = {line.split(",")[1]: line for line in body.decode("utf-8-sig").splitlines()[1:]}
    unemployment = lines["unemployment_rate"].split(",")
    assert unemployment[13:16] == ["", "", "no"]  # no share, not met
    assert lines["noise_compliance"].split(",")[13] == "-12.0"
