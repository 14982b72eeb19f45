"""Importers of permits and monitoring (docs/formats/permits.md, docs/formats/monitoring.md)."""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from benxi_cp.bulk import insert_rows
from benxi_cp.fields import CodedChoiceField, YesNoField
from benxi_cp.formats import Document
from benxi_cp.importers import (
    CREATED,
    UPDATED,
    Column,
    Importer,
    ImportResult,
    RowInvalid,
)
from benxi_cp.validators import DATE_MESSAGE, in_range
from enterprises.models import Enterprise, Pollutant
from permits import issuing, reliability
from permits.choices import (
    CONCENTRATION_BASES,
    CONCENTRATION_UNITS,
    Frequency,
    LimitBasis,
    Method,
    OutletKind,
)
from permits.models import MonitoringValue, Permit

DATE_FIELD = forms.DateField(input_formats=["%Y-%m-%d"])
LIMIT_FIELD = forms.DecimalField(max_digits=14, decimal_places=4)
KIND_FIELD = CodedChoiceField(choices_class=OutletKind, required=False)
BASIS_FIELD = CodedChoiceField(choices_class=LimitBasis)
MONITORING_FIELD = CodedChoiceField(choices_class=Frequency, required=False)
HEADER = ("enterprise_code", "valid_from", "valid_to")


def _clean(field: forms.Field, column: str, text: str, problems: list):
    try:
        return field.clean(text)
    except forms.ValidationError as error:
        problems.extend((column, message) for message in error.messages)
        return None


def unknown_enterprise(code: str) -> str:
    return gettext("no enterprise with the code “%(code)s” in the register") % {"code": code}


def unknown_pollutant(value: str, catalogue: Iterable[str]) -> str:
    return gettext("unknown pollutant “%(value)s”; the catalogue has %(codes)s") % {
        "value": value,
        "codes": ", ".join(catalogue),
    }


