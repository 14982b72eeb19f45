"""The one way a permit is written: checked whole (docs/formats/permits.md), then stored as a
new version, by the permit's page and by the import alike.

A permit is its number, enterprise, days in force, issuer and its limits; its outlets follow
from the limits. Writing it again (a renewal or a change) replaces its outlets and limits
whole and adds a version (PermitRevision) holding what it now says, so that each earlier
version stays readable. Refused, each as (row, column, message), rows numbered as the caller
numbers them: a concentration limit without an outlet, an annual total with one; a unit that
does not fit the basis and the outlet's kind; the same outlet, pollutant and basis twice;
an outlet of two kinds; two permits of one enterprise in force on the same day; a permit
number of another enterprise; and, while a year is closed, any change of what the permit
says in that year.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, Pollutant
from permits import reliability
from permits.choices import LimitBasis, OutletCategory, unit_for
from permits.models import Limit, Outlet, Permit, PermitRevision

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"


@dataclass
class LimitRow:
    """One limit as entered: a row of the file or of the page's grid (`row` numbers it)."""

    row: int
    outlet: str
    outlet_kind: str
    pollutant: Pollutant
    basis: str
    value: Decimal
    unit: str
    monitoring: str = ""
    category: str = ""  # the outlet's category, where the page gives it

    def snapshot(self, category: str) -> dict:
        return {
            "outlet": self.outlet,
            "outlet_kind": self.outlet_kind,
            "category": category if self.outlet else "",
            "pollutant": self.pollutant.code,
            "basis": self.basis,
            "limit": format(self.value.normalize(), "f"),
            "unit": self.unit,
            "monitoring": self.monitoring,
        }


@dataclass
class PermitData:
    """A permit as entered, whole."""

    number: str
    enterprise: Enterprise
    valid_from: datetime.date
    valid_to: datetime.date
    issuer: str = ""
    limits: list[LimitRow] = field(default_factory=list)
    row: int = 0  # the row (of a file) that names the permit's number and dates


