"""Bulk import machinery shared by every importer the apps register (registry.importers).

Rules (docs/formats/README.md): unknown columns are refused; every row's errors are
collected as "row N, column: message" with N the row a spreadsheet user sees; the whole
file goes in one transaction, all or nothing; a dry run reports the same and writes nothing.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from benxi_cp import refusals, scoping
from benxi_cp.conflicts import is_conflict, is_duplicate_key
from benxi_cp.fields import CodedChoiceField, YesNoField
from benxi_cp.registry import registry
from benxi_cp.tabular import FileRefused, Table

# At most this many errors are kept and shown, with the count of all of them: a file of a
# million bad rows must not become a page of a million lines.
MAX_LISTED_ERRORS = 200
PROGRESS_ROWS = 1000  # an import reports its progress every this many rows

CREATED = "created"
UPDATED = "updated"


@dataclass(frozen=True)
class RowIssue:
    row: int
    column: str
    message: str
    # The file (or a workbook's sheet) of an import of several: "balance.csv", "sheet balance".
    file: str = ""
    kind: str = ""  # the importer's: its own name of a column another format names otherwise

    def __str__(self) -> str:
        # The whole line in the user's language; the column by its meaning and by the
        # header the file uses ("第 2 行，数量（amount）列：输入一个数字。").
        if self.column:
            line = _("row %(row)s, %(column)s: %(message)s") % {
                "row": self.row,
                "column": column_name(self.column, self.kind),
                "message": self.message,
            }
        else:
            line = _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        if self.file:
            return _("%(file)s, %(line)s") % {"file": self.file, "line": line}
        return line


class RowInvalid(Exception):
    """Raised by an importer for one row; carries (column, message) pairs."""

    def __init__(self, problems: Iterable[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{c}: {m}" for c, m in self.problems))


@dataclass
class ImportResult:
    """What a run found. `errors` lists the first MAX_LISTED_ERRORS errors, `error_count`
    counts all of them."""

    dry_run: bool
    created: int = 0
    updated: int = 0
    rows: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    error_count: int = 0
    preview: list[dict] = field(default_factory=list)
    kind: str = ""  # the importer's (RowIssue.kind)

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}"

    @property
    def errors_cut(self) -> bool:
        return self.error_count > len(self.errors)

    def add(self, row: int, column: str, message, file: str = "") -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowIssue(row, column, str(message), file, self.kind))

    def merge(self, other: "ImportResult", file: str = "") -> None:
        """Add the errors of `other` (its count too, beyond those it lists), named by `file`
        when they do not name theirs."""
        for issue in other.errors:
            self.add(issue.row, issue.column, issue.message, issue.file or file)
        self.error_count += other.error_count - len(other.errors)


class Importer:
    """Base class: subclasses declare `columns` and implement `import_row`.

    `columns` maps each accepted column (lower case) to whether it is required.
    `import_row` writes one row and returns (CREATED or UPDATED, a label for the preview),
    or raises RowInvalid. `finish` may check what only the whole file shows.
    """

    kind: str = ""
    label = gettext_lazy("records")
    columns: dict[str, bool] = {}
    permissions: tuple[str, ...] = ()
    # How many preview lines to keep; a dry run of a large file shows the first ones.
    preview_limit = 200
    # An import of several files, checked as one (or of one workbook with a sheet for each):
    # the names of its parts; `run_files` takes the files.
    parts: tuple[str, ...] = ()
    # Said on the import page, with links to the import pages of `see_also`'s kinds.
    note = ""
    note_codes: tuple[str, ...] = ()  # codes the note names (shown as codes after it)
    see_also: tuple[str, ...] = ()
    # A savepoint around each row, so that a row the database refuses leaves the transaction
    # usable. An importer whose import_row only checks and queues (writing in bulk in
    # finish()) turns this off: two fewer queries a row.
    row_savepoints = True
    # Whether enterprise users who may enter reports (benxi_cp/scoping.py) may use it: the
    # importer then takes only their own enterprises' rows (each importer checks that).
    for_enterprise_users = False
    # Said to them on the import page, in place of `note`.
    enterprise_note = ""

    def __init__(self, user=None):
        self.user = user

    @classmethod
    def may_use(cls, user) -> bool:
        """Whether `user` may import with it: the permissions it asks for; an enterprise
        user, when it is for enterprise users and they may enter for one of theirs."""
        if scoping.is_enterprise_user(user):
            return cls.for_enterprise_users and any(
                scoping.may_enter(user, pk) for pk in scoping.enterprise_ids(user)
            )
        return user.has_perms(cls.permissions)

    # -- what the template files offer ------------------------------------------------
    def template_columns(self) -> list[str]:
        """Every column the importer accepts, in the order of the format."""
        return list(self.columns)

    def cell_fields(self) -> dict[str, forms.Field]:
        """The form field that checks each column's cells, where one does."""
        return {}

    def column_choices(self) -> dict[str, list[str]]:
        """The codes each coded column accepts, from the fields that check its cells: the
        drop-down lists of the XLSX template."""
        fields = self.cell_fields()
        choices = {}
        for column in self.template_columns():
            codes = coded_values(fields.get(column))
            if codes:
                choices[column] = codes
        return choices

    # -- header -----------------------------------------------------------------------
    def accepts_column(self, name: str) -> bool:
        return name in self.columns

    def check_header(self, header: list[str], result: ImportResult) -> None:
        seen = set()
        for name in header:
            if not name:
                result.add(1, "", _("a column has no name"))
            elif name in seen:
                result.add(1, name, _("the column appears twice"))
            elif not self.accepts_column(name):
                result.add(1, name, _("unknown column"))
            seen.add(name)
        for name, required in self.columns.items():
            if required and name not in seen:
                result.add(1, name, _("required column is missing"))

    # -- rows -------------------------------------------------------------------------
    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        """Load what the rows refer to in a few queries, before the first row. `rows` may be
        iterated several times; each time it reads the file again (keep sets of keys, not
        the rows)."""

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        raise NotImplementedError

    def finish(self, result: ImportResult) -> None:
        """Checks across rows, after every row was imported; add errors to `result`."""

    def run(
        self,
        source: bytes | Path,
        filename: str,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Check (and unless `dry_run`, write) the file: its bytes, or the path of the
        spooled file. The rows are read from the file as they are needed, never all at once
        (benxi_cp/tabular.py); `progress(done, total)` is called every PROGRESS_ROWS rows."""
        result = ImportResult(dry_run=dry_run, kind=self.kind)
        try:
            with Table(source, filename) as table:
                return self._run(table, result, dry_run, progress)
        except FileRefused as refused:
            result = ImportResult(dry_run=dry_run, kind=self.kind)
            result.add(refused.row or 1, "", refused.message)
            return result

    def run_files(self, files: list[Path], dry_run: bool = False) -> ImportResult:
        """Check (and write) several files as one: importers with `parts` only."""
        raise NotImplementedError(f"{self.kind} imports one file")

    def _run(self, table: Table, result: ImportResult, dry_run: bool, progress) -> ImportResult:
        shape, total = self.read_table(table, result)
        if shape is None:
            return result
        return self.run_rows(_Rows(self, table), dry_run, total, shape, progress)

    def read_table(self, table: Table, result: ImportResult) -> tuple["ImportResult | None", int]:
        """Check the table's header (errors into `result`), then count its rows and check
        their shape (and the row limit) in a first reading, before anything is read from
        the database: (the rows' shape errors, the count), or (None, 0) when the header or
        the lack of rows refuses the table."""
        header = table.header
        self.check_header(header, result)
        if result.errors:
            return None, 0
        self.header = header
        shape = ImportResult(dry_run=result.dry_run)
        total = 0
        for number, cells in self._numbered(table):
            total += 1
            if len(cells) > len(header) and any(cells[len(header) :]):
                shape.add(number, "", _("the row has more cells than the header has columns"))
        if not total and not shape.errors:
            result.add(2, "", _("the file has no data rows"))
            return None, 0
        return shape, total

    def rows_of(self, table: Table) -> "_Rows":
        """The data rows of `table` (read_table first), read again each time they are gone over."""
        return _Rows(self, table)

    def run_rows(
        self,
        rows: "_Rows | list[tuple[int, dict[str, str]]]",
        dry_run: bool = False,
        total: int | None = None,
        shape: "ImportResult | None" = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Import (number, {column: cell}) rows, all or nothing: a file's rows (read again
        from the file each time they are gone over), or the values of an API batch
        (the data exchange API), numbered as the caller reports them."""
        if isinstance(rows, list):
            rows = _ListedRows(rows)
            total = len(rows.rows)

        def start() -> ImportResult:
            result = ImportResult(dry_run=dry_run, rows=total, kind=self.kind)
            if shape is not None:
                result.merge(shape)
            return result

        def write(result: ImportResult) -> None:
            # prepare() reads (and locks) what the rows refer to, afresh at each attempt.
            self.prepare(rows)
            for done, (number, values) in enumerate(rows.numbered(), start=1):
                self._import_one(number, values, result)
                if progress is not None and done % PROGRESS_ROWS == 0:
                    progress(done, total)
            if not result.errors:
                self.finish(result)

        result = all_or_nothing(start, write, self.database_refusal)
        if progress is not None:
            progress(total, total)
        if result.errors:
            result.created = result.updated = 0
            result.errors.sort(key=lambda issue: issue.row)
        return result

    @staticmethod
    def _numbered(table: Table) -> Iterator[tuple[int, list[str]]]:
        for offset, cells in enumerate(table.rows()):
            if cells:
                yield offset + 2, cells

    def database_refusal(self, error: DatabaseError) -> str:
        """The message for the database's refusal of the file."""
        if is_conflict(error):
            return _(
                "another change of the same records was under way; nothing was imported, "
                "please try again"
            )
        if (refused := refusals.refusal(error)) is not None:
            return refused.messages[0]
        return _("the database refused the file: %(error)s") % {"error": error}

    def _import_one(self, number: int, values: dict[str, str], result: ImportResult) -> None:
        """Import one row; its errors go into `result`."""
        try:
            # A savepoint per row keeps the transaction usable after a refused row on PostgreSQL.
            if self.row_savepoints:
                with transaction.atomic():
                    action, label = self.import_row(number, values)
            else:
                action, label = self.import_row(number, values)
        except RowInvalid as invalid:
            for column, message in invalid.problems:
                result.add(number, column, message)
            return
        except ValidationError as error:
            for column, message in validation_problems(error):
                result.add(number, column, message)
            return
        except IntegrityError as error:
            result.add(
                number,
                "",
                refusals.message(error, _("refused by the database: %(error)s") % {"error": error}),
            )
            return
        if action == CREATED:
            result.created += 1
        else:
            result.updated += 1
        if len(result.preview) < self.preview_limit:
            result.preview.append({"row": number, "action": action, "label": label})


class _Rows:
    """The data rows of a file as {column: cell} dicts, read from the file again each time
    they are iterated (prepare() may go over them several times); the rows with more cells
    than the header are left out (the first reading reported them)."""

    def __init__(self, importer: Importer, table: Table):
        self.header = importer.header
        self.table = table

    def numbered(self) -> Iterator[tuple[int, dict[str, str]]]:
        width = len(self.header)
        for number, cells in Importer._numbered(self.table):
            if len(cells) > width and any(cells[width:]):
                continue
            cells = cells + [""] * (width - len(cells))
            yield number, dict(zip(self.header, cells, strict=False))

    def __iter__(self) -> Iterator[dict[str, str]]:
        for _number, values in self.numbered():
            yield values


class _ListedRows:
    """Rows given as a list of (number, {column: cell}) (an API batch), read as _Rows."""

    def __init__(self, rows: list[tuple[int, dict[str, str]]]):
        self.rows = rows

    def numbered(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)

    def __iter__(self) -> Iterator[dict[str, str]]:
        for _number, values in self.rows:
            yield values


def coded_values(field: forms.Field | None) -> list[str]:
    """The codes a form field accepts when it is a choice of a few codes, else []."""
    if isinstance(field, YesNoField):
        return ["yes", "no"]
    if isinstance(field, CodedChoiceField):
        return list(field.choices_class.values)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return list(dict.fromkeys(str(value) for value, _label in field.choices if value != ""))
    return []


def validation_problems(error: ValidationError, default_column: str = "") -> list[tuple[str, str]]:
    """(column, message) pairs of a ValidationError or a form's error dict."""
    if hasattr(error, "error_dict"):
        pairs = []
        for name, errors in error.error_dict.items():
            column = default_column if name == NON_FIELD_ERRORS else name
            for item in errors:
                pairs.extend((column, message) for message in item.messages)
        return pairs
    return [(default_column, message) for message in error.messages]


def form_problems(form: forms.BaseForm) -> list[tuple[str, str]]:
    pairs = []
    for name, messages in form.errors.items():
        column = "" if name == NON_FIELD_ERRORS else name
        pairs.extend((column, str(message)) for message in messages)
    return pairs


class ModelFormImporter(Importer):
    """One ModelForm per row; an existing `key` updates that record."""

    model = None
    form_class: type[forms.ModelForm] | None = None
    key: str = "code"

    def cell_fields(self) -> dict[str, forms.Field]:
        return dict(self.form_class.base_fields)

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        keys = {values.get(self.key, "") for values in rows} - {""}
        self.existing = self.model.objects.in_bulk(keys, field_name=self.key) if keys else {}
        self.seen: dict[str, int] = {}

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        key = values.get(self.key, "")
        if key in self.seen:
            raise RowInvalid(
                [(self.key, _("duplicate of row %(row)s in this file") % {"row": self.seen[key]})]
            )
        if key:
            self.seen[key] = number
        instance = self.existing.get(key)
        form = self.form_class(data=values, instance=instance)
        if instance is not None:
            # Columns the file leaves out keep their stored values on update.
            for name in list(form.fields):
                if name not in self.header:
                    del form.fields[name]
        if not form.is_valid():
            raise RowInvalid(form_problems(form))
        obj = form.save(commit=False)
        if hasattr(obj, "stamp"):
            obj.stamp(self.user)
        obj.save()
        form.save_m2m()
        return (UPDATED if instance else CREATED), str(obj)


def all_or_nothing(
    start: Callable[[], ImportResult],
    write: Callable[[ImportResult], None],
    refusal: Callable[[DatabaseError], str],
) -> ImportResult:
    """`write(result)` in one transaction, all or nothing: rolled back when the result has
    errors or is a dry run; a refusal of the database is the result's error (`refusal`
    words it). A collision with another transaction (a deadlock, or the same new record
    created by someone else meanwhile) runs it once more, from a fresh `start()`."""
    attempts = 1 if transaction.get_connection().in_atomic_block else 2
    for attempt in range(attempts):
        result = start()
        try:
            with transaction.atomic():
                write(result)
                if result.errors or result.dry_run:
                    transaction.set_rollback(True)
        except DatabaseError as error:
            if (is_conflict(error) or is_duplicate_key(error)) and attempt + 1 < attempts:
                continue
            result.add(0, "", refusal(error))
        return result
    raise AssertionError("unreachable")


def get_importer(kind: str) -> type[Importer]:
    """The importer of `kind`, as an app registered it (registry.importers)."""
    return registry.importers[kind]


def importer_kinds() -> list[str]:
    return sorted(registry.importers.keys())


# --- Localisation: the import files' columns as a person knows them ---


@dataclass(frozen=True)
class Column:
    """What a column of an import file holds, by its header (registry.import_columns): the
    app whose format has it first registers it. With `named`, `header` is a prefix and
    `named(rest)` names the column (`reduction_<CODE>`: an option's annual reduction of a
    pollutant, by the pollutant's name). With `kind`, the column of that importer only,
    where its format gives a header another format uses in another sense (a `basis` that is
    an averaging basis in one format and a data source in another)."""

    header: str
    label: str | None = None  # lazily translated
    named: Callable[[str], str] | None = None
    kind: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.header}" if self.kind else self.header


def column_labels() -> dict[str, str]:
    """Every header of a fixed name with its label (lazily translated)."""
    return {c.header: c.label for c in registry.import_columns if c.named is None and not c.kind}


def column_label(column: str, kind: str = "") -> str | None:
    """What a file's column holds, in the user's language ("审核编号" for `ref`); None for a
    column of no known meaning. A column named by a prefix (`reduction_<CODE>`) is named by
    its app; an importer's own column (`kind`) by its own name."""
    entry = kind and registry.import_columns.get(f"{kind}:{column}")
    if entry:
        return str(entry.label)
    entry = registry.import_columns.get(column)
    if entry is not None and entry.named is None:
        return str(entry.label)
    for entry in registry.import_columns:
        if entry.named is not None and column.lower().startswith(entry.header):
            return str(entry.named(column[len(entry.header) :]))
    return None


def column_name(column: str, kind: str = "") -> str:
    """A file's column for a person: its meaning in the user's language, then the header
    the file uses, e.g. 数量列（amount）; in English, and for an unknown column, the header
    alone (the headers are English words already)."""
    if (get_language() or "en").startswith("en"):
        return column
    label = column_label(column, kind)
    if label is None:
        return _("column %(column)s") % {"column": column}
    return _("%(label)s column (%(column)s)") % {"label": label, "column": column}