class PermitImporter(Importer):
    """docs/formats/permits.md: one row per limit; the rows of one permit number make up one
    permit, written whole as its next version (permits/issuing.py)."""

    kind = "permits"
    label = _("discharge permits")
    permissions = ("permits.add_permit", "permits.change_permit")
    columns = {
        "permit_no": True,
        "enterprise_code": True,
        "valid_from": True,
        "valid_to": True,
        "outlet": False,
        "outlet_kind": False,
        "pollutant": True,
        "basis": True,
        "limit": True,
        "unit": True,
        "monitoring": False,
    }
    # Rows are checked and queued; finish() writes each permit whole.
    row_savepoints = False

    def cell_fields(self) -> dict[str, forms.Field]:
        return {
            "valid_from": DATE_FIELD,
            "valid_to": DATE_FIELD,
            "outlet_kind": KIND_FIELD,
            "pollutant": forms.ChoiceField(
                choices=[(code, code) for code in Pollutant.objects.values_list("code", flat=True)]
            ),
            "basis": BASIS_FIELD,
            "limit": LIMIT_FIELD,
            "monitoring": MONITORING_FIELD,
        }

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        codes = {values.get("enterprise_code", "").strip() for values in rows} - {""}
        self.enterprises = Enterprise.objects.in_bulk(codes, field_name="code")
        self.pollutants = {p.code: p for p in Pollutant.objects.all()}
        self.permits: dict[str, issuing.PermitData] = {}
        self.headers: dict[str, tuple[tuple, int]] = {}
        numbers = {values.get("permit_no", "").strip() for values in rows} - {""}
        self.stored = set(
            Permit.objects.filter(number__in=numbers).values_list("number", flat=True)
        )

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        problems: list[tuple[str, str]] = []
        permit_no = values.get("permit_no", "").strip()
        if not permit_no:
            problems.append(("permit_no", gettext("a permit needs a number")))
        elif len(permit_no) > 40:
            problems.append(("permit_no", gettext("a permit number has at most 40 characters")))
        code = values.get("enterprise_code", "").strip()
        enterprise = self.enterprises.get(code)
        if enterprise is None:
            problems.append(("enterprise_code", unknown_enterprise(code)))
        valid_from = _clean(
            DATE_FIELD, "valid_from", values.get("valid_from", "").strip(), problems
        )
        valid_to = _clean(DATE_FIELD, "valid_to", values.get("valid_to", "").strip(), problems)
        for column, day in (("valid_from", valid_from), ("valid_to", valid_to)):
            if day is not None and not in_range(day.year):
                problems.append((column, str(DATE_MESSAGE)))
        if valid_from and valid_to and valid_to < valid_from:
            problems.append(
                ("valid_to", gettext("the last day in force cannot be before the first"))
            )
        outlet = values.get("outlet", "").strip().upper()
        if len(outlet) > 16:
            problems.append(("outlet", gettext("an outlet code has at most 16 characters")))
        kind = _clean(KIND_FIELD, "outlet_kind", values.get("outlet_kind", ""), problems)
        pollutant_code = values.get("pollutant", "").strip().upper()
        pollutant = self.pollutants.get(pollutant_code)
        if pollutant is None:
            problems.append(
                ("pollutant", unknown_pollutant(values.get("pollutant", ""), self.pollutants))
            )
        basis = _clean(BASIS_FIELD, "basis", values.get("basis", ""), problems)
        value = _clean(LIMIT_FIELD, "limit", values.get("limit", "").strip(), problems)
        if value is not None and value <= 0:
            problems.append(("limit", gettext("a limit is greater than zero")))
        unit = values.get("unit", "").strip()
        if not unit:
            problems.append(("unit", gettext("give the limit's unit")))
        monitoring = _clean(MONITORING_FIELD, "monitoring", values.get("monitoring", ""), problems)
        if problems:
            raise RowInvalid(problems)
        limit = issuing.LimitRow(
            row=number,
            outlet=outlet,
            outlet_kind=kind or "",
            pollutant=pollutant,
            basis=basis,
            value=value,
            unit=unit,
            monitoring=monitoring or "",
        )
        row_problems = [(column, message) for _row, column, message in issuing.check_rows([limit])]
        header = (code, valid_from, valid_to)
        given = self.headers.get(permit_no)
        if given is not None and given[0] != header:
            for column, mine, theirs in zip(HEADER, header, given[0], strict=True):
                if mine != theirs:
                    row_problems.append(
                        (
                            column,
                            gettext("differs from row %(row)s of the same permit (%(value)s)")
                            % {"row": given[1], "value": theirs},
                        )
                    )
        if row_problems:
            raise RowInvalid(row_problems)
        if given is None:
            self.headers[permit_no] = (header, number)
            self.permits[permit_no] = issuing.PermitData(
                number=permit_no,
                enterprise=enterprise,
                valid_from=valid_from,
                valid_to=valid_to,
                row=number,
            )
        self.permits[permit_no].limits.append(limit)
        where = outlet or gettext("annual total")
        label = f"{permit_no} {where} {pollutant.code} {value.normalize():f} {unit}"
        return (UPDATED if permit_no in self.stored else CREATED), label

    def finish(self, result: ImportResult) -> None:
        """Write each permit whole; every refusal of the whole file is reported."""
        stored = {p.number: p for p in Permit.objects.filter(number__in=list(self.permits))}
        for number, data in self.permits.items():
            existing = stored.get(number)
            # The format has no issuer: a permit imported again keeps the one it has.
            data.issuer = existing.issuer if existing is not None else ""
            try:
                issuing.write_permit(data, self.user, source=self.kind)
            except issuing.PermitRefused as refused:
                for row, column, message in refused.problems:
                    result.add(row, column, message)


