"""The entry grid of a discharge report: one keyboard-friendly form for every pollutant of a
report, in parts of one purpose each.

- `asked_report` finds the report the address asks for (or a new one), `start_page` asks
  for enterprise, year and period when it does not say;
- `Grid` holds what the grid is made of: the pollutant catalogue, its first rows, rows
  added or taken from the stored report, and the rows as the template shows them;
- `save` writes the grid (the workflow's `save_report`), turning each refusal into a
  message, and `after_save` says what happened and where to go;
- `value_differences` compares the grid with a report someone else saved since it was read;
- `ReportEntryView` ties them together.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from benxi_cp import scoping
from benxi_cp.models import EditConflict
from benxi_cp.refusals import Refused
from benxi_cp.versions import Difference, refuse
from benxi_cp.views import PermissionMixin
from enterprises import workflow
from enterprises.choices import Basis, PeriodKind, Severity
from enterprises.forms import ReportHeaderForm, ReportStartForm, ValueRowFormSet
from enterprises.locks import WriteConflict
from enterprises.models import (
    DischargeReport,
    DischargeValue,
    Enterprise,
    Pollutant,
    ReportLocked,
    parse_period,
    period_code,
)
from enterprises.templatetags.discharge import plain_amount
from enterprises.views_discharge import (
    ENTER_PERMISSIONS,
    _position,
    _previous_values,
    _row_css,
    grid_comparisons,
)
from enterprises.workflow import ValueRow

PREFIX = "rows"
START_TEMPLATE = "enterprises/report_start.html"
GRID_TEMPLATE = "enterprises/report_entry.html"


# -- which report ---------------------------------------------------------------------------
def asked_report(request) -> tuple[DischargeReport | None, ReportStartForm | None]:
    """The report of ?enterprise=<pk>&year=<yyyy>&period=Y|Q1..Q4|M01..M12 (a new one when
    none is stored) and the form that read them; (None, None) when the address does not
    say, (None, form) when it says wrongly."""
    keys = ("enterprise", "year", "period")
    if not all(request.GET.get(key) for key in keys):
        return None, None
    form = scoped(request, ReportStartForm(request.GET))
    if not form.is_valid():
        return None, form
    kind, number = parse_period(form.cleaned_data["period"])
    period = {
        "enterprise": form.cleaned_data["enterprise"],
        "year": form.cleaned_data["year"],
        "period_kind": kind,
        "period_number": number,
    }
    report = DischargeReport.objects.filter(**period).select_related("enterprise").first()
    return (report or DischargeReport(**period)), form


def scoped(request, form):
    """The start form offers an enterprise user only the enterprises they enter for
    (benxi_cp/scoping.py)."""
    if scoping.is_enterprise_user(request.user):
        form.fields["enterprise"].queryset = scoping.scope_for(
            request.user, Enterprise.objects.all()
        )
    return form


def done(request, report: DischargeReport):
    """Where the grid leads after a report: its page; an enterprise user, who reads it on
    their own page, back to the grid, or home when the report is locked."""
    if scoping.is_enterprise_user(request.user):
        return redirect("home") if report.is_locked else redirect(report.entry_url)
    return redirect(report)


def start_page(request, form=None):
    """The small form asking for enterprise, year and period (the next year of the
    enterprise's last annual report, when the address names the enterprise)."""
    if form is None:
        initial = {"period": request.GET.get("period") or "Y"}
        given = request.GET.get("enterprise", "")
        enterprise = (
            scoping.scope_for(request.user, Enterprise.objects.all()).filter(pk=given).first()
            if given.isdigit()
            else None
        )
        if enterprise is not None:
            initial["enterprise"] = enterprise
            latest = (
                enterprise.discharge_reports.filter(period_kind=PeriodKind.YEAR)
                .order_by("-year")
                .values_list("year", flat=True)
                .first()
            )
            if latest:
                initial["year"] = latest + 1
        if request.GET.get("year", "").isdigit():
            initial["year"] = int(request.GET["year"])
        form = scoped(request, ReportStartForm(initial=initial))
    return render(request, START_TEMPLATE, {"form": form, "title": _("Enter a discharge report")})


# -- what the grid is made of ---------------------------------------------------------------
class Grid:
    """The rows of one report's grid: the catalogue they draw on (read once), the first rows,
    a row added, rows taken from the stored report, and the rows as the page shows them."""

    def __init__(self, prefix: str = PREFIX):
        self.prefix = prefix
        self._catalogue: dict[int, Pollutant] | None = None

    @property
    def catalogue(self) -> dict[int, Pollutant]:
        if self._catalogue is None:
            self._catalogue = {p.pk: p for p in Pollutant.objects.all()}
        return self._catalogue

    def initial(
        self, report: DischargeReport, previous_values: dict[int, dict], last_bases: dict
    ) -> list[dict]:
        """The report's pollutants and its predecessor's (the whole catalogue for a first
        report), with the stored amounts. A new figure is most likely found the way the
        enterprise found its last one for that pollutant (`last_bases`); one it never
        reported has no basis until the clerk chooses (an "estimated" by default would grade
        the report down unasked)."""
        current = list(report.values.all()) if report.pk else []
        stored = {v.pollutant_id: {"amount": v.amount, "basis": v.basis} for v in current}
        ids = set(stored) | set(previous_values) or set(self.catalogue)
        rows = []
        for pollutant in sorted((self.catalogue[i] for i in ids), key=_position):
            value = stored.get(pollutant.pk)
            basis = value["basis"] if value else last_bases.get(pollutant.pk, "")
            amount = plain_amount(value["amount"], grouping=False) if value else ""
            rows.append({"pollutant": pollutant.pk, "amount": amount, "basis": basis})
        return rows

    def known(self, formset) -> bool:
        """Every row names a pollutant of the catalogue (else its row says so)."""
        for form in formset:
            if form.cleaned_data.get("pollutant") not in self.catalogue:
                form.add_error("amount", _("Unknown pollutant."))
                return False
        return True

    def value_rows(self, formset) -> list[ValueRow]:
        return [
            ValueRow(
                self.catalogue[form.cleaned_data["pollutant"]],
                form.cleaned_data["amount"],
                form.cleaned_data["basis"],
            )
            for form in formset
            if form.cleaned_data.get("amount") is not None
        ]

    def _total(self, data) -> int | None:
        try:
            return int(data.get(f"{self.prefix}-TOTAL_FORMS", 0))
        except ValueError:
            return None

    def with_added_row(self, data, last_bases: dict):
        """The posted grid with an empty row for the pollutant chosen to add (its basis the
        enterprise's last for it, else none)."""
        data = data.copy()
        total = self._total(data)
        try:
            added = int(data.get("add_pollutant") or 0)
        except ValueError:
            return data
        if total is None:
            return data
        present = {data.get(f"{self.prefix}-{i}-pollutant") for i in range(total)}
        if added in self.catalogue and str(added) not in present:
            data[f"{self.prefix}-{total}-pollutant"] = str(added)
            data[f"{self.prefix}-{total}-amount"] = ""
            data[f"{self.prefix}-{total}-basis"] = last_bases.get(added, "")
            data[f"{self.prefix}-TOTAL_FORMS"] = str(total + 1)
        return data

    def with_stored_rows(self, posted, taken: dict[int, tuple | None]):
        """The posted grid with the stored values of `taken` (pollutant -> (amount, basis),
        or None for a value removed) in place of the user's."""
        data = posted.copy()
        prefix = self.prefix
        total = self._total(data)
        if total is None:
            return data
        rows = {data.get(f"{prefix}-{i}-pollutant"): i for i in range(total)}
        for pollutant_id, value in taken.items():
            index = rows.get(str(pollutant_id))
            if index is None:
                if value is None:
                    continue
                index, total = total, total + 1
                data[f"{prefix}-{index}-pollutant"] = str(pollutant_id)
            amount, basis = value or (None, data.get(f"{prefix}-{index}-basis", ""))
            data[f"{prefix}-{index}-amount"] = (
                "" if amount is None else plain_amount(amount, grouping=False)
            )
            data[f"{prefix}-{index}-basis"] = basis
        data[f"{prefix}-TOTAL_FORMS"] = str(total)
        return data

    def shown_rows(
        self, report, formset, previous_values, columns
    ) -> tuple[list[dict], list, dict]:
        """The rows as the page shows them (form, pollutant, last period's value, the compared
        periods' values of `columns`, flags), the
        pollutants that may be added, and the report's flags by pollutant (None: the
        report's own); the first empty amount takes the focus."""
        flags = defaultdict(list)
        if report.pk:
            for flag in report.flags.exclude(severity=Severity.INFO).select_related("pollutant"):
                flags[flag.pollutant_id].append(flag)
        rows, shown, first_empty = [], set(), None
        for form in formset:
            try:
                pollutant = self.catalogue.get(int(form["pollutant"].value()))
            except (TypeError, ValueError):
                pollutant = None
            if pollutant is not None:
                shown.add(pollutant.pk)
            if first_empty is None and not form["amount"].value():
                first_empty = form["amount"]
            row_flags = flags.get(pollutant.pk, []) if pollutant else []
            rows.append(
                {
                    "form": form,
                    "pollutant": pollutant,
                    "previous": previous_values.get(pollutant.pk) if pollutant else None,
                    "compared": [
                        column["values"].get(pollutant.pk) if pollutant else None
                        for column in columns
                    ],
                    "flags": row_flags,
                    "css": _row_css(row_flags),
                }
            )
        focus = first_empty or (rows[0]["form"]["amount"] if rows else None)
        if focus is not None:
            focus.field.widget.attrs["autofocus"] = True
        addable = sorted((p for p in self.catalogue.values() if p.pk not in shown), key=_position)
        return rows, addable, flags


# -- saving ---------------------------------------------------------------------------------
def after_save(request, report: DischargeReport, action: str):
    """Submit when asked, and say how the save went: its status and grade, or the checks'
    flags to look at. An enterprise submits by signing: its signatory reads and signs the
    report (the portal)."""
    if action == "submit" and scoping.is_enterprise_user(request.user):
        messages.info(
            request,
            _("Saved as %(status)s. Your signatory submits it by signing it.")
            % {"status": report.get_status_display()},
        )
        return done(request, report)
    if action == "submit":
        try:
            workflow.submit(report, request.user)
        except ValidationError as refused:  # TransitionRefused, WriteConflict
            messages.error(request, " ".join(refused.messages))
            return redirect(report.entry_url)
        messages.success(request, _("Saved and submitted to the EPB for verification."))
        return redirect(report)
    counted = report.flags.exclude(severity=Severity.INFO).count()
    if counted:
        messages.warning(
            request,
            _("Saved as %(status)s. The checks flagged %(count)s values: see the rows marked.")
            % {"status": report.get_status_display(), "count": counted},
        )
    else:
        messages.success(
            request,
            _("Saved as %(status)s. Reliability grade %(grade)s.")
            % {"status": report.get_status_display(), "grade": report.grade},
        )
    return redirect(report.entry_url)


def moved_on(report: DischargeReport, version: int):
    """When the report was first saved past `version` (its history's record of that save:
    a save writes the report, then its values), or None when the history does not say."""
    return (
        report.history.filter(version__gt=version)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )


def value_differences(
    stored: DischargeReport, rows: list[ValueRow], since, catalogue: dict[int, Pollutant]
) -> tuple[list[Difference], dict[int, tuple | None]]:
    """The grid's rows whose entry differs from the stored value, or whose stored value
    changed since the grid was read (up to `since`, the first save after the grid's
    version; None: unknown), with who changed it and when from the values' history; and the
    values to take as stored (the rows the user left as read, which someone else changed:
    pollutant -> (amount, basis), or None for a value removed)."""
    yours = {row.pollutant.pk: (row.amount, row.basis) for row in rows}
    now = {value.pollutant_id: (value.amount, value.basis) for value in stored.values.all()}
    then: dict[int, tuple | None] | None = None
    changes: dict[int, tuple] = {}
    if since is not None:
        then = {}
        for record in (
            DischargeValue.history.filter(report_id=stored.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ):
            if record.history_date < since:
                then[record.pollutant_id] = (
                    None if record.history_type == "-" else (record.amount, record.basis)
                )
            else:
                changes[record.pollutant_id] = (record.history_user, record.history_date)
    differences, taken = [], {}
    for pollutant_id in sorted(set(yours) | set(now), key=lambda pk: _position(catalogue[pk])):
        mine, theirs = yours.get(pollutant_id), now.get(pollutant_id)
        changed = None if then is None else not _same_value(then.get(pollutant_id), theirs)
        if _same_value(mine, theirs) and not changed:
            continue
        left_alone = bool(changed) and _same_value(mine, then.get(pollutant_id))
        if left_alone:
            taken[pollutant_id] = theirs
        by, on = changes.get(pollutant_id, (None, None)) if changed else (None, None)
        pollutant = catalogue[pollutant_id]
        differences.append(
            Difference(
                label=f"{pollutant.display_name} ({pollutant.display_unit})",
                yours=_value_text(mine),
                stored=_value_text(theirs),
                changed_by=by,
                changed_on=on,
                changed_since_read=changed,
                taken=left_alone,
            )
        )
    return differences, taken


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return a[0] == b[0] and a[1] == b[1]


def _value_text(value) -> str:
    if value is None:
        return "—"
    amount, basis = value
    return f"{plain_amount(amount, grouping=False)} ({Basis(basis).label})"


# -- the page -------------------------------------------------------------------------------
class ReportEntryView(PermissionMixin, View):
    """One keyboard-friendly grid for every pollutant of a report.

    GET ?enterprise=<pk>&year=<yyyy>&period=Y|Q1..Q4|M01..M12 opens the report of that
    period, or a new one; without them, a small form asks for them. The rows are the
    pollutants of the report and of the enterprise's previous report of the same kind
    (the whole catalogue for a first report); others can be added. An empty amount means
    'not reported'.
    """

    permission_required = ENTER_PERMISSIONS
    prefix = PREFIX
    # An enterprise's preparer enters its own reports here too (benxi_cp/scoping.py): only
    # for the enterprises they may enter for, and they submit by signing (the portal).
    enterprise_scoped = True

    def dispatch(self, request, *args, **kwargs):
        self.grid = Grid(self.prefix)
        self.for_enterprise = scoping.is_enterprise_user(request.user)
        if self.for_enterprise:
            given = request.GET.get("enterprise", "")
            enterprise = scoping.own_enterprise(request.user, Enterprise.objects.all(), given)
            if given and (enterprise is None or not scoping.may_enter(request.user, enterprise.pk)):
                raise Http404(_("No enterprise of yours has this code."))
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        # An enterprise user's right is their grant for the enterprise (checked above).
        return self.for_enterprise or super().has_permission()

    def get(self, request):
        report, form = asked_report(request)
        if report is None:
            return start_page(request, form)
        if report.is_locked:
            messages.info(request, _("This report is verified and locked."))
            return done(request, report)
        previous, previous_values = _previous_values(report)
        comparisons = grid_comparisons(report, previous)
        formset = ValueRowFormSet(
            initial=self.grid.initial(report, previous_values, comparisons[1]),
            prefix=self.prefix,
        )
        header = ReportHeaderForm(instance=report)
        return self._page(request, report, header, formset, previous, previous_values, comparisons)

    def post(self, request):
        report, _form = asked_report(request)
        if report is None:
            return HttpResponseBadRequest(_("Say which enterprise, year and period."))
        if report.is_locked:
            messages.error(request, str(ReportLocked(report).messages[0]))
            return done(request, report)
        previous, previous_values = _previous_values(report)
        action = request.POST.get("action", "save")
        header = ReportHeaderForm(request.POST, instance=report)
        if action == "add":
            comparisons = grid_comparisons(report, previous)
            data = self.grid.with_added_row(request.POST, comparisons[1])
            formset = ValueRowFormSet(data, prefix=self.prefix)
            return self._page(
                request, report, header, formset, previous, previous_values, comparisons
            )
        formset = ValueRowFormSet(request.POST, prefix=self.prefix)
        if header.is_valid() and formset.is_valid() and self.grid.known(formset):
            saved, formset = self._save(request, report, header, formset)
            if saved is not None:
                return saved
        return self._page(request, report, header, formset, previous, previous_values)

    def _save(self, request, report, header, formset):
        """(the response after a save, or None when it was refused; the formset to show)."""
        rows = self.grid.value_rows(formset)
        try:
            workflow.save_report(report, rows, request.user, read_version=header.read_version)
        except EditConflict as conflict:
            merged = self._refuse(request, header, conflict, rows)
            if merged is not None:
                formset = ValueRowFormSet(merged, prefix=self.prefix)
                formset.is_valid()
        except ReportLocked as locked:
            messages.error(request, " ".join(locked.messages))
            return done(request, report), formset
        except (WriteConflict, Refused) as conflict:
            header.add_error(None, " ".join(conflict.messages))
        except IntegrityError:
            header.add_error(None, _("The database refused this report; check the values."))
        else:
            return after_save(request, report, request.POST.get("action", "save")), formset
        return None, formset

    def _refuse(self, request, header, conflict: EditConflict, rows: list[ValueRow]):
        """Someone saved the report since the grid was opened: nothing is written, the grid
        comes back with the user's entries and, above it, what differs from the stored
        report, value by value. The rows the user left as they were and someone else
        changed now hold the stored values (the grid's data, returned), so that saving
        again does not undo the other's change."""
        result = refuse(header, conflict)
        if result.deleted:
            return None
        stored = DischargeReport.objects.get(pk=conflict.instance.pk)
        since = moved_on(stored, conflict.read_version)
        differences, taken = value_differences(stored, rows, since, self.grid.catalogue)
        result.rows.extend(differences)
        return self.grid.with_stored_rows(request.POST, taken)

    def _page(self, request, report, header, formset, previous, previous_values, comparisons=None):
        columns, _bases = comparisons or grid_comparisons(report, previous)
        rows, addable, flags = self.grid.shown_rows(report, formset, previous_values, columns)
        title = _("Discharge report %(enterprise)s %(period)s") % {
            "enterprise": report.enterprise.display_name,
            "period": report.period_label,
        }
        context = {
            "report": report,
            "header": header,
            "formset": formset,
            "rows": rows,
            "addable": addable,
            "previous": previous,
            "columns": columns,
            "report_flags": flags.get(None, []),
            "title": title,
            "period": period_code(report.period_kind, report.period_number),
        }
        return render(request, GRID_TEMPLATE, context)
