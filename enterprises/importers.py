import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.db import router
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from benxi_cp import scoping
from benxi_cp.bulk import insert_history, insert_rows
from benxi_cp.fields import SLOW, CodedChoiceField, QuickField, YearField
from benxi_cp.formats import Document
from benxi_cp.importers import (
    CREATED,
    UPDATED,
    Column,
    Importer,
    ImportResult,
    ModelFormImporter,
    RowInvalid,
)
from benxi_cp.validators import in_range
from enterprises import ledger, locks
from enterprises.choices import Basis, ReportStatus
from enterprises.forms import EnterpriseImportForm, period_choices
from enterprises.models import (
    DischargeReport,
    DischargeValue,
    Enterprise,
    Pollutant,
    parse_period,
    period_code,
)
from enterprises.reliability_store import refresh_reports
from enterprises.signals import announce

BATCH = 1000  # rows a bulk update writes
WRITE_BATCH = 20_000  # new rows written (with their history) at a time: memory stays flat


def _quick_year(text: str):
    if len(text) == 4 and text.isdigit() and in_range(int(text)):
        return int(text)
    return SLOW


def _quick_decimal(whole: int, places: int, required: bool):
    """A plain non-negative decimal within max_digits (whole + places) and decimal_places."""
    plain = re.compile(rf"[0-9]{{1,{whole}}}(?:\.[0-9]{{1,{places}}})?").fullmatch

    def quick(text: str):
        if plain(text):
            return Decimal(text)
        if not text and not required:
            return None
        return SLOW

    return quick


_BASES = {code: code for code in Basis.values}


def _quick_basis(text: str):
    # The catalogue's own string, not the cell's: a file's rows then share one per code.
    return _BASES.get(text, SLOW) if text else text


# The discharge columns' checks, made once (not once a row): plain cells take the quick path,
# anything else the form field (and its messages).
YEAR_FIELD = QuickField(YearField(), _quick_year)
AMOUNT_FIELD = QuickField(
    forms.DecimalField(max_digits=16, decimal_places=4), _quick_decimal(12, 4, required=True)
)
BASIS_FIELD = QuickField(CodedChoiceField(choices_class=Basis, required=False), _quick_basis)
OUTPUT_FIELD = QuickField(
    forms.DecimalField(max_digits=14, decimal_places=2, required=False),
    _quick_decimal(12, 2, required=False),
)
# The columns the importer writes (besides the primary key), in its tuples' order.
REPORT_COLUMNS = [
    field.attname for field in DischargeReport._meta.concrete_fields if not field.primary_key
]
VALUE_COLUMNS = ["report_id", "pollutant_id", "amount", "basis"]


class EnterpriseImporter(ModelFormImporter):
    """docs/formats/enterprises.md: one row per enterprise; an existing code updates it."""

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