# -- monitoring -------------------------------------------------------------------------------
_PLAIN_DECIMAL = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,4})?").fullmatch
VALUE_FIELD = forms.DecimalField(max_digits=14, decimal_places=4)
BELOW_FIELD = YesNoField(default=False, required=False)
METHOD_FIELD = CodedChoiceField(choices_class=Method, required=False)
MONITORING_BASIS_FIELD = forms.ChoiceField(
    choices=[(b.value, b.label) for b in CONCENTRATION_BASES]
)
VALUE_COLUMNS = [
    "enterprise_id",
    "outlet",
    "pollutant_id",
    "basis",
    "measured_on",
    "hour",
    "value",
    "below_detection",
    "method",
]
WRITE_BATCH = 20_000  # new values written at a time: memory stays flat
_METHODS = set(Method.values)
_BASES = {b.value: b.value for b in CONCENTRATION_BASES}


class _PermitDays:
    """An enterprise's permits as the monitoring import reads them: for each, its days in
    force and its outlets with their kind and the pollutants limited there."""

    def __init__(self):
        self.permits: list[tuple[datetime.date, datetime.date, dict[str, tuple[str, set]]]] = []

    def on(self, day: datetime.date):
        for first, last, outlets in self.permits:
            if first <= day <= last:
                return outlets
        return None


