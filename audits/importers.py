"""Importers of docs/formats/audits.md and options.md, on the shared machinery.

Every rule of the models is checked on each row (the forms run the models' validation),
so a file cannot record what the pages would refuse; the machinery makes it all or nothing.
That includes the audit rules: steps 3, 4 and 5 complete only with what they produce, a
medium/high-fee option is feasible or implemented only with its feasibility analysis, and
an accepted audit is locked.
"""

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.choices import AcceptingBody, Aspect, FeeClass, OptionStatus, Verdict
from audits.models import Audit, Option
from audits.services import set_reductions, set_steps_completed
from benxi_cp.fields import CodedChoiceField, YesNoField
from benxi_cp.importers import (
    COLUMN_PREFIXES,
    CREATED,
    UPDATED,
    Importer,
    ImportResult,
    RowInvalid,
    form_problems,
    register,
)
from enterprises.models import Enterprise, Pollutant

REDUCTION_PREFIX = "reduction_"


def reduction_column_name(code: str) -> str:
    """How an import error names a "reduction_<CODE>" column: by its pollutant's name."""
    pollutant = Pollutant.objects.filter(code=code.upper()).only("name", "name_en").first()
    name = pollutant.display_name if pollutant is not None else code.upper()
    return _("annual reduction of %(pollutant)s") % {"pollutant": name}


COLUMN_PREFIXES[REDUCTION_PREFIX] = reduction_column_name


def row_data(values: dict[str, str], instance, header: list[str], fields) -> dict:
    """The row as form data; on update, columns the file leaves out keep their stored values
    (so the models' rules still see, and name, every field)."""
    if instance is None:
        return values
    stored = forms.model_to_dict(instance, fields=[f for f in fields if f not in header])
    return {**{k: ("" if v is None else v) for k, v in stored.items()}, **values}


class AuditImportForm(forms.ModelForm):
    """One row of docs/formats/audits.md."""

    steps_completed = forms.IntegerField(min_value=0, max_value=8)
    assessment = CodedChoiceField(choices_class=Verdict, required=False)
    acceptance = CodedChoiceField(choices_class=Verdict, required=False)
    accepted_by = CodedChoiceField(choices_class=AcceptingBody, required=False)
    demonstration = YesNoField(default=False)

    class Meta:
        model = Audit
        fields = [
            "ref",
            "started_on",
            "steps_completed",
            "focus",
            "assessment",
            "assessed_on",
            "assessment_score",
            "acceptance",
            "accepted_by",
            "accepted_on",
            "demonstration",
        ]

    def clean_ref(self) -> str:
        return self.cleaned_data["ref"].strip()


@register
class AuditImporter(Importer):
    """One row per audit; an existing ref updates it, and its steps follow steps_completed."""

    kind = "audits"
    label = gettext_lazy("CP audits")
    permissions = ("audits.add_audit", "audits.change_audit", "audits.assess_audit")
    columns = {
        "ref": True,
        "enterprise_code": True,
        "started_on": True,
        "steps_completed": True,
        "focus": False,
        "assessment": False,
        "assessed_on": False,
        "assessment_score": False,
        "acceptance": False,
        "accepted_by": False,
        "accepted_on": False,
        "demonstration": False,
    }

    def cell_fields(self) -> dict[str, forms.Field]:
        return dict(AuditImportForm.base_fields)

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        refs = {values.get("ref", "").strip() for values in rows} - {""}
        codes = {values.get("enterprise_code", "").strip() for values in rows} - {""}
        audits = Audit.objects.all() if self.user is None else Audit.objects.for_user(self.user)
        self.existing = audits.in_bulk(refs, field_name="ref") if refs else {}
        self.enterprises = Enterprise.objects.in_bulk(codes, field_name="code") if codes else {}
        self.seen: dict[str, int] = {}

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        ref = values.get("ref", "").strip()
        if ref in self.seen:
            raise RowInvalid(
                [("ref", _("duplicate of row %(row)s in this file") % {"row": self.seen[ref]})]
            )
        if ref:
            self.seen[ref] = number
        problems = []
        code = values.get("enterprise_code", "").strip()
        enterprise = self.enterprises.get(code)
        if enterprise is None:
            problems.append(
                ("enterprise_code", _("no enterprise with code “%(code)s”") % {"code": code})
            )
        instance = self.existing.get(ref)
        if instance is None and ref and Audit.objects.filter(ref=ref).exists():
            # Another auditor's audit: refused without saying whose it is.
            problems.append(("ref", _("this reference is already used")))
        fields = AuditImportForm._meta.fields
        form = AuditImportForm(
            data=row_data(values, instance, self.header, fields), instance=instance
        )
        if enterprise is not None:
            form.instance.enterprise = enterprise
        if not form.is_valid():
            problems.extend(form_problems(form))
        if problems:
            raise RowInvalid(problems)
        audit = form.save(commit=False)
        audit.stamp(self.user)
        if instance is not None:
            # The steps first: once the row says "accepted", the audit is locked.
            set_steps_completed(audit, audit.steps_completed)
        audit.save()
        return (UPDATED if instance else CREATED), f"{audit.ref} {audit.enterprise.code}"