class DischargeImporter(Importer):
    """docs/formats/discharge.md: one row per enterprise, period and pollutant.

    The rows of one enterprise and period make up one report. A report the file creates
    comes in as submitted (the enterprise has handed it to the EPB), for the EPB to verify;
    an existing draft, submitted or returned report keeps its status and gets the file's
    values added or updated. Rows that touch a verified (locked) report are refused. After
    the last row the reliability checks run over every report the file touched.

    An enterprise's preparer or signatory (benxi_cp/scoping.py) imports only rows of the
    enterprises they enter reports for (any other row is refused, and so the whole file);
    their reports come in as drafts, which their signatory signs to submit them, and only a
    draft or returned report of theirs takes the file's values.
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

    for_enterprise_users = True
    enterprise_note = _(
        "Only rows of your own enterprises are accepted. The reports come in as drafts: "
        "your signatory signs each one on its page to submit it to the EPB."
    )

    # import_row checks each row and queues it; finish() writes every report and value in a
    # few bulk statements (with their history rows), then runs the reliability checks.
    row_savepoints = False

    def cell_fields(self) -> dict[str, forms.Field]:
        catalogue = list(Pollutant.objects.values_list("code", "unit"))
        return {
            "year": YEAR_FIELD.field,
            "period": forms.ChoiceField(choices=period_choices()),
            "pollutant": forms.ChoiceField(choices=[(code, code) for code, _unit in catalogue]),
            "amount": AMOUNT_FIELD.field,
            "unit": forms.ChoiceField(choices=[(unit, unit) for _code, unit in catalogue]),
            "basis": BASIS_FIELD.field,
            "output_10k_yuan": OUTPUT_FIELD.field,
        }

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        codes, years = set(), set()
        for values in rows:  # one reading of the file for both
            codes.add(values.get("enterprise_code", "").strip())
            years.add(values.get("year", "").strip())
        codes.discard("")
        self.for_enterprise = scoping.is_enterprise_user(self.user)
        enterprises = Enterprise.objects.all()
        if self.for_enterprise:
            # Only theirs: another enterprise's code is refused as unknown to them.
            enterprises = enterprises.filter(
                pk__in=[
                    pk
                    for pk in scoping.enterprise_ids(self.user)
                    if scoping.may_enter(self.user, pk)
                ]
            )
        self.enterprises = enterprises.in_bulk(codes, field_name="code")
        self.pollutants = {p.code: p for p in Pollutant.objects.all()}
        self.reports = {
            (r.enterprise_id, r.year, r.period_kind, r.period_number): r
            # Locked in primary key order (enterprises/locks.py) until the file is written: a
            # report verified meanwhile waits for the import, or the import for it, and the
            # statuses read here hold to the end.
            for r in DischargeReport.objects.filter(
                enterprise__in=self.enterprises.values(),
                year__in=[int(y) for y in years if y.isdigit() and len(y) <= 4],
            )
            .select_related("enterprise")
            .select_for_update(of=("self",))
            .order_by("pk")
        }
        # The stored values of those reports, by report key and pollutant, in one query.
        keys = {report.pk: key for key, report in self.reports.items()}
        self.values: dict[tuple, dict[int, DischargeValue]] = defaultdict(dict)
        for value in DischargeValue.objects.filter(report_id__in=list(keys)).order_by():
            self.values[keys[value.report_id]][value.pollutant_id] = value
        self.changed_reports: dict[tuple, DischargeReport] = {}
        self.new_values: list[tuple] = []  # (report key, pollutant id, amount, basis)
        self.changed_values: dict[int, DischargeValue] = {}
        self.seen: dict[tuple, int] = {}
        self.outputs: dict[tuple, tuple] = {}
        self.touched: set[tuple] = set()
        self.keys: dict[tuple, tuple] = {}
        self.now = timezone.now()

    def _parse(self, values: dict[str, str]) -> dict:
        problems = []
        parsed = {}
        code = values.get("enterprise_code", "").strip()
        parsed["enterprise"] = self.enterprises.get(code)
        if parsed["enterprise"] is None and self.for_enterprise:
            problems.append(
                (
                    "enterprise_code",
                    gettext(
                        "“%(code)s” is not an enterprise you enter reports for; only your "
                        "own enterprises' rows can be imported"
                    )
                    % {"code": code},
                )
            )
        elif parsed["enterprise"] is None:
            problems.append(
                (
                    "enterprise_code",
                    gettext("no enterprise with the code “%(code)s” in the register")
                    % {"code": code},
                )
            )
        try:
            parsed["year"] = YEAR_FIELD.clean(values.get("year", "").strip())
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
        try:
            parsed["amount"] = AMOUNT_FIELD.clean(values.get("amount", "").strip())
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
            parsed["basis"] = BASIS_FIELD.clean(values.get("basis", "")) or Basis.ESTIMATED
        except forms.ValidationError as error:
            problems.extend(("basis", message) for message in error.messages)
        try:
            parsed["output"] = OUTPUT_FIELD.clean(values.get("output_10k_yuan", "").strip())
            if parsed["output"] is not None and parsed["output"] < 0:
                problems.append(("output_10k_yuan", gettext("the output value cannot be negative")))
        except forms.ValidationError as error:
            problems.extend(("output_10k_yuan", message) for message in error.messages)
        if problems:
            raise RowInvalid(problems)
        return parsed

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        """One row of a discharge file: its report (found, queued or refused) and its value.

        Long: the row's checks run in the order the format document lists them, each with its
        own message; they read best in that order."""
        row = self._parse(values)
        enterprise, pollutant = row["enterprise"], row["pollutant"]
        key = (enterprise.pk, row["year"], row["kind"], row["number"])
        # One tuple per report, shared by its rows' entries in the queues below.
        key = self.keys.setdefault(key, key)
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
        if report is not None and self.for_enterprise and report.status not in EDITABLE:
            raise RowInvalid(
                [
                    (
                        "period",
                        gettext(
                            "the report %(report)s is already submitted; only a draft or a "
                            "returned report takes new values"
                        )
                        % {"report": label},
                    )
                ]
            )
        if report is None:
            # An enterprise's report is a draft until its signatory signs it.
            submitted = not self.for_enterprise
            report = DischargeReport(
                enterprise=enterprise,
                year=row["year"],
                period_kind=row["kind"],
                period_number=row["number"],
                status=ReportStatus.SUBMITTED if submitted else ReportStatus.DRAFT,
                submitted_at=self.now if submitted else None,
                submitted_by=(
                    self.user if submitted and self.user and self.user.is_authenticated else None
                ),
                output_10k_yuan=row["output"],
                created=self.now,
                updated=self.now,
            )
            report.stamp(self.user)
            report.entered_by = report.created_by
        elif row["output"] is not None and report.output_10k_yuan != row["output"]:
            report.output_10k_yuan = row["output"]
            report.updated = self.now
            report.stamp(self.user)
            if report.pk is not None:
                self.changed_reports[key] = report
        value = self.values[key].get(pollutant.pk)
        if value is None:
            # A new value, as the tuple it is written from (the report's id comes in finish).
            self.new_values.append((key, pollutant.pk, row["amount"], row["basis"]))
            action = CREATED
        else:
            if (value.amount, value.basis) != (row["amount"], row["basis"]):
                value.amount, value.basis = row["amount"], row["basis"]
                self.changed_values[value.pk] = value
            action = UPDATED
        # Only now that the row is accepted: a refused row leaves no trace in these queues.
        self.reports[key] = report
        self.seen[(key, pollutant.code)] = number
        if row["output"] is not None:
            self.outputs[key] = (row["output"], number)
        self.touched.add(key)
        return action, f"{label} {pollutant.code} {row['amount']} {pollutant.unit}"

    def database_refusal(self, error) -> str:
        if locks.is_locked_error(error):
            return gettext(
                "a report of the file was verified meanwhile and is locked; nothing was "
                "imported (an administrator must unlock it first)"
            )
        return super().database_refusal(error)

    def finish(self, result: ImportResult) -> None:
        """Write the queued reports and values in bulk, with their history, then check them.

        New reports and values are written from plain tuples (benxi_cp/bulk.py: COPY on
        PostgreSQL, multi-row INSERTs elsewhere), and so are their simple-history rows ("+",
        by the importing user, at the import's time); the few changed ones go through
        bulk_update_with_history.

        Long: the bulk writes and their history run in one order that the ledger and the
        checks rely on."""
        user = self.user if self.user and self.user.is_authenticated else None
        new_reports = [
            self.reports[key] for key in sorted(self.touched) if self.reports[key].pk is None
        ]
        # An open entry grid holds its report's version (benxi_cp/versions.py): a report
        # whose row or values the file changes moves on, so that grid cannot save over it.
        moved = {value.report_id for value in self.changed_values.values()}
        moved.update(self.reports[key].pk for key, *_ in self.new_values if self.reports[key].pk)
        for report in self.changed_reports.values():
            report.version += 1
            moved.discard(report.pk)
        history_columns = ["id", *REPORT_COLUMNS]
        for start in range(0, len(new_reports), WRITE_BATCH):
            batch = new_reports[start : start + WRITE_BATCH]
            rows = [tuple(getattr(r, name) for name in REPORT_COLUMNS) for r in batch]
            keys = insert_rows(DischargeReport, REPORT_COLUMNS, rows, returning=True)
            for report, pk in zip(batch, keys, strict=True):
                report.pk = pk
                report._state.adding = False
                report._state.db = router.db_for_write(DischargeReport)
            insert_history(
                DischargeReport,
                history_columns,
                [(pk, *row) for pk, row in zip(keys, rows, strict=True)],
                history_type="+",
                user=user,
                date=self.now,
            )
        if self.changed_reports:
            bulk_update_with_history(
                list(self.changed_reports.values()),
                DischargeReport,
                ["output_10k_yuan", "updated", "updated_by", "version"],
                batch_size=BATCH,
                default_user=user,
            )
        reports = self.reports
        # In batches: the COPY text of every new value at once would hold the file's size
        # several times over.
        for start in range(0, len(self.new_values), WRITE_BATCH):
            rows = [
                (reports[key].pk, pollutant, amount, basis)
                for key, pollutant, amount, basis in self.new_values[start : start + WRITE_BATCH]
            ]
            keys = insert_rows(DischargeValue, VALUE_COLUMNS, rows, returning=True)
            insert_history(
                DischargeValue,
                ["id", *VALUE_COLUMNS],
                [(pk, *row) for pk, row in zip(keys, rows, strict=True)],
                history_type="+",
                user=user,
                date=self.now,
            )
        if self.changed_values:
            bulk_update_with_history(
                list(self.changed_values.values()),
                DischargeValue,
                ["amount", "basis"],
                batch_size=BATCH,
                default_user=user,
            )
        if user is not None:
            # Whoever imported values into a report entered them: they may not verify it.
            new_ids = {report.pk for report in new_reports}
            earlier = {reports[key].pk for key in self.touched} - new_ids
            DischargeReport.objects.filter(pk__in=earlier).exclude(entered_by=user).update(
                entered_by=user
            )
        if moved:
            DischargeReport.objects.filter(pk__in=moved).update(version=F("version") + 1)
        # The new values are written: their memory goes to the checks of the reports. (The
        # rows seen stay: the data exchange API answers with the reports in their order.)
        self.new_values = []
        refresh_reports(reports[key].pk for key in self.touched)
        ledger.refresh({(reports[key].enterprise_id, reports[key].year) for key in self.touched})
        for year in sorted({reports[key].year for key in self.touched}):
            announce(year)  # computed target indicators of those years follow


EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)

# The columns of its formats, as a person knows them (registry.import_columns); the
# importers, registered by the app's ready() (registry.importers).
COLUMNS = (
    Column("code", _("code")),
    Column("name", _("name")),
    Column("name_en", _("English name")),
    Column("sector", _("sector")),
    Column("district", _("district")),
    Column("ownership", _("ownership")),
    Column("size", _("size")),
    Column("state_large_medium", _("state-owned large or medium")),
    Column("employees", _("employees")),
    Column("address", _("address")),
    Column("contact_person", _("contact person")),
    Column("phone", _("phone")),
    Column("enterprise_code", _("enterprise code")),
    Column("year", _("year")),
    Column("period", _("period")),
    Column("pollutant", _("pollutant")),
    Column("amount", _("amount")),
    Column("unit", _("unit")),
    Column("basis", _("basis")),
    Column("output_10k_yuan", _("industrial output (10k yuan)")),
)
IMPORTERS = (EnterpriseImporter, DischargeImporter)
# Their documents (docs/formats/), served as pages (registry.format_documents).
DOCUMENTS = (
    Document("enterprises", 10),
    Document("discharge", 40),
)