class PermitRefused(Exception):
    """The permit was refused; `problems` are (row, column, message)."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{r} {c}: {m}" for r, c, m in problems))


def check_rows(limits: list[LimitRow]) -> list[tuple[int, str, str]]:
    """The refusals the limits show by themselves."""
    problems = []
    kinds: dict[str, tuple[str, int]] = {}
    seen: dict[tuple, int] = {}
    for limit in limits:
        annual = limit.basis == LimitBasis.ANNUAL_TOTAL
        if annual and limit.outlet:
            problems.append(
                (
                    limit.row,
                    "outlet",
                    _("an annual total is the enterprise's: leave the outlet empty"),
                )
            )
        elif not annual and not limit.outlet:
            problems.append((limit.row, "outlet", _("a concentration limit needs an outlet")))
        if limit.outlet and not limit.outlet_kind:
            problems.append((limit.row, "outlet_kind", _("give the outlet's kind: water or air")))
        if not limit.outlet and limit.outlet_kind:
            problems.append((limit.row, "outlet_kind", _("an outlet kind without an outlet")))
        if annual and limit.monitoring:
            problems.append(
                (
                    limit.row,
                    "monitoring",
                    _("monitoring is required at an outlet, not of an annual total"),
                )
            )
        if limit.outlet and limit.outlet_kind:
            earlier = kinds.setdefault(limit.outlet, (limit.outlet_kind, limit.row))
            if earlier[0] != limit.outlet_kind:
                problems.append(
                    (
                        limit.row,
                        "outlet_kind",
                        _("the outlet %(outlet)s is %(kind)s in row %(row)s")
                        % {"outlet": limit.outlet, "kind": earlier[0], "row": earlier[1]},
                    )
                )
        expected = unit_for(limit.basis, limit.outlet_kind if limit.outlet else None)
        if expected is not None and limit.unit != expected:
            problems.append(
                (
                    limit.row,
                    "unit",
                    _("this limit is given in %(unit)s, not “%(value)s”")
                    % {"unit": expected, "value": limit.unit},
                )
            )
        if limit.value is not None and limit.value <= 0:
            problems.append((limit.row, "limit", _("a limit is greater than zero")))
        key = (limit.outlet, limit.pollutant.pk, limit.basis)
        if key in seen:
            problems.append(
                (
                    limit.row,
                    "basis",
                    _("the same outlet, pollutant and basis as row %(row)s") % {"row": seen[key]},
                )
            )
        else:
            seen[key] = limit.row
    return problems


def closed_years() -> set[int]:
    """The years closed now (their annual forms signed): read from the reports' register by
    name, as this app sits below the reports."""
    closing = apps.get_model("reports", "YearClosing")
    return set(closing.objects.filter(reopened_at__isnull=True).values_list("year", flat=True))


def _years(first: datetime.date, last: datetime.date) -> set[int]:
    return set(range(first.year, last.year + 1))


def check_permit(data: PermitData, existing: Permit | None) -> list[tuple[int, str, str]]:
    """Every refusal of `data` (rows' and the permit's), reading the permits stored."""
    problems = check_rows(data.limits)
    if data.valid_to < data.valid_from:
        problems.append(
            (data.row, "valid_to", _("the last day in force cannot be before the first"))
        )
        return problems
    if existing is not None and existing.enterprise_id != data.enterprise.pk:
        problems.append(
            (
                data.row,
                "permit_no",
                _("the permit number %(number)s is another enterprise's (%(code)s)")
                % {"number": data.number, "code": existing.enterprise.code},
            )
        )
        return problems
    others = Permit.objects.filter(enterprise=data.enterprise)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    overlapping = (
        others.in_force_during(data.valid_from, data.valid_to).order_by("valid_from").first()
    )
    if overlapping is not None:
        problems.append(
            (
                data.row,
                "valid_from",
                _(
                    "the enterprise's permit %(number)s is in force from %(from)s to %(to)s: "
                    "two permits of one enterprise cannot be in force on the same day"
                )
                % {
                    "number": overlapping.number,
                    "from": overlapping.valid_from.isoformat(),
                    "to": overlapping.valid_to.isoformat(),
                },
            )
        )
    if not problems:
        touched = _years(data.valid_from, data.valid_to)
        if existing is not None:
            if snapshot_of(existing) == _snapshot(data, existing):
                return problems
            touched |= _years(existing.valid_from, existing.valid_to)
        closed = sorted(touched & closed_years())
        if closed:
            problems.append(
                (
                    data.row,
                    "permit_no",
                    _(
                        "the permit is in force in the closed year %(year)s: changing it would "
                        "change that year's compliance; the programme office must reopen the "
                        "year first"
                    )
                    % {"year": closed[0]},
                )
            )
    return problems


def _categories(permit: Permit | None) -> dict[str, str]:
    if permit is None or permit.pk is None:
        return {}
    return dict(permit.outlets.values_list("code", "category"))


def _snapshot(data: PermitData, existing: Permit | None) -> dict:
    categories = _categories(existing)
    limits = sorted(
        (
            limit.snapshot(limit.category or categories.get(limit.outlet, OutletCategory.MAIN))
            for limit in data.limits
        ),
        key=_order,
    )
    return {
        "valid_from": data.valid_from.isoformat(),
        "valid_to": data.valid_to.isoformat(),
        "issuer": data.issuer,
        "limits": limits,
    }


def _order(limit: dict) -> tuple:
    # The permit page's order: outlets by code, annual totals last; then pollutant and basis.
    return (limit["outlet"] == "", limit["outlet"], limit["pollutant"], limit["basis"])


def limit_row(limit) -> dict:
    """A limit as a version holds it and the permit's page shows it (its outlet and pollutant
    read already)."""
    return {
        "outlet": limit.outlet.code if limit.outlet_id else "",
        "outlet_kind": limit.outlet.kind if limit.outlet_id else "",
        "category": limit.outlet.category if limit.outlet_id else "",
        "pollutant": limit.pollutant.code,
        "basis": limit.basis,
        "limit": format(limit.value.normalize(), "f"),
        "unit": limit.unit,
        "monitoring": limit.monitoring,
    }


def snapshot_of(permit: Permit) -> dict:
    """What a stored permit says now, as a version holds it."""
    limits = [limit_row(limit) for limit in permit.limits.select_related("outlet", "pollutant")]
    return {
        "valid_from": permit.valid_from.isoformat(),
        "valid_to": permit.valid_to.isoformat(),
        "issuer": permit.issuer,
        "limits": sorted(limits, key=_order),
    }


def write_permit(
    data: PermitData, user=None, source: str = "", permit: Permit | None = None
) -> str:
    """Check and write `data` as the permit's next version (CREATED, UPDATED, or UNCHANGED
    when it says what the permit says already); PermitRefused with every problem.

    `permit` is the record being edited on the page (its number may change); otherwise the
    permit of `data.number`, if any. The enterprise's row is locked first, so that two
    writers cannot each add a permit in force on the same day."""
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=data.enterprise.pk).first()
        if permit is None:
            permit = (
                Permit.objects.select_for_update()
                .select_related("enterprise")
                .filter(number=data.number)
                .first()
            )
        elif permit.number != data.number and Permit.objects.filter(number=data.number).exists():
            raise PermitRefused(
                [(data.row, "permit_no", _("another permit has this number already"))]
            )
        problems = check_permit(data, permit)
        if problems:
            raise PermitRefused(problems)
        snapshot = _snapshot(data, permit)
        if permit is not None and permit.number == data.number and snapshot_of(permit) == snapshot:
            return UNCHANGED
        action = CREATED if permit is None else UPDATED
        # The years whose annual reports are checked against this permit, before and after.
        spans = [(data.valid_from.year, data.valid_to.year)]
        if permit is not None:
            spans.append((permit.valid_from.year, permit.valid_to.year))
        if permit is None:
            permit = Permit(number=data.number, enterprise=data.enterprise)
        else:
            permit.revision += 1
            permit.outlets.all().delete()  # their limits go with them
            permit.limits.all().delete()
        permit.number = data.number
        permit.valid_from, permit.valid_to = data.valid_from, data.valid_to
        permit.issuer = data.issuer
        permit.stamp(user)
        permit.save()
        _write_limits(permit, snapshot["limits"], data)
        PermitRevision.objects.create(
            permit=permit,
            number=permit.revision,
            valid_from=permit.valid_from,
            valid_to=permit.valid_to,
            issuer=permit.issuer,
            limits=snapshot["limits"],
            created_by=user if user is not None and user.is_authenticated else None,
            source=source[:32],
        )
        reliability.refresh_for(
            {
                (permit.enterprise_id, year)
                for first, last in spans
                for year in range(first, last + 1)
            }
        )
        return action


def _write_limits(permit: Permit, limits: list[dict], data: PermitData) -> None:
    pollutants = {limit.pollutant.code: limit.pollutant for limit in data.limits}
    outlets = {}
    for limit in limits:
        if limit["outlet"] and limit["outlet"] not in outlets:
            outlets[limit["outlet"]] = Outlet(
                permit=permit,
                code=limit["outlet"],
                kind=limit["outlet_kind"],
                category=limit["category"] or OutletCategory.MAIN,
            )
    Outlet.objects.bulk_create(outlets.values())
    Limit.objects.bulk_create(
        Limit(
            permit=permit,
            outlet=outlets.get(limit["outlet"]),
            pollutant=pollutants[limit["pollutant"]],
            basis=limit["basis"],
            value=Decimal(limit["limit"]),
            unit=limit["unit"],
            monitoring=limit["monitoring"],
        )
        for limit in limits
    )
