"""Where each figure of the dashboards leads: the filtered list of the records behind it.

All the links are written here, from URL names and query strings, so that a list another
app provides is linked as soon as its URL name exists; until then `url()` gives None and the
figure shows without a link.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


def url(name: str, *args, **query) -> str | None:
    """reverse(name, args) + ?query (empty values left out), or None if `name` is unknown."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return None
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(query)}" if query else path


# Enterprises: our own list, which knows "as of 31 December" (reports:enterprises).


def enterprises(year: int, **filters) -> str | None:
    return url("reports:enterprises", year=year, **filters)


def in_programme(year: int, **filters) -> str | None:
    return enterprises(year, in_programme="true", **filters)


def state_large_medium() -> str | None:
    return url("enterprises:list", state_large_medium="true")


def accepted(year: int, body: str) -> str | None:
    return enterprises(year, accepted_by=body)


def demonstration(year: int) -> str | None:
    return enterprises(year, demonstration="true")


def without_report(year: int) -> str | None:
    return enterprises(year, no_report="true")


def enterprise(pk: int) -> str | None:
    return url("enterprises:detail", pk)


# Audits and options (audits app).


def audits_at_step(year: int, steps: int) -> str | None:
    return url("audits:list", steps_completed=steps, started_by=year)


def options(year: int, fee_class: str = "", implemented: bool = False, **filters) -> str | None:
    if implemented:
        return url(
            "audits:option_list",
            fee_class=fee_class,
            status="implemented",
            implemented_by=year,
            **filters,
        )
    return url(
        "audits:option_list", fee_class=fee_class, retained="true", started_by=year, **filters
    )


# Discharge reports (enterprises app).


def reports(**filters) -> str | None:
    return url("enterprises:report_list", **filters)


def flagged_values(**filters) -> str | None:
    return url("enterprises:flagged_values", **filters)


# Our own pages.


def claims(year: int, **filters) -> str | None:
    return url("reports:claims", year=year, **filters)


def trends(year: int, **filters) -> str | None:
    return url("reports:trends", year=year, **filters)


def cases(state: str) -> str | None:
    """The EPB's enforcement cases, `still_open` or `overdue` (permits.filters.CaseFilter)."""
    return url("permits:cases", state=state)


def form(name: str, year: int) -> str | None:
    try:
        return reverse("reports:form", args=[name]) + f"?year={year}"
    except NoReverseMatch:
        return None


def chart(name: str, year: int, **params) -> str | None:
    try:
        path = reverse("reports:chart", args=[name])
    except NoReverseMatch:
        return None
    query = {"year": year, **{k: v for k, v in params.items() if v not in (None, "")}}
    return f"{path}?{urlencode(query)}"


# Targets (targets app).


def targets(year: int, **filters) -> str | None:
    return url("targets:overview", year=year, **filters)


def indicator(code: str) -> str | None:
    return url("targets:indicator", code)