class OptionImportForm(forms.ModelForm):
    """One row of docs/formats/options.md, without its reductions."""

    aspect = CodedChoiceField(choices_class=Aspect)
    fee_class = CodedChoiceField(choices_class=FeeClass)
    status = CodedChoiceField(choices_class=OptionStatus)

    class Meta:
        model = Option
        fields = [
            "code",
            "title",
            "aspect",
            "fee_class",
            "status",
            "investment_10k_yuan",
            "annual_benefit_10k_yuan",
            "actual_investment_10k_yuan",
            "actual_annual_benefit_10k_yuan",
            "implemented_on",
        ]

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class ReductionField(forms.DecimalField):
    def __init__(self):
        super().__init__(required=False, min_value=0, max_digits=16, decimal_places=4)


@register
class OptionImporter(Importer):
    """One row per option; (audit_ref, code) identifies it, reduction_<CODE> columns its
    annual reductions (an empty cell leaves that pollutant as it is)."""

    kind = "options"
    label = gettext_lazy("CP options")
    permissions = ("audits.add_option", "audits.change_option")
    columns = {
        "audit_ref": True,
        "code": True,
        "title": True,
        "aspect": True,
        "fee_class": True,
        "status": True,
        "investment_10k_yuan": False,
        "annual_benefit_10k_yuan": False,
        "actual_investment_10k_yuan": False,
        "actual_annual_benefit_10k_yuan": False,
        "implemented_on": False,
    }

    def accepts_column(self, name: str) -> bool:
        return name in self.columns or name.startswith(REDUCTION_PREFIX)

    def template_columns(self) -> list[str]:
        """The columns, then a reduction column for each pollutant of the catalogue."""
        codes = Pollutant.objects.values_list("code", flat=True)
        return [*self.columns, *(REDUCTION_PREFIX + code for code in codes)]

    def cell_fields(self) -> dict[str, forms.Field]:
        return dict(OptionImportForm.base_fields)

    def check_header(self, header: list[str], result: ImportResult) -> None:
        super().check_header(header, result)
        self.pollutants = {p.code: p for p in Pollutant.objects.all()}
        for name in header:
            if name.startswith(REDUCTION_PREFIX):
                code = name[len(REDUCTION_PREFIX) :].upper()
                if code not in self.pollutants:
                    result.add(
                        1,
                        name,
                        _("the pollutant catalogue has no code “%(code)s”") % {"code": code},
                    )

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        refs = {values.get("audit_ref", "").strip() for values in rows} - {""}
        audits = Audit.objects.all() if self.user is None else Audit.objects.for_user(self.user)
        self.audits = audits.in_bulk(refs, field_name="ref") if refs else {}
        self.existing = {
            (option.audit.ref, option.code): option
            for option in Option.objects.filter(audit__in=self.audits.values())
            .select_related("audit", "feasibility")
            .prefetch_related("reductions")
        }
        self.reduction_columns = {
            name: self.pollutants[name[len(REDUCTION_PREFIX) :].upper()]
            for name in self.header
            if name.startswith(REDUCTION_PREFIX)
        }
        self.seen: dict[tuple[str, str], int] = {}

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        ref = values.get("audit_ref", "").strip()
        code = values.get("code", "").strip()
        problems = []
        if (ref, code) in self.seen:
            problems.append(
                (
                    "code",
                    _("duplicate of row %(row)s in this file") % {"row": self.seen[(ref, code)]},
                )
            )
        self.seen.setdefault((ref, code), number)
        audit = self.audits.get(ref)
        if audit is None:
            problems.append(("audit_ref", _("no audit with reference “%(ref)s”") % {"ref": ref}))
        instance = self.existing.get((ref, code))
        form = OptionImportForm(
            data=row_data(values, instance, self.header, OptionImportForm._meta.fields),
            instance=instance or Option(audit=audit),
        )
        reductions: dict[Pollutant, Decimal] = {}
        for column, pollutant in self.reduction_columns.items():
            field = ReductionField()
            try:
                amount = field.clean(values.get(column, ""))
            except forms.ValidationError as error:
                label = REDUCTION_PREFIX + pollutant.code
                problems.extend((label, message) for message in error.messages)
                continue
            if amount is not None:
                reductions[pollutant] = amount
        if not form.is_valid():
            problems.extend(form_problems(form))
        if problems:
            raise RowInvalid(problems)
        option = form.save(commit=False)
        option.stamp(self.user)
        option.save()
        set_reductions(option, reductions)
        return (UPDATED if instance else CREATED), f"{ref}/{option.code} {option.title}"
