"""Importers of the programme office's registers (benxi_cp/importers.py machinery)."""

# Environmental investment ----------------------------------------------------------------
from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benxi_cp.importers import CREATED, UPDATED, Importer, RowInvalid, form_problems, register
from enterprises.models import Enterprise
from programme.choices import InvestmentStatus
from programme.forms_investment import FIELDS, InvestmentRowForm
from programme.models import EnvironmentalInvestment


def _row_data(values: dict[str, str], instance, header: list[str]) -> dict:
    """The row as form data; on update, columns the file leaves out keep their stored values."""
    if instance is None:
        return values
    stored = forms.model_to_dict(instance, fields=[f for f in FIELDS if f not in header])
    return {**{k: ("" if v is None else v) for k, v in stored.items()}, **values}


@register
class EnvironmentalInvestmentImporter(Importer):
    """docs/formats/environmental-investment.md: one row per project of an enterprise and
    year; (enterprise_code, year, project) identifies it, an existing one is updated."""

    kind = "environmental-investment"
    label = gettext_lazy("environmental investment")
    permissions = (
        "programme.add_environmentalinvestment",
        "programme.change_environmentalinvestment",
    )
    columns = {
        "enterprise_code": True,
        "year": True,
        "project": True,
        "category": True,
        "amount_10k_yuan": True,
        "source": True,
        "status": False,
        "note": False,
    }

    def cell_fields(self) -> dict[str, forms.Field]:
        return dict(InvestmentRowForm.base_fields)

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        codes = {values.get("enterprise_code", "").strip() for values in rows} - {""}
        self.enterprises = Enterprise.objects.in_bulk(codes, field_name="code") if codes else {}
        stored = EnvironmentalInvestment.objects.filter(enterprise__in=self.enterprises.values())
        if self.user is not None:
            stored = stored.for_user(self.user)
        self.existing = {
            (row.enterprise_id, row.year, row.project.casefold()): row
            for row in stored.select_related("enterprise")
        }
        self.seen: dict[tuple, int] = {}

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        code = values.get("enterprise_code", "").strip()
        enterprise = self.enterprises.get(code)
        problems = []
        if enterprise is None:
            problems.append(
                ("enterprise_code", _("no enterprise with code “%(code)s”") % {"code": code})
            )
        year = values.get("year", "").strip()
        project = " ".join(values.get("project", "").split())
        key = (enterprise.pk if enterprise else code, year, project.casefold())
        if key in self.seen:
            problems.append(
                (
                    "project",
                    _("duplicate of row %(row)s in this file") % {"row": self.seen[key]},
                )
            )
        self.seen.setdefault(key, number)
        instance = None
        if enterprise is not None and year.isdigit():
            instance = self.existing.get((enterprise.pk, int(year), project.casefold()))
        if instance is None and not values.get("status", "").strip():
            values = {**values, "status": InvestmentStatus.COMPLETED}
        form = InvestmentRowForm(
            data=_row_data(values, instance, self.header),
            instance=instance or EnvironmentalInvestment(enterprise=enterprise),
        )
        if not form.is_valid():
            problems.extend(form_problems(form))
        if problems:
            raise RowInvalid(problems)
        investment = form.save(commit=False)
        investment.stamp(self.user)
        investment.save()
        return (UPDATED if instance else CREATED), str(investment)
