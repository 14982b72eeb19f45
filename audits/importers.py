"""Importers of docs/formats/audits.md and options.md, on the shared machinery.

Every rule of the models is checked on each row (the forms run the models' validation),
so a file cannot record what the pages would refuse; the machinery makes it all or nothing.
That includes the audit rules: steps 3, 4 and 5 complete only with what they produce, a
medium/high-fee option is feasible or implemented only with its feasibility analysis, and
an accepted audit is locked.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

from django import forms
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.choices import (
    AcceptingBody,
    Aspect,
    BalanceDirection,
    FeeClass,
    OptionStatus,
    Verdict,
)
from audits.locks import is_locked_error
from audits.models import Audit, MaterialBalanceLine, Option, OptionFeasibility, lock_message
from audits.services import set_reductions, set_steps_completed
from benxi_cp import refusals, tabular
from benxi_cp.fields import CodedChoiceField, YesNoField
from benxi_cp.formats import Document
from benxi_cp.importers import (
    CREATED,
    UPDATED,
    Column,
    Importer,
    ImportResult,
    RowInvalid,
    form_problems,
    get_importer,
)
from enterprises.models import Enterprise, Pollutant

# The import of a bureau's audit history (audits/history.py): the four formats below together.
HISTORY_KIND = "audit-history"
HISTORY_PARTS = ("audits", "options", "balance", "feasibility")

REDUCTION_PREFIX = "reduction_"


def reduction_column_name(code: str) -> str:
    """How an import error names a "reduction_<CODE>" column: by its pollutant's name (the
    format's `reduction_<CODE>` itself: without a query)."""
    pollutant = None
    if code.replace("_", "").isalnum():
        pollutant = Pollutant.objects.filter(code=code.upper()).only("name", "name_en").first()
    name = pollutant.display_name if pollutant is not None else code.upper()
    return _("annual reduction of %(pollutant)s") % {"pollutant": name}


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


