"""The audit-history import (docs/formats/audit-history.md): a bureau's audits with their
options, material balances and feasibility analyses, from up to four files (or one workbook
with a sheet for each), checked as one against every audit rule, all or nothing.

The audit rules tie an audit's steps to the records the steps produce and an option's status
to its analysis, so that no single file can carry an audit that went through all eight steps.
The records go in, in one transaction, in the order the rules allow:

1. the audits, each as it stands before its later steps: a new one with no step completed, not
   assessed nor accepted (an existing one as stored), its other columns as its row says;
2. the options; a medium/high-fee option that its row makes feasible or implemented, and whose
   analysis the import brings, is written as "selected" first (the database's guard wants the
   analysis before the status);
3. the material balances;
4. the feasibility analyses, each checked against its option as the files leave it (a negative
   NPV needs a reason for a feasible or implemented option);
5. those options moved on to the status their rows give;
6. the audits moved on to their rows' steps, assessment, acceptance and demonstration, checked
   by the models' own rules (step 3 needs a balance, step 4 no option left proposed, step 5 an
   analysis of each kept medium/high-fee option, ...) and below them by the database's guards.

Every row is checked by the forms and models of its own format's importer (audits/importers.py),
so the history refuses what the files one by one would; each error names its file (or sheet),
row and column. An audit one of whose rows is refused is not moved on: its later refusals would
only repeat the first.
"""

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.choices import FeeClass, OptionStatus
from audits.importers import (
    HISTORY_KIND,
    HISTORY_PARTS,
    AuditImporter,
    AuditImportForm,
    BalanceImporter,
    FeasibilityImporter,
    OptionImporter,
    stored_analysis,
)
from audits.locks import is_locked_error, is_rule_error
from audits.models import Audit, Option, lock_message
from audits.services import set_steps_completed
from benxi_cp import refusals, tabular
from benxi_cp.importers import Importer, ImportResult, all_or_nothing, validation_problems

# What an audit's row gives once the records its steps produce are in (step 6).
LATER = (
    "steps_completed",
    "assessment",
    "assessed_on",
    "assessment_score",
    "acceptance",
    "accepted_by",
    "accepted_on",
    "demonstration",
)
BEFORE = {
    "steps_completed": 0,
    "assessment": "",
    "assessed_on": None,
    "assessment_score": None,
    "acceptance": "",
    "accepted_by": "",
    "accepted_on": None,
    "demonstration": False,
}
ANALYSED = (OptionStatus.FEASIBLE, OptionStatus.IMPLEMENTED)
# What an option's row gives once its analysis is in (step 5).
OPTION_LATER = (
    "status",
    "implemented_on",
    "actual_investment_10k_yuan",
    "actual_annual_benefit_10k_yuan",
)
# Sheets of a workbook that are not read: the template's hidden lists and its column notes.
HELPER_SHEETS = ("lists", "columns")


class HistoryAuditForm(AuditImportForm):
    """An audit's row as written first: its own columns, with the steps, assessment,
    acceptance and demonstration it has before the import (`final` keeps the row's)."""

    def _post_clean(self):
        self.final = {name: self.cleaned_data[name] for name in LATER if name in self.cleaned_data}
        instance = self.instance
        before = {name: getattr(instance, name) for name in LATER} if instance.pk else BEFORE
        self.cleaned_data.update(before)
        super()._post_clean()


class _Audits(AuditImporter):
    form_class = HistoryAuditForm

    def prepare(self, rows) -> None:
        super().prepare(rows)
        self.later: list[tuple[int, int, dict]] = []  # (row, audit id, the row's later values)

    def saved(self, number: int, audit: Audit, form: HistoryAuditForm) -> None:
        self.later.append((number, audit.pk, form.final))


class _AnalysisInImport:
    """Stands for an option's analysis that the same import brings: the option's rules see
    that it has one; its figures (and the NPV's reason) are checked on the analysis's row."""

    def negative_npv_refusal(self, status: str) -> None:
        return None


ANALYSIS_IN_IMPORT = _AnalysisInImport()


class _Options(OptionImporter):
    def __init__(self, user=None, analysed: frozenset = frozenset()):
        super().__init__(user)
        self.analysed = analysed  # (audit ref, option code) of the analyses in the import
        self.later: list[tuple[int, Option, dict]] = []
        self.final: dict[tuple[str, str], dict] = {}

    def prepare(self, rows) -> None:
        super().prepare(rows)
        self.later: list[tuple[int, Option, dict]] = []  # (row, option, its row's status...)
        self.final: dict[tuple[str, str], dict] = {}  # the options as their rows leave them

    def before_check(self, ref: str, code: str, option: Option) -> None:
        if (ref, code) in self.analysed and stored_analysis(option) is None:
            option._pending_feasibility = ANALYSIS_IN_IMPORT

    def save_option(self, number: int, option: Option) -> None:
        final = {name: getattr(option, name) for name in OPTION_LATER}
        self.final[(option.audit.ref, option.code)] = {
            **final,
            "fee_class": option.fee_class,
            "investment_10k_yuan": option.investment_10k_yuan,
            "annual_benefit_10k_yuan": option.annual_benefit_10k_yuan,
        }
        if not (
            option.fee_class == FeeClass.MEDIUM_HIGH
            and option.status in ANALYSED
            and option.status != option.stored_status
            and getattr(option, "_pending_feasibility", None) is ANALYSIS_IN_IMPORT
        ):
            option.save()
            return
        # Selected at screening until its analysis is in (step 5 moves it on).
        option.status = option.stored_status or OptionStatus.SELECTED
        option.implemented_on = None
        option.actual_investment_10k_yuan = option.actual_annual_benefit_10k_yuan = None
        option.save()
        self.later.append((number, option, final))


