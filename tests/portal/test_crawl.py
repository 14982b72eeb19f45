"""Every URL × the enterprise users of two enterprises, on the demo city: no page, export,
chart or API answer shows another enterprise.

Each URL pattern of the project is filled with ids of records of the user's own enterprise
and of others (enterprises, reports, audits, options, documents, grants, ...) and with the
values its other parameters take (years, kinds, formats); each URL is read as each
enterprise user. An answer is a leak when it is a success that names an enterprise the user
does not act for (its code or its Chinese or English name), or a success from a view that
was not written for enterprise users.
"""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch
from rest_framework.test import APIClient

from api.models import ApiToken
from audits.models import Audit, AuditDocument, AuditStep, Option
from benxi_cp import scoping
from enterprises.models import DischargeReport, Enterprise
from portal.models import Grant, Invitation
from programme.models import EnvironmentalInvestment, Incentive

TEXT_VALUES = ["csv", "xlsx", "discharge", "enterprises", "Y", "x"]


def patterns(resolver=None, prefix=""):
    """(name, parameter names and converters) of every named URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            inner = dict(getattr(entry.pattern, "converters", {}))
            for name, params in patterns(entry, namespace):
                yield name, {**inner, **params}
        elif isinstance(entry, URLPattern) and entry.name:
            params = dict(getattr(entry.pattern, "converters", {}))
            regex = getattr(entry.pattern, "_regex", "")
            for group in re.findall(r"\(\?P<(\w+)>", regex or ""):
                params.setdefault(group, None)
            yield f"{prefix}{entry.name}", params


def candidate_ids(enterprise_ids: set[int]) -> list[int]:
    """Ids of the own enterprises' records and of others', of every kind a URL may name."""
    ids = set()
    for model, path in (
        (Enterprise, "pk"),
        (DischargeReport, "enterprise"),
        (Audit, "enterprise"),
        (AuditStep, "audit__enterprise"),
        (Option, "audit__enterprise"),
        (AuditDocument, "audit__enterprise"),
        (Incentive, "enterprise"),
        (EnvironmentalInvestment, "enterprise"),
        (Grant, "enterprise"),
        (Invitation, "enterprise"),
    ):
        own = model.objects.filter(**{f"{path}__in": enterprise_ids}).order_by("pk")
        other = model.objects.exclude(**{f"{path}__in": enterprise_ids}).order_by("pk")
        ids.update(own.values_list("pk", flat=True)[:2])
        ids.update(other.values_list("pk", flat=True)[:2])
    return sorted(ids | {1})


def urls(enterprise_ids: set[int]) -> list[str]:
    ids = candidate_ids(enterprise_ids)
    found = set()
    for name, params in patterns():
        choices = []
        for param, converter in params.items():
            kind = type(converter).__name__ if converter else ""
            if param == "year":
                choices.append([2000])
            elif kind == "IntConverter":
                choices.append(ids)
            else:
                choices.append([*TEXT_VALUES, *map(str, ids[:4])])
        combos = [{}]
        for param, values in zip(params, choices, strict=True):
            combos = [{**combo, param: value} for combo in combos for value in values][:400]
        found.update(_filled(name, combos))
    return sorted(found)


def _filled(name: str, combos: list[dict]) -> list[str]:
    """The pattern's URLs. A view not written for enterprise users is refused by the
    middleware before it reads its parameters (benxi_cp.scoping), so one URL of it is
    enough to prove the refusal; a scoped view is read with every record's id."""
    filled = []
    for combo in combos:
        try:
            url = reverse(name, kwargs=combo)
        except NoReverseMatch:
            continue
        if not filled and not scoping.view_is_scoped(resolve(url).func):
            return [url]
        filled.append(url)
    return filled


def foreign_marks(own: set[int]) -> list[str]:
    own_names = " ".join(
        f"{e.code} {e.name} {e.name_en}" for e in Enterprise.objects.filter(pk__in=own)
    )
    marks = []
    for enterprise in Enterprise.objects.exclude(pk__in=own):
        marks += [
            mark
            for mark in (enterprise.code, enterprise.name, enterprise.name_en)
            if mark and mark not in own_names
        ]
    return marks


def leaks(client, urls_, marks, *, api=False) -> list[str]:
    found = []
    for url in urls_:
        response = client.get(url)
        if response.status_code in (404, 405, 410):
            continue
        if response.status_code in (301, 302):
            target = response["Location"]
            if target.startswith(("/login/", "/portal/")) or target == "/":
                continue
            found.append(f"{url}: redirect to {target}")
            continue
        if response.status_code != 200:
            found.append(f"{url}: {response.status_code}")
            continue
        match = response.resolver_match
        if not api and not scoping.view_is_scoped(match.func):
            found.append(f"{url}: answered by {match.view_name}, not written for them")
        body = (
            b"".join(response.streaming_content)
            if getattr(response, "streaming", False)
            else response.content
        ).decode("utf-8", "replace")
        shown = [mark for mark in marks if mark in body]
        if shown:
            found.append(f"{url}: shows {shown[:3]}")
    return found


@pytest.fixture
def firms(demo_city):
    """The enterprises each demo enterprise user acts for (the demo loaded once for both
    tests: tests/fixtures.py)."""
    return {
        username: set(
            Grant.objects.active()
            .filter(user__username=username)
            .values_list("enterprise_id", flat=True)
        )
        for username in ("firm1", "firm2", "firm1sign")
    }


@pytest.fixture
def plain_not_found(settings):
    """The same URLs, answering "not found" without rendering the 404 page (crawl_urls.py):
    the crawl takes a 404 as a refusal and never reads its page."""
    settings.ROOT_URLCONF = "tests.portal.crawl_urls"


@pytest.mark.django_db
def test_no_url_shows_an_enterprise_user_another_enterprise(client, firms, plain_not_found):
    firm1, firm2 = firms["firm1"], firms["firm2"]
    assert firm1 and firm2 and firm1 != firm2
    all_urls = urls(firm1 | firm2)
    assert len(all_urls) > 300  # every pattern, filled with own and other records' ids
    for username, own in (("firm1", firm1), ("firm2", firm2), ("firm1sign", firm1)):
        client.force_login(User.objects.get(username=username))
        client.cookies["django_language"] = "en"
        found = leaks(client, all_urls, foreign_marks(own))
        assert found == [], f"{username}: {len(found)} leaks: {found[:10]}"
        # and the own enterprise is there, on the landing page
        page = client.get(reverse("home")).content.decode()
        own_enterprise = Enterprise.objects.get(pk=min(own))
        assert own_enterprise.name_en in page


@pytest.mark.django_db
def test_no_api_call_shows_an_enterprise_user_another_enterprise(firms):
    firm1 = firms["firm1"]
    user = User.objects.get(username="firm1")
    _token, key = ApiToken.issue(user, "crawl")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    api_urls = [url for url in urls(firm1 | firms["firm2"]) if url.startswith("/api/v1/")]
    api_urls += [
        "/api/v1/enterprises/?page_size=500",
        "/api/v1/discharge-reports/?page_size=500",
        "/api/v1/discharge-reports/?year=2000",
    ]
    assert len(api_urls) > 20
    assert leaks(api, api_urls, foreign_marks(firm1), api=True) == []
    seen, url = [], "/api/v1/discharge-reports/"
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    own = DischargeReport.objects.filter(enterprise__in=firm1)
    assert sorted(seen) == sorted(own.values_list("pk", flat=True)) and seen
