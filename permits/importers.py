"""Importers of permits and monitoring (docs/formats/permits.md, docs/formats/monitoring.md)."""

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from benxi_cp.fields import CodedChoiceField
from benxi_cp.importers import (
    COLUMN_LABELS,
    CREATED,
    UPDATED,
    Importer,
    ImportResult,
    RowInvalid,
    register,
)
from enterprises.models import Enterprise, Pollutant
from permits import issuing
from permits.choices import Frequency, LimitBasis, OutletKind
from permits.models import Permit

# The columns of the permits' and monitoring's formats, by their header.
COLUMN_LABELS.update(
    {
        "permit_no": _("permit number"),
        "valid_from": _("valid from"),
        "valid_to": _("valid to"),
        "outlet": _("outlet"),
        "outlet_kind": _("outlet kind"),
        "limit": _("limit"),
        "monitoring": _("required monitoring"),
        "measured_at": _("measured at"),
        "value": _("value"),
        "below_detection": _("below detection"),
        "method": _("method"),
    }
)

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


@register
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