class MonitoringImporter(Importer):
    """docs/formats/monitoring.md: one row per value. A value of the same enterprise, outlet,
    pollutant, basis and time as a stored one replaces it; a file of 100,000 rows is checked
    and written in a few bulk statements (the import page runs a large one in the
    background, with its progress)."""

    kind = "monitoring"
    label = _("monitoring values")
    permissions = ("permits.add_monitoringvalue", "permits.change_monitoringvalue")
    columns = {
        "enterprise_code": True,
        "outlet": True,
        "pollutant": True,
        "measured_at": True,
        "basis": True,
        "value": True,
        "unit": False,
        "below_detection": False,
        "method": False,
    }
    see_also = ("permits",)
    row_savepoints = False

    def cell_fields(self) -> dict[str, forms.Field]:
        return {
            "basis": MONITORING_BASIS_FIELD,
            "value": VALUE_FIELD,
            "unit": forms.ChoiceField(choices=[(u, u) for u in CONCENTRATION_UNITS.values()]),
            "below_detection": BELOW_FIELD,
            "method": METHOD_FIELD,
        }

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        codes = set()
        first = last = None
        for values in rows:
            codes.add(values.get("enterprise_code", "").strip())
            day = _day(values.get("measured_at", ""))
            if day is not None:
                first = day if first is None or day < first else first
                last = day if last is None or day > last else last
        codes.discard("")
        self.enterprises = Enterprise.objects.in_bulk(codes, field_name="code")
        self.pollutants = {p.code: p for p in Pollutant.objects.all()}
        self.permit_days: dict[int, _PermitDays] = defaultdict(_PermitDays)
        permits = (
            Permit.objects.filter(enterprise__in=self.enterprises.values())
            .prefetch_related("outlets", "limits")
            .order_by("valid_from")
        )
        for permit in permits:
            outlets = {o.pk: (o.code, o.kind, set()) for o in permit.outlets.all()}
            for limit in permit.limits.all():
                if limit.outlet_id:
                    outlets[limit.outlet_id][2].add(limit.pollutant_id)
            self.permit_days[permit.enterprise_id].permits.append(
                (
                    permit.valid_from,
                    permit.valid_to,
                    {code: (kind, limited) for code, kind, limited in outlets.values()},
                )
            )
        self.closed = issuing.closed_years()
        self.stored: dict[tuple, tuple] = {}
        if first is not None and self.enterprises:
            stored = MonitoringValue.objects.filter(
                enterprise__in=self.enterprises.values(),
                measured_on__gte=first,
                measured_on__lte=last,
            ).values_list("pk", *VALUE_COLUMNS[:6], "value", "below_detection", "method")
            for pk, enterprise, outlet, pollutant, basis, day, hour, *rest in stored.iterator(
                chunk_size=10_000
            ):
                self.stored[(enterprise, outlet, pollutant, basis, day, hour)] = (pk, *rest)
        self.seen: dict[tuple, int] = {}
        self.new: list[tuple] = []
        self.changed: list[MonitoringValue] = []
        self.now = timezone.now()

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        problems: list[tuple[str, str]] = []
        code = values.get("enterprise_code", "").strip()
        enterprise = self.enterprises.get(code)
        if enterprise is None:
            problems.append(("enterprise_code", unknown_enterprise(code)))
        basis = _BASES.get(values.get("basis", "").strip())
        if basis is None:
            basis = _clean(MONITORING_BASIS_FIELD, "basis", values.get("basis", ""), problems)
        measured_at = values.get("measured_at", "").strip()
        day, hour = _moment(measured_at, basis, problems)
        text = values.get("value", "").strip()
        if _PLAIN_DECIMAL(text):
            value = Decimal(text)
        else:
            value = _clean(VALUE_FIELD, "value", text, problems)
            if value is not None and value < 0:
                problems.append(("value", gettext("a concentration cannot be negative")))
        below = values.get("below_detection", "").strip().lower()
        if below in ("", "no"):
            below = False
        elif below == "yes":
            below = True
        else:
            below = _clean(BELOW_FIELD, "below_detection", below, problems)
        method = values.get("method", "").strip() or Method.MANUAL
        if method not in _METHODS:
            method = _clean(METHOD_FIELD, "method", method, problems)
        outlet = values.get("outlet", "").strip().upper()
        pollutant_code = values.get("pollutant", "").strip().upper()
        pollutant = self.pollutants.get(pollutant_code)
        if pollutant is None:
            problems.append(
                ("pollutant", unknown_pollutant(values.get("pollutant", ""), self.pollutants))
            )
        if day is not None and not in_range(day.year):
            problems.append(("measured_at", str(DATE_MESSAGE)))
            day = None
        if enterprise is not None and day is not None:
            outlets = self.permit_days[enterprise.pk].on(day)
            if outlets is None:
                problems.append(
                    (
                        "measured_at",
                        gettext("the enterprise has no permit in force on %(day)s")
                        % {"day": day.isoformat()},
                    )
                )
            elif outlet not in outlets:
                problems.append(
                    (
                        "outlet",
                        gettext(
                            "the permit in force on %(day)s has no outlet “%(outlet)s”; it has "
                            "%(outlets)s"
                        )
                        % {
                            "day": day.isoformat(),
                            "outlet": outlet,
                            "outlets": ", ".join(sorted(outlets)) or "—",
                        },
                    )
                )
            else:
                kind, limited = outlets[outlet]
                if pollutant is not None and pollutant.pk not in limited:
                    problems.append(
                        (
                            "pollutant",
                            gettext("the permit sets no limit of %(pollutant)s at %(outlet)s")
                            % {"pollutant": pollutant.code, "outlet": outlet},
                        )
                    )
                unit = values.get("unit", "").strip()
                if unit and unit != CONCENTRATION_UNITS[kind]:
                    problems.append(
                        (
                            "unit",
                            gettext("the outlet %(outlet)s measures in %(unit)s, not “%(value)s”")
                            % {"outlet": outlet, "unit": CONCENTRATION_UNITS[kind], "value": unit},
                        )
                    )
            if day.year in self.closed:
                problems.append(
                    (
                        "measured_at",
                        gettext(
                            "the year %(year)s is closed: its values cannot change until the "
                            "programme office reopens it"
                        )
                        % {"year": day.year},
                    )
                )
        if problems:
            raise RowInvalid(problems)
        key = (enterprise.pk, outlet, pollutant.pk, basis, day, hour)
        earlier = self.seen.get(key)
        if earlier is not None:
            raise RowInvalid(
                [
                    (
                        "measured_at",
                        gettext(
                            "the same enterprise, outlet, pollutant, basis and time as row %(row)s"
                        )
                        % {"row": earlier},
                    )
                ]
            )
        self.seen[key] = number
        stored = self.stored.get(key)
        if stored is None:
            self.new.append((*key, value, below, method))
            action = CREATED
        else:
            if tuple(stored[1:]) != (value, below, method):
                changed = MonitoringValue(pk=stored[0], value=value)
                changed.below_detection, changed.method = below, method
                self.changed.append(changed)
            action = UPDATED
        return action, f"{code} {outlet} {pollutant.code} {measured_at} {value}"

    def finish(self, result: ImportResult) -> None:
        user = self.user if self.user and self.user.is_authenticated else None
        constants = {
            "created": self.now,
            "updated": self.now,
            "created_by_id": user.pk if user else None,
            "updated_by_id": user.pk if user else None,
        }
        for start in range(0, len(self.new), WRITE_BATCH):
            insert_rows(
                MonitoringValue,
                VALUE_COLUMNS,
                self.new[start : start + WRITE_BATCH],
                constants=constants,
            )
        for value in self.changed:
            value.updated, value.updated_by = self.now, user
        MonitoringValue.objects.bulk_update(
            self.changed,
            ["value", "below_detection", "method", "updated", "updated_by"],
            batch_size=1000,
        )
        if self.new or self.changed:
            # The annual reports of these enterprises and years are checked against their
            # monitoring (permits/reliability.py): their flags follow it.
            reliability.refresh_for({(key[0], key[4].year) for key in self.seen})