class AuditImporter(Importer):
    """One row per audit; an existing ref updates it, and its steps follow steps_completed."""

    kind = "audits"
    label = gettext_lazy("CP audits")
    form_class = AuditImportForm
    note = gettext_lazy(
        "A workbook with a sheet for each file of an audit history, named as below, is "
        "imported as an audit history: the four checked as one, so that audits come in whole, "
        "through assessment and acceptance."
    )
    note_codes = HISTORY_PARTS
    see_also = (HISTORY_KIND,)
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
        fields = self.form_class._meta.fields
        form = self.form_class(
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
        self.saved(number, audit, form)
        return (UPDATED if instance else CREATED), f"{audit.ref} {audit.enterprise.code}"

    def run(
        self,
        source: bytes | Path,
        filename: str,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """A file of audits; or, uploaded on the same page, a workbook with a sheet for each
        of the audit history's files (audit-history.md), imported as one."""
        if type(self) is AuditImporter and is_history_workbook(source, filename):
            history = get_importer(HISTORY_KIND)(user=self.user)
            if self.user is not None and not self.user.has_perms(history.permissions):
                result = ImportResult(dry_run=dry_run)
                result.add(
                    1,
                    "",
                    _(
                        "this workbook is an audit history (sheets audits, options, balance, "
                        "feasibility); you may not import options, material balances or "
                        "feasibility analyses"
                    ),
                )
                return result
            return history.run(source, filename, dry_run=dry_run, progress=progress)
        return super().run(source, filename, dry_run=dry_run, progress=progress)

    def saved(self, number: int, audit: Audit, form: AuditImportForm) -> None:
        """After the row's audit is written (the audit-history import keeps what is left to
        write)."""


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
        self.before_check(ref, code, form.instance)
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
        self.save_option(number, option)
        set_reductions(option, reductions)
        return (UPDATED if instance else CREATED), f"{ref}/{option.code} {option.title}"

    def before_check(self, ref: str, code: str, option: Option) -> None:
        """Before the row's option is checked (the audit-history import tells it of the
        feasibility analysis the same import brings)."""

    def save_option(self, number: int, option: Option) -> None:
        option.save()


def is_history_workbook(source: bytes | Path, filename: str) -> bool:
    """A workbook with a sheet named `audits` and one named for another part of an audit
    history (options, balance, feasibility): an audit history, not a file of audits."""
    try:
        if not tabular.is_xlsx(source, filename):
            return False
        names = {name.strip().lower() for name in tabular.sheet_names(source, filename)}
    except (tabular.FileRefused, OSError):
        return False  # the audits' own reading says what is wrong with the file
    return "audits" in names and bool(names & set(HISTORY_PARTS[1:]))


def scoped_audits(user, refs: set[str]) -> dict[str, Audit]:
    """The audits of these references that `user` may see (every one, without a user)."""
    if not refs:
        return {}
    audits = Audit.objects.all() if user is None else Audit.objects.for_user(user)
    return audits.in_bulk(refs, field_name="ref")


def no_audit(ref: str) -> tuple[str, str]:
    return ("audit_ref", _("no audit with reference “%(ref)s”") % {"ref": ref})


# -- material balances (docs/formats/balance.md) ----------------------------------------------
class BalanceImportForm(forms.ModelForm):
    """One row of docs/formats/balance.md, without its audit."""

    direction = CodedChoiceField(choices_class=BalanceDirection)

    class Meta:
        model = MaterialBalanceLine
        fields = ["direction", "item", "quantity", "unit"]

    def clean_item(self) -> str:
        return self.cleaned_data["item"].strip()

    def clean_unit(self) -> str:
        return self.cleaned_data["unit"].strip()


def _line_key(line: MaterialBalanceLine) -> tuple:
    return (line.direction, line.item, Decimal(line.quantity), line.unit)


class BalanceImporter(Importer):
    """One row per input or output line of an audit's material balance; the rows of one
    audit replace its balance whole. An accepted (locked) audit's balance does not change:
    its rows are refused unless they are the balance it has."""

    kind = "balance"
    label = gettext_lazy("material balances")
    permissions = (
        "audits.add_materialbalanceline",
        "audits.change_materialbalanceline",
        "audits.delete_materialbalanceline",
    )
    columns = {"audit_ref": True, "direction": True, "item": True, "quantity": True, "unit": True}
    # The rows are checked and kept; finish() writes each audit's balance at once.
    row_savepoints = False

    def cell_fields(self) -> dict[str, forms.Field]:
        return dict(BalanceImportForm.base_fields)

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        refs = {values.get("audit_ref", "").strip() for values in rows} - {""}
        self.audits = scoped_audits(self.user, refs)
        self.stored: dict[int, list[tuple]] = {}
        lines = MaterialBalanceLine.objects.filter(audit__in=self.audits.values())
        for line in lines.order_by("audit", "position", "pk"):
            self.stored.setdefault(line.audit_id, []).append(_line_key(line))
        self.lines: dict[int, list[tuple[int, MaterialBalanceLine]]] = {}

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        ref = values.get("audit_ref", "").strip()
        audit = self.audits.get(ref)
        problems = [] if audit is not None else [no_audit(ref)]
        # Checked without its audit: whether the audit's lock refuses the balance is decided
        # for all of its rows together (finish).
        form = BalanceImportForm(data=values)
        if not form.is_valid():
            problems.extend(form_problems(form))
        if problems:
            raise RowInvalid(problems)
        line = form.save(commit=False)
        line.audit = audit
        group = self.lines.setdefault(audit.pk, [])
        line.position = len(group)
        group.append((number, line))
        action = UPDATED if audit.pk in self.stored else CREATED
        return action, f"{ref} {line}"

    def finish(self, result: ImportResult) -> None:
        for audit_id, group in self.lines.items():
            first, audit = group[0][0], group[0][1].audit
            if [_line_key(line) for _number, line in group] == self.stored.get(audit_id):
                continue  # the balance it has: nothing to write
            if audit.is_locked:
                result.add(first, "audit_ref", lock_message(audit))
                continue
            try:
                with transaction.atomic():
                    MaterialBalanceLine.objects.filter(audit_id=audit_id).delete()
                    MaterialBalanceLine.objects.bulk_create(line for _number, line in group)
            except DatabaseError as error:
                refused = _("refused by the database: %(error)s") % {"error": error}
                if is_locked_error(error):
                    refused = lock_message(audit)
                result.add(first, "audit_ref", refusals.message(error, refused))


# -- feasibility analyses (docs/formats/feasibility.md) ---------------------------------------
class FeasibilityImportForm(forms.ModelForm):
    """One row of docs/formats/feasibility.md; the investment and the annual saving are the
    option's own, set on the instance before the check."""

    life_years = forms.IntegerField(min_value=1, max_value=50)
    depreciation_years = forms.IntegerField(min_value=1, max_value=50)
    tax_rate_pct = forms.DecimalField(min_value=0, max_value=100, max_digits=5, decimal_places=2)
    discount_rate_pct = forms.DecimalField(
        min_value=0, max_value=100, max_digits=5, decimal_places=2
    )

    class Meta:
        model = OptionFeasibility
        fields = [
            "life_years",
            "depreciation_years",
            "tax_rate_pct",
            "discount_rate_pct",
            "technical_evaluation",
            "environmental_evaluation",
            "negative_npv_reason",
        ]


def stored_analysis(option: Option) -> OptionFeasibility | None:
    """The option's stored feasibility analysis (read with it: select_related)."""
    if option.pk is None:
        return None
    try:
        return option.feasibility
    except OptionFeasibility.DoesNotExist:
        return None


class FeasibilityImporter(Importer):
    """One row per medium/high-fee option: its analysis, created or replaced. NPV, IRR and
    payback follow from the figures (audits/finance.py); a negative NPV needs a reason when
    the option is feasible or implemented."""

    kind = "feasibility"
    label = gettext_lazy("feasibility analyses")
    permissions = ("audits.add_optionfeasibility", "audits.change_optionfeasibility")
    columns = {
        "audit_ref": True,
        "option_code": True,
        "life_years": True,
        "depreciation_years": True,
        "tax_rate_pct": True,
        "discount_rate_pct": True,
        "technical_evaluation": False,
        "environmental_evaluation": False,
        "negative_npv_reason": False,
    }

    def cell_fields(self) -> dict[str, forms.Field]:
        return dict(FeasibilityImportForm.base_fields)

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        refs = {values.get("audit_ref", "").strip() for values in rows} - {""}
        self.audits = scoped_audits(self.user, refs)
        options = Option.objects.filter(audit__in=self.audits.values()).select_related(
            "audit", "feasibility"
        )
        self.options = {(option.audit.ref, option.code): option for option in options}
        self.seen: dict[tuple[str, str], int] = {}

    def as_it_stands(self, option: Option) -> Option:
        """The option the analysis is checked with (the audit-history import gives it the
        status and figures its own file gives it)."""
        return option

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        ref = values.get("audit_ref", "").strip()
        code = values.get("option_code", "").strip()
        if (ref, code) in self.seen:
            duplicate = _("duplicate of row %(row)s in this file") % {"row": self.seen[(ref, code)]}
            raise RowInvalid([("option_code", duplicate)])
        self.seen[(ref, code)] = number
        option = self.options.get((ref, code))
        if option is None:
            if ref not in self.audits:
                raise RowInvalid([no_audit(ref)])
            raise RowInvalid(
                [
                    (
                        "option_code",
                        _("the audit %(ref)s has no option “%(code)s”")
                        % {"ref": ref, "code": code},
                    )
                ]
            )
        option = self.as_it_stands(option)
        problems = []
        if option.fee_class != FeeClass.MEDIUM_HIGH:
            problems.append(
                (
                    "option_code",
                    _(
                        "“%(code)s” is a no/low-fee option: only a medium/high-fee option has a "
                        "feasibility analysis"
                    )
                    % {"code": code},
                )
            )
        elif option.investment_10k_yuan is None:
            problems.append(
                (
                    "option_code",
                    _(
                        "the option “%(code)s” has no investment: the analysis takes the "
                        "option's investment (investment_10k_yuan, options.md)"
                    )
                    % {"code": code},
                )
            )
        elif option.annual_benefit_10k_yuan is None:
            problems.append(
                (
                    "option_code",
                    _(
                        "the option “%(code)s” has no annual benefit: the analysis takes the "
                        "option's annual benefit as its annual saving (annual_benefit_10k_yuan, "
                        "options.md)"
                    )
                    % {"code": code},
                )
            )
        if problems:
            raise RowInvalid(problems)
        stored = stored_analysis(option)
        instance = stored if stored is not None else OptionFeasibility()
        instance.option = option
        instance.investment_10k_yuan = option.investment_10k_yuan
        instance.annual_net_saving_10k_yuan = option.annual_benefit_10k_yuan
        fields = FeasibilityImportForm._meta.fields
        form = FeasibilityImportForm(
            data=row_data(values, stored, self.header, fields), instance=instance
        )
        if not form.is_valid():
            raise RowInvalid(form_problems(form))
        analysis = form.save(commit=False)
        analysis.stamp(self.user)
        analysis.save()
        return (UPDATED if stored is not None else CREATED), f"{ref}/{code} {option.title}"


# The columns of its formats, as a person knows them (registry.import_columns); the
# importers, registered by the app's ready() (registry.importers).
COLUMNS = (
    Column("ref", gettext_lazy("audit reference")),
    Column("audit_ref", gettext_lazy("audit reference")),
    Column("started_on", gettext_lazy("started on")),
    Column("steps_completed", gettext_lazy("steps completed")),
    Column("focus", gettext_lazy("audit focus")),
    Column("assessment", gettext_lazy("assessment")),
    Column("assessed_on", gettext_lazy("assessed on")),
    Column("assessment_score", gettext_lazy("assessment score")),
    Column("acceptance", gettext_lazy("acceptance")),
    Column("accepted_by", gettext_lazy("accepted by")),
    Column("accepted_on", gettext_lazy("accepted on")),
    Column("demonstration", gettext_lazy("demonstration enterprise")),
    Column("title", gettext_lazy("title")),
    Column("aspect", gettext_lazy("aspect")),
    Column("fee_class", gettext_lazy("fee class")),
    Column("status", gettext_lazy("status")),
    Column("investment_10k_yuan", gettext_lazy("estimated investment (10k yuan)")),
    Column("annual_benefit_10k_yuan", gettext_lazy("estimated annual benefit (10k yuan)")),
    Column("actual_investment_10k_yuan", gettext_lazy("actual investment (10k yuan)")),
    Column("actual_annual_benefit_10k_yuan", gettext_lazy("actual annual benefit (10k yuan)")),
    Column("implemented_on", gettext_lazy("implemented on")),
    Column("direction", gettext_lazy("input or output")),
    Column("item", gettext_lazy("item")),
    Column("quantity", gettext_lazy("quantity")),
    Column("option_code", gettext_lazy("option code")),
    Column("life_years", gettext_lazy("life (years)")),
    Column("depreciation_years", gettext_lazy("depreciation period (years)")),
    Column("tax_rate_pct", gettext_lazy("income tax rate (%)")),
    Column("discount_rate_pct", gettext_lazy("discount rate (%)")),
    Column("technical_evaluation", gettext_lazy("technical evaluation")),
    Column("environmental_evaluation", gettext_lazy("environmental evaluation")),
    Column("negative_npv_reason", gettext_lazy("reason despite a negative NPV")),
    Column(REDUCTION_PREFIX, named=reduction_column_name),
)
IMPORTERS = (AuditImporter, OptionImporter, BalanceImporter, FeasibilityImporter)
# Their documents (docs/formats/), served as pages (registry.format_documents).
DOCUMENTS = (
    Document("audits", 20),
    Document("options", 30),
    Document("balance", 120),
    Document("feasibility", 130),
    Document("audit-history", 140),
)