class _Feasibility(FeasibilityImporter):
    def __init__(self, user=None, final: dict | None = None):
        super().__init__(user)
        self.final = final or {}

    def as_it_stands(self, option: Option) -> Option:
        for name, value in self.final.get((option.audit.ref, option.code), {}).items():
            setattr(option, name, value)
        return option


@dataclass
class Source:
    """One part of the history: a file, or a sheet of the workbook."""

    part: str
    source: bytes | Path
    filename: str
    label: str  # how errors name it: the file's name, or "sheet balance"
    sheet: str | None = None


class AuditHistoryImporter(Importer):
    """Audits with their options, material balances and feasibility analyses, as one."""

    kind = HISTORY_KIND
    label = gettext_lazy("audit histories")
    parts = HISTORY_PARTS
    permissions = tuple(
        dict.fromkeys(
            [
                *AuditImporter.permissions,
                *OptionImporter.permissions,
                *BalanceImporter.permissions,
                *FeasibilityImporter.permissions,
            ]
        )
    )
    # The columns are those of each part's own format.
    columns: dict[str, bool] = {}

    def template_columns(self) -> list[str]:
        return []

    # -- what is read: one workbook, or files -------------------------------------------------
    def run(
        self,
        source: bytes | Path,
        filename: str,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """One workbook with a sheet for each part (audits, options, balance, feasibility)."""
        result = ImportResult(dry_run=dry_run)
        try:
            if not tabular.is_xlsx(source, filename):
                result.add(
                    1,
                    "",
                    _(
                        "an audit history is one XLSX workbook with the sheets audits, options, "
                        "balance and feasibility (or, on the command line, one CSV file for each)"
                    ),
                )
                return result
            names = tabular.sheet_names(source, filename)
        except tabular.FileRefused as refused:
            result.add(refused.row or 1, "", refused.message)
            return result
        sources: dict[str, Source] = {}
        for name in names:
            part = name.strip().lower()
            if part in HELPER_SHEETS:
                continue
            if part not in HISTORY_PARTS:
                result.add(
                    1,
                    "",
                    _(
                        "the workbook has a sheet “%(sheet)s”: an audit history's sheets are "
                        "audits, options, balance and feasibility"
                    )
                    % {"sheet": name},
                )
            elif part in sources:
                result.add(1, "", _("the workbook has two sheets “%(sheet)s”") % {"sheet": part})
            else:
                label = _("sheet %(sheet)s") % {"sheet": name}
                sources[part] = Source(part, source, filename, label, sheet=name)
        if result.errors:
            return result
        return self.run_sources(sources, dry_run, progress)

    def run_files(self, files: list[Path], dry_run: bool = False) -> ImportResult:
        """Up to four CSV (or XLSX) files, one per part; or one workbook with their sheets."""
        if len(files) == 1 and tabular.is_xlsx(files[0], files[0].name):
            return self.run(files[0], files[0].name, dry_run=dry_run)
        result = ImportResult(dry_run=dry_run)
        sources: dict[str, Source] = {}
        for path in files:
            try:
                part = part_of(path)
            except tabular.FileRefused as refused:
                result.add(refused.row or 1, "", refused.message, path.name)
                continue
            if part is None:
                result.add(
                    1,
                    "",
                    _(
                        "which file is it? Its name names none of audits, options, balance, "
                        "feasibility, and its columns are those of none of their formats"
                    ),
                    path.name,
                )
            elif part in sources:
                result.add(
                    1,
                    "",
                    _("a second file of %(part)s (the first is %(file)s)")
                    % {"part": part, "file": sources[part].label},
                    path.name,
                )
            else:
                sources[part] = Source(part, path, path.name, path.name)
        if result.errors:
            return result
        return self.run_sources(sources, dry_run)

    # -- the import ---------------------------------------------------------------------------
    def run_sources(
        self,
        sources: dict[str, Source],
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        result = ImportResult(dry_run=dry_run)
        if "audits" not in sources:
            result.add(
                1,
                "",
                _(
                    "an audit history starts with its audits (audits.md): the file or sheet "
                    "“audits” is missing"
                ),
            )
            return result
        with ExitStack() as stack:
            tables = {}
            for part in HISTORY_PARTS:
                if part not in sources:
                    continue
                found = sources[part]
                try:
                    tables[part] = stack.enter_context(
                        tabular.Table(found.source, found.filename, sheet=found.sheet)
                    )
                except tabular.FileRefused as refused:
                    result.add(refused.row or 1, "", refused.message, found.label)
            if result.errors:
                return result
            readers = {
                "audits": _Audits(self.user),
                "options": _Options(self.user),
                "balance": BalanceImporter(self.user),
                "feasibility": _Feasibility(self.user),
            }
            read = {}
            total = 0
            for part, table in tables.items():
                found = ImportResult(dry_run=dry_run)
                shape, count = readers[part].read_table(table, found)
                result.merge(found, sources[part].label)
                if shape is not None:
                    read[part] = (readers[part].rows_of(table), shape)
                    total += count
            if result.errors:
                return result
            if "feasibility" in read:
                readers["options"].analysed = frozenset(
                    (values.get("audit_ref", "").strip(), values.get("option_code", "").strip())
                    for values in read["feasibility"][0]
                )

            def start() -> ImportResult:
                result = ImportResult(dry_run=dry_run, rows=total)
                for part, (_rows, shape) in read.items():
                    result.merge(shape, sources[part].label)
                return result

            result = all_or_nothing(
                start,
                lambda result: self._write(readers, read, sources, result),
                self.database_refusal,
            )
        if progress is not None:
            progress(total, total)
        if result.errors:
            result.created = result.updated = 0
            order = {
                sources[part].label: index
                for index, part in enumerate(HISTORY_PARTS)
                if part in sources
            }
            result.errors.sort(key=lambda issue: (order.get(issue.file, -1), issue.row))
        return result

    def _write(self, readers: dict, read: dict, sources: dict[str, Source], result) -> None:
        refused: set[str] = set()  # audits with a refused row: not moved on
        for part in HISTORY_PARTS:
            if part not in read:
                continue
            reader, (rows, _shape) = readers[part], read[part]
            if part == "feasibility":
                reader.final = readers["options"].final
            self._write_part(reader, rows, sources[part].label, result, refused)
        self._move_options_on(readers["options"], sources.get("options"), result, refused)
        self._move_audits_on(readers["audits"], sources["audits"], result, refused)

    def _write_part(self, reader: Importer, rows, label: str, result, refused: set[str]) -> None:
        ref_column = "ref" if isinstance(reader, AuditImporter) else "audit_ref"
        found = ImportResult(dry_run=result.dry_run)
        refs: dict[int, str] = {}
        reader.prepare(rows)
        for number, values in rows.numbered():
            refs[number] = values.get(ref_column, "").strip()
            reader._import_one(number, values, found)
        if not found.errors:
            reader.finish(found)
        refused.update(refs.get(issue.row, "") for issue in found.errors)
        result.created += found.created
        result.updated += found.updated
        result.merge(found, label)
        for line in found.preview:
            if len(result.preview) < self.preview_limit:
                result.preview.append({**line, "label": f"{label} · {line['label']}"})

    def _move_options_on(self, reader: _Options, found: Source | None, result, refused) -> None:
        for number, option, final in reader.later:
            if option.audit.ref in refused:
                continue
            for name, value in final.items():
                setattr(option, name, value)
            try:
                with transaction.atomic():
                    option.save()
            except (DatabaseError, ValidationError) as error:
                result.add(number, "status", self._refusal(error, option.audit), found.label)
                refused.add(option.audit.ref)

    def _move_audits_on(self, reader: _Audits, found: Source, result, refused) -> None:
        for number, pk, final in reader.later:
            audit = Audit.objects.get(pk=pk)
            if audit.ref in refused or all(getattr(audit, k) == v for k, v in final.items()):
                continue  # refused already, or as its row says (an audit loaded before)
            for name, value in final.items():
                setattr(audit, name, value)
            try:
                audit.full_clean()
                with transaction.atomic():
                    # The steps first: once the row says "accepted", the audit is locked.
                    set_steps_completed(audit, audit.steps_completed)
                    audit.save()
            except ValidationError as error:
                for column, message in validation_problems(error):
                    result.add(number, column, message, found.label)
            except DatabaseError as error:
                result.add(number, "", self._refusal(error, audit), found.label)

    @staticmethod
    def _refusal(error: Exception, audit: Audit) -> str:
        if isinstance(error, ValidationError):
            return " ".join(error.messages)
        if is_locked_error(error):
            return lock_message(audit)
        if is_rule_error(error):
            return _("the database refused it: it breaks an audit rule (%(rule)s)") % {
                "rule": str(error).split(":", 1)[-1].strip()
            }
        return refusals.message(error, _("refused by the database: %(error)s") % {"error": error})


def part_of(path: Path) -> str | None:
    """Which part of an audit history a file is: the part its name names (`audits.csv`,
    `1996-balance.csv`), else the one whose required columns its header has."""
    stem = path.stem.lower()
    named = [part for part in HISTORY_PARTS if part in stem]
    if len(named) == 1:
        return named[0]
    with tabular.Table(path, path.name) as table:
        header = set(table.header)
    readers = {
        "audits": AuditImporter,
        "options": OptionImporter,
        "balance": BalanceImporter,
        "feasibility": FeasibilityImporter,
    }
    matching = [
        part
        for part, reader in readers.items()
        if {column for column, required in reader.columns.items() if required} <= header
    ]
    return matching[0] if len(matching) == 1 else None