def _day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _moment(
    text: str, basis: str | None, problems: list
) -> tuple[datetime.date | None, int | None]:
    """The day and hour of `measured_at` for its basis: `YYYY-MM-DD` for a daily mean,
    `YYYY-MM-DD HH:MM` (the hour it starts, minutes 00) for an hourly mean."""
    if basis is None:
        return _day(text), None
    if basis == LimitBasis.DAILY_MEAN:
        if len(text) == 10:
            try:
                return datetime.date.fromisoformat(text), None
            except ValueError:
                pass
        problems.append(("measured_at", gettext("a daily mean is measured on a day: YYYY-MM-DD")))
        return None, None
    if len(text) == 16 and text[10] == " " and text[13] == ":":
        try:
            day = datetime.date.fromisoformat(text[:10])
            hour, minute = int(text[11:13]), int(text[14:16])
        except ValueError:
            pass
        else:
            if 0 <= hour <= 23 and minute == 0:
                return day, hour
    problems.append(
        (
            "measured_at",
            gettext("an hourly mean is measured in an hour: YYYY-MM-DD HH:00, the hour it starts"),
        )
    )
    return None, None


# Registered by the app's ready(): the importers (registry.importers), the columns of their
# formats that no other app's format names (registry.import_columns), and the documents of
# the formats, served as pages (registry.format_documents).
IMPORTERS = (PermitImporter, MonitoringImporter)
COLUMNS = (
    Column("permit_no", _("permit number")),
    Column("valid_from", _("valid from")),
    Column("valid_to", _("valid to")),
    Column("outlet", _("outlet")),
    Column("outlet_kind", _("outlet kind")),
    Column("limit", _("limit")),
    Column("monitoring", _("required monitoring")),
    Column("measured_at", _("measured at")),
    Column("value", _("value")),
    Column("below_detection", _("below detection")),
    Column("method", _("method")),
    # The register's discharge format has a `basis` too: the figure's data source.
    Column("basis", pgettext_lazy("averaging", "basis"), kind="permits"),
    Column("basis", pgettext_lazy("averaging", "basis"), kind="monitoring"),
)
DOCUMENTS = (
    Document("permits", 90),
    Document("monitoring", 91),
    Document("compliance-summary", 92),
)
