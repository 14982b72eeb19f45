from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from benxi_cp.fields import CodedChoiceField
from benxi_cp.importers import (
    CREATED,
    UPDATED,
    Importer,
    ImportResult,
    ModelFormImporter,
    RowInvalid,
    register,
)
from enterprises.choices import Basis, ReportStatus
from enterprises.forms import EnterpriseImportForm
from enterprises.models import (
    DischargeReport,
    DischargeValue,
    Enterprise,
    Pollutant,
    parse_period,
    period_code,
)
from enterprises.reliability import refresh_reports


@register
class EnterpriseImporter(ModelFormImporter):
    """shared/formats/enterprises.md: one row per enterprise; an existing code updates it."""

    kind = "enterprises"
    label = _("enterprises")
    model = Enterprise
    form_class = EnterpriseImportForm
    key = "code"
    permissions = ("enterprises.add_enterprise", "enterprises.change_enterprise")
    columns = {
        "code": True,
        "name": True,
        "name_en": False,
        "sector": True,
        "district": False,
        "ownership": False,
        "size": False,
        "state_large_medium": True,
        "employees": False,
        "address": False,
        "contact_person": False,
        "phone": False,
    }


@register
class DischargeImporter(Importer):
    """shared/formats/discharge.md: one row per enterprise, period and pollutant.

    The rows of one enterprise and period make up one report. A report the file creates
    comes in as submitted (the enterprise has handed it to the EPB), for the EPB to verify;
    an existing draft, submitted or returned report keeps its status and gets the file's
    values added or updated. Rows that touch a verified (locked) report are refused. After
    the last row the reliability checks run over every report the file touched.
    """

    kind = "discharge"
    label = _("discharge reports")
    permissions = (
        "enterprises.add_dischargereport",
        "enterprises.change_dischargereport",
        "enterprises.add_dischargevalue",
        "enterprises.change_dischargevalue",
    )
    columns = {
        "enterprise_code": True,
        "year": True,
        "period": False,
        "pollutant": True,
        "amount": True,
        "unit": False,
        "basis": False,
        "output_10k_yuan": False,
    }

    def prepare(self, rows: list[dict[str, str]]) -> None:
        codes = {values.get("enterprise_code", "").strip() for values in rows} - {""}
        self.enterprises = Enterprise.objects.in_bulk(codes, field_name="code")
        self.pollutants = {p.code: p for p in Pollutant.objects.all()}
        years = {v.get("year", "").strip() for v in rows}
        self.reports = {
            (r.enterprise_id, r.year, r.period_kind, r.period_number): r
            for r in DischargeReport.objects.filter(
                enterprise__in=self.enterprises.values(),
                year__in=[int(y) for y in years if y.isdigit() and len(y) <= 4],
            ).select_related("enterprise")
        }
        self.values: dict[int, dict[int, DischargeValue]] = {}
        self.seen: dict[tuple, int] = {}
        self.outputs: dict[tuple, tuple] = {}
        self.touched: set[int] = set()
        self.now = timezone.now()

    def _parse(self, values: dict[str, str]) -> dict:
        problems = []
        parsed = {}
        code = values.get("enterprise_code", "").strip()
        parsed["enterprise"] = self.enterprises.get(code)
        if parsed["enterprise"] is None:
            problems.append(
                (
                    "enterprise_code",
                    gettext("no enterprise with the code “%(code)s” in the register")
                    % {"code": code},
                )
            )
        year_field = forms.IntegerField(min_value=1949, max_value=2100)
        try:
            parsed["year"] = year_field.clean(values.get("year", "").strip())
        except forms.ValidationError as error:
            problems.extend(("year", message) for message in error.messages)
        period = parse_period(values.get("period", ""))
        if period is None:
            problems.append(
                (
                    "period",
                    gettext("“%(value)s” is not a period: leave empty or use Y, Q1–Q4, M01–M12")
                    % {"value": values.get("period", "")},
                )
            )
        else:
            parsed["kind"], parsed["number"] = period
        pollutant_code = values.get("pollutant", "").strip().upper()
        parsed["pollutant"] = self.pollutants.get(pollutant_code)
        if parsed["pollutant"] is None:
            problems.append(
                (
                    "pollutant",
                    gettext("unknown pollutant “%(value)s”; the catalogue has %(codes)s")
                    % {"value": values.get("pollutant", ""), "codes": ", ".join(self.pollutants)},
                )
            )
        amount_field = forms.DecimalField(max_digits=16, decimal_places=4)
        try:
            parsed["amount"] = amount_field.clean(values.get("amount", "").strip())
            if parsed["amount"] < 0:
                problems.append(("amount", gettext("an amount cannot be negative")))
        except forms.ValidationError as error:
            problems.extend(("amount", message) for message in error.messages)
        unit = " ".join(values.get("unit", "").split())
        pollutant = parsed["pollutant"]
        if unit and pollutant is not None and unit.casefold() != pollutant.unit.casefold():
            problems.append(
                (
                    "unit",
                    gettext("%(pollutant)s is reported in %(unit)s, not “%(value)s”")
                    % {"pollutant": pollutant.code, "unit": pollutant.unit, "value": unit},
                )
            )
        try:
            parsed["basis"] = (
                CodedChoiceField(choices_class=Basis, required=False).clean(values.get("basis", ""))
                or Basis.ESTIMATED
            )
        except forms.ValidationError as error:
            problems.extend(("basis", message) for message in error.messages)
        output_field = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
        try:
            parsed["output"] = output_field.clean(values.get("output_10k_yuan", "").strip())
            if parsed["output"] is not None and parsed["output"] < 0:
                problems.append(("output_10k_yuan", gettext("the output value cannot be negative")))
        except forms.ValidationError as error:
            problems.extend(("output_10k_yuan", message) for message in error.messages)
        if problems:
            raise RowInvalid(problems)
        return parsed

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        row = self._parse(values)
        enterprise, pollutant = row["enterprise"], row["pollutant"]
        key = (enterprise.pk, row["year"], row["kind"], row["number"])
        label = f"{enterprise.code} {row['year']} {period_code(row['kind'], row['number'])}"
        earlier = self.seen.get((key, pollutant.code))
        if earlier is not None:
            raise RowInvalid(
                [
                    (
                        "pollutant",
                        gettext(
                            "%(pollutant)s appears twice in the report %(report)s (row %(row)s)"
                        )
                        % {"pollutant": pollutant.code, "report": label, "row": earlier},
                    )
                ]
            )
        given = self.outputs.get(key)
        if row["output"] is not None and given is not None and given[0] != row["output"]:
            raise RowInvalid(
                [
                    (
                        "output_10k_yuan",
                        gettext("differs from row %(row)s of the same report (%(value)s)")
                        % {"row": given[1], "value": given[0]},
                    )
                ]
            )
        report = self.reports.get(key)
        if report is not None and report.is_locked:
            raise RowInvalid(
                [
                    (
                        "period",
                        gettext(
                            "the report %(report)s is verified and locked; an administrator "
                            "must unlock it first"
                        )
                        % {"report": label},
                    )
                ]
            )
        if report is None:
            report = DischargeReport(
                enterprise=enterprise,
                year=row["year"],
                period_kind=row["kind"],
                period_number=row["number"],
                status=ReportStatus.SUBMITTED,
                submitted_at=self.now,
                submitted_by=self.user if self.user and self.user.is_authenticated else None,
                output_10k_yuan=row["output"],
            )
            report.stamp(self.user)
            report.save()
            stored_values = {}
        else:
            if row["output"] is not None and report.output_10k_yuan != row["output"]:
                report.output_10k_yuan = row["output"]
                report.stamp(self.user)
                report.save()
            stored_values = self.values.get(report.pk)
            if stored_values is None:
                stored_values = {v.pollutant_id: v for v in report.values.all()}
        value = stored_values.get(pollutant.pk)
        if value is None:
            value = DischargeValue.objects.create(
                report=report, pollutant=pollutant, amount=row["amount"], basis=row["basis"]
            )
            action = CREATED
        else:
            if (value.amount, value.basis) != (row["amount"], row["basis"]):
                value.amount, value.basis = row["amount"], row["basis"]
                value.save()
            action = UPDATED
        # Only now that the row is written: a refused row leaves no trace in these caches.
        stored_values[pollutant.pk] = value
        self.values[report.pk] = stored_values
        self.reports[key] = report
        self.seen[(key, pollutant.code)] = number
        if row["output"] is not None:
            self.outputs[key] = (row["output"], number)
        self.touched.add(report.pk)
        return action, f"{label} {pollutant.code} {row['amount']} {pollutant.unit}"

    def finish(self, result: ImportResult) -> None:
        refresh_reports(self.touched)
