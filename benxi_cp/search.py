"""Search across the application: one query, every kind of record the user may read.

Each app registers its kinds of record in `registry.search` from its AppConfig.ready(). A
kind is a
`Source`: the permission that shows it, a function returning the user's matching records
(starting from the same `for_user` queryset as the kind's list page, so a search never
reaches further than the list does) and how a hit is shown. benxi_cp knows no app.

Matching is `icontains` (SQLite and PostgreSQL alike). A group costs one query when it has
at most PER_GROUP hits and two (the hits, then the count) when it has more.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from benxi_cp import scoping
from benxi_cp.registry import registry

MIN_LENGTH = 2  # characters, or one Chinese character (钢 finds the steel works)
MAX_LENGTH = 100
PER_GROUP = 5

_YEAR_PERIOD = re.compile(r"((?:19|20)\d\d)(?:-(Q[1-4]|M(?:0[1-9]|1[0-2])))?", re.IGNORECASE)
_PERIOD = re.compile(r"Q[1-4]|M(?:0[1-9]|1[0-2])", re.IGNORECASE)


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


@dataclass(frozen=True)
class Query:
    """What the user typed, and the year and period in it (for records of a period)."""

    text: str
    words: str = ""  # the text without the year and period
    year: int | None = None
    period: str = ""  # Q1–Q4 or M01–M12, upper case

    @property
    def too_short(self) -> bool:
        return len(self.text) < MIN_LENGTH and not any(_is_cjk(char) for char in self.text)

    @property
    def terms(self) -> str:
        """What the kinds without periods look for: the words, or the whole text when it was
        only a year (an audit reference may hold one)."""
        return self.words or self.text


def parse(raw: str | None) -> Query:
    """`本钢 2000 Q3`, `E-1 2000-M07`: a four-digit year and a period are picked out of the
    query for the kinds that have periods; the rest are the words every kind looks for."""
    text = " ".join((raw or "").split())[:MAX_LENGTH]
    year, period, words = None, "", []
    for token in text.split():
        year_period = _YEAR_PERIOD.fullmatch(token)
        if year is None and year_period:
            year = int(year_period.group(1))
            period = (year_period.group(2) or period).upper()
        elif not period and _PERIOD.fullmatch(token):
            period = token.upper()
        else:
            words.append(token)
    return Query(text=text, words=" ".join(words), year=year, period=period)


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Source:
    """One kind of record the search finds."""

    key: str  # also the anchor of the group on the results page
    label: str  # plural, lazily translated
    permission: str
    order: int
    find: Callable[[object, Query], QuerySet]  # (user, query) -> the user's matching records
    hit: Callable[[object], Hit]
    list_url_name: str
    list_params: Callable[[Query], dict] = field(default=lambda query: {"q": query.text})

    def see_all_url(self, query: Query) -> str:
        params = {key: value for key, value in self.list_params(query).items() if value}
        return f"{reverse(self.list_url_name)}?{urlencode(params)}"


@dataclass
class Group:
    source: Source
    hits: list[Hit]
    count: int
    see_all_url: str

    @property
    def more(self) -> bool:
        return self.count > len(self.hits)


def sources() -> list[Source]:
    """The kinds of record the apps registered (registry.search), in their order."""
    return list(registry.search)


def visible_sources(user) -> list[Source]:
    if not user.is_authenticated:
        return []
    perms = user.get_all_permissions()
    return [s for s in sources() if user.is_superuser or s.permission in perms]


def search(user, query: Query, per_group: int = PER_GROUP) -> list[Group]:
    """The groups of hits, one per kind the user may read, in the sources' order; a group
    is there even when empty (the page says which kinds were searched)."""
    if query.too_short:
        return []
    groups = []
    for source in visible_sources(user):
        # An enterprise user finds only their enterprises' records (benxi_cp/scoping.py).
        records = scoping.scope_for(user, source.find(user, query))
        page = list(records[: per_group + 1])
        count = len(page) if len(page) <= per_group else records.count()
        groups.append(
            Group(
                source=source,
                hits=[source.hit(record) for record in page[:per_group]],
                count=count,
                see_all_url=source.see_all_url(query),
            )
        )
    return groups
