"""Discharge report pages: the list, a report with its flags and grade, its history, the
entry grid, the workflow steps (submit, verify, return, unlock), the flagged values, and the
panel on the enterprise page."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.http import require_POST

from benxi_cp import scoping
from benxi_cp.closing import YearClosed
from benxi_cp.importers import get_importer
from benxi_cp.models import EditConflict
from benxi_cp.units import unit_label
from benxi_cp.versions import Difference, refuse
from benxi_cp.views import ObjectDetailView, ObjectListView, PermissionMixin
from enterprises import reliability, reliability_store, workflow
from enterprises.choices import Basis, PeriodKind, ReportStatus, Severity
from enterprises.filters import DischargeReportFilter, FlagFilter
from enterprises.forms import (
    ReasonForm,
    ReportHeaderForm,
    ReportStartForm,
    SelectionForm,
    ValueRowFormSet,
    VerifyForm,
)
from enterprises.locks import WriteConflict
from enterprises.models import (
    DischargeReport,
    DischargeValue,
    Enterprise,
    Pollutant,
    ReliabilityFlag,
    ReportLocked,
    ReportUnlock,
    parse_period,
    period_code,
)
from enterprises.panels import register_panel
from enterprises.tables import DischargeReportTable, FlagTable
from enterprises.templatetags.discharge import plain_amount
from enterprises.workflow import ValueRow

ENTER_PERMISSIONS = ("enterprises.add_dischargereport", "enterprises.change_dischargereport")
PIVOT_YEARS = 5


def _counted_flags() -> Coalesce:
    """Warnings and serious flags of a report (notes such as 'estimated' are not counted).

    A correlated subquery rather than a JOIN … GROUP BY: a page evaluates it for its 25
    rows only, and the paginator's COUNT(*) leaves it out (a GROUP BY over every report and
    flag took seconds at province scale)."""
    flags = (
        ReliabilityFlag.objects.filter(report=OuterRef("pk"))
        .exclude(severity=Severity.INFO)
        .order_by()
        .values("report")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(flags, output_field=IntegerField()), Value(0))


def previous_report(report: DischargeReport) -> DischargeReport | None:
    """The enterprise's latest report of the same kind before this one, in any status."""
    if report.enterprise_id is None:
        return None
    return (
        DischargeReport.objects.filter(
            enterprise_id=report.enterprise_id, period_kind=report.period_kind
        )
        .filter(
            Q(year__lt=report.year) | Q(year=report.year, period_number__lt=report.period_number)
        )
        .order_by("-year", "-period_number")
        .first()
    )


def _previous_values(report: DischargeReport) -> tuple[DischargeReport | None, dict[int, dict]]:
    previous = previous_report(report)
    if previous is None:
        return None, {}
    values = {
        pollutant_id: {"amount": amount, "basis": basis, "basis_label": Basis(basis).label}
        for pollutant_id, amount, basis in previous.values.values_list(
            "pollutant_id", "amount", "basis"
        )
    }
    return previous, values


# -- lists ----------------------------------------------------------------------------------
class ReportListView(ObjectListView):
    permission_required = "enterprises.view_dischargereport"
    table_class = DischargeReportTable
    filterset_class = DischargeReportFilter
    title = gettext_lazy("Discharge reports")
    template_name = "enterprises/report_list.html"
    export_name = "discharge-reports"
    create_url_name = "enterprises:report_entry"
    create_permission = "enterprises.add_dischargereport"
    import_kind = "discharge"

    def get_queryset(self):
        return (
            DischargeReport.objects.for_user(self.request.user)
            .select_related("enterprise")
            .annotate(flag_count=_counted_flags())
        )

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not self.request.user.has_perm("enterprises.verify_dischargereport"):
            kwargs["exclude"] = ("select",)  # choosing reports serves only to verify them
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_verify"] = self.request.user.has_perm("enterprises.verify_dischargereport")
        return context


class FlaggedValuesView(ObjectListView):
    """Every flag the checks raised, serious first: the EPB's follow-up list."""

    permission_required = "enterprises.view_reliabilityflag"
    table_class = FlagTable
    filterset_class = FlagFilter
    title = gettext_lazy("Flagged values")
    export_name = "flagged-values"
    template_name = "enterprises/flagged_values.html"

    def get_queryset(self):
        reports = DischargeReport.objects.for_user(self.request.user)
        # Scoped through the reports the user may read; when that is every report, no
        # IN (…) over all of them (it doubled the paginator's COUNT at province scale).
        if reports.query.where:
            flags = ReliabilityFlag.objects.filter(report__in=reports)
        else:
            flags = ReliabilityFlag.objects.all()
        if not self.request.GET.get("severity"):
            # Notes (estimated values) are many and need no follow-up; they show on request.
            # Written as IN (serious, warning), not "not a note": the (severity, code) index
            # answers it.
            flags = flags.filter(severity__in=[Severity.SERIOUS, Severity.WARNING])
        return (
            flags.select_related("report__enterprise", "pollutant", "value")
            .annotate(
                severity_rank=Case(
                    When(severity=Severity.SERIOUS, then=Value(0)),
                    When(severity=Severity.WARNING, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("severity_rank", "-report__year", "report__enterprise__code", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["grade_rule"] = reliability.GRADE_RULE
        return context


# -- one report -----------------------------------------------------------------------------
class ReportDetailView(ObjectDetailView):
    permission_required = "enterprises.view_dischargereport"
    template_name = "enterprises/report_detail.html"

    def get_queryset(self):
        return (
            DischargeReport.objects.for_user(self.request.user)
            .select_related(
                "enterprise",
                "updated_by",
                "entered_by",
                "submitted_by",
                "verified_by",
                "returned_by",
            )
            .prefetch_related(
                Prefetch(
                    "values",
                    queryset=DischargeValue.objects.select_related("pollutant").order_by(
                        "pollutant__position", "pollutant__code"
                    ),
                ),
                Prefetch("flags", queryset=ReliabilityFlag.objects.select_related("pollutant")),
                Prefetch("unlocks", queryset=ReportUnlock.objects.select_related("unlocked_by")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        flags_by_value = defaultdict(list)
        report_flags = []
        for flag in report.flags.all():
            if flag.severity == Severity.INFO:
                continue  # an estimated basis shows in its column and in the grade's reasons
            if flag.value_id:
                flags_by_value[flag.value_id].append(flag)
            else:
                report_flags.append(flag)
        previous, previous_values = _previous_values(report)
        rows = [
            {
                "value": value,
                "flags": flags_by_value.get(value.pk, []),
                "css": _row_css(flags_by_value.get(value.pk, [])),
                "previous": previous_values.get(value.pollutant_id),
            }
            for value in report.values.all()
        ]
        editable = not report.is_locked and user.has_perms(ENTER_PERMISSIONS)
        may_verify = user.has_perm("enterprises.verify_dischargereport")
        duties = workflow.duties_refusal(report, user) if may_verify else ""
        context.update(
            rows=rows,
            report_flags=report_flags,
            previous=previous,
            grade=reliability_store.flags_grade(report),
            grade_rule=reliability.GRADE_RULE,
            may_edit=editable,
            may_submit=editable
            and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
            and bool(rows),
            may_verify=may_verify and report.status == ReportStatus.SUBMITTED and not duties,
            may_return=may_verify and report.status == ReportStatus.SUBMITTED,
            duties_refusal=duties if report.status == ReportStatus.SUBMITTED else "",
            may_unlock=report.is_locked and user.has_perm("enterprises.unlock_dischargereport"),
            reason_form=ReasonForm(),
        )
        return context


STEP_LABELS = {
    "submit": gettext_lazy("Submitted"),
    "verify": gettext_lazy("Verified"),
    "return": gettext_lazy("Returned"),
    "unlock": gettext_lazy("Unlocked"),
}
REPORT_FIELDS = ["status", "output_10k_yuan", "return_reason"]
VALUE_FIELDS = ["amount", "basis"]
ACTIONS = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}


def _shown(record, name: str) -> str:
    value = getattr(record, name)
    if value in (None, ""):
        return "—"
    if name == "status":
        return str(ReportStatus(value).label)
    if name == "basis":
        return str(Basis(value).label)
    if isinstance(value, Decimal):
        return plain_amount(value)
    return str(value)


def history_entries(report: DischargeReport) -> list[dict]:
    """The report's and its values' history, newest first: who, when, what changed and why."""
    report_records = list(report.history.select_related("history_user").order_by("history_id"))
    value_records = list(
        DischargeValue.history.filter(report_id=report.pk)
        .select_related("history_user", "pollutant")
        .order_by("history_id")
    )
    model = DischargeReport._meta
    value_model = DischargeValue._meta
    entries = []
    for records, fields, meta in (
        (report_records, REPORT_FIELDS, model),
        (value_records, VALUE_FIELDS, value_model),
    ):
        last_by_object: dict[int, object] = {}
        for record in records:
            before = last_by_object.get(record.id)
            last_by_object[record.id] = record
            changes = []
            for name in fields:
                label = meta.get_field(name).verbose_name
                new = _shown(record, name)
                if record.history_type == "+" and new != "—":
                    changes.append({"field": label, "old": "", "new": new})
                elif record.history_type == "~" and before is not None:
                    old = _shown(before, name)
                    if old != new:
                        changes.append({"field": label, "old": old, "new": new})
                elif record.history_type == "-":
                    changes.append({"field": label, "old": new, "new": ""})
            step, reason = "", ""
            if meta is model and record.history_change_reason:
                step, _sep, reason = record.history_change_reason.partition(": ")
            if not changes and not step:
                continue
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "action": ACTIONS.get(record.history_type, record.history_type),
                    "subject": (
                        record.pollutant.display_name
                        if meta is value_model and record.pollutant
                        else _("report")
                    ),
                    "changes": changes,
                    "step": STEP_LABELS.get(step, step),
                    "reason": reason,
                    "order": (record.history_date, meta is model, record.history_id),
                }
            )
    entries.sort(key=lambda entry: entry["order"], reverse=True)
    return entries


class ReportHistoryView(ObjectDetailView):
    permission_required = "enterprises.view_dischargereport"
    template_name = "enterprises/report_history.html"

    def get_queryset(self):
        return DischargeReport.objects.for_user(self.request.user).select_related("enterprise")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = history_entries(self.object)
        context["unlocks"] = self.object.unlocks.select_related("unlocked_by")
        return context


# -- the workflow steps ---------------------------------------------------------------------
def _step(request, pk: int, permission: str, run, needs_reason: bool = False):
    if not request.user.has_perm(permission):
        raise PermissionDenied
    report = get_object_or_404(DischargeReport.objects.for_user(request.user), pk=pk)
    args = []
    if needs_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason."))
            return redirect(report)
        args.append(form.cleaned_data["reason"])
    try:
        run(report, request.user, *args)
    except ValidationError as refused:  # TransitionRefused, ReportLocked, WriteConflict
        messages.error(request, " ".join(refused.messages))
    else:
        report.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("The report is now %(status)s.") % {"status": report.get_status_display()},
        )
    return redirect(report)


@require_POST
def report_submit(request, pk: int):
    return _step(request, pk, "enterprises.change_dischargereport", workflow.submit)


class ReportVerifyView(ReportDetailView):
    """Verifying a report: a confirmation page with its values, flags and grade (GET); the
    confirmation (POST) verifies it and moves on to the next report the user may verify."""

    permission_required = "enterprises.verify_dischargereport"
    template_name = "enterprises/report_verify.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status != ReportStatus.SUBMITTED:
            messages.info(request, workflow.verify_refusal(self.object, request.user))
            return redirect(self.object)
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        # A refused step is told by the workflow below; the confirmation is asked only of
        # a report this user may verify.
        if not workflow.verify_refusal(self.object, request.user):
            form = self._form(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form))
        try:
            workflow.verify(self.object, request.user)
        except ValidationError as refused:  # TransitionRefused, DutiesRefused, WriteConflict
            messages.error(request, " ".join(refused.messages))
            return redirect(self.object)
        following = workflow.next_to_verify(request.user, after=self.object)
        if following is None:
            messages.success(
                request,
                _("%(report)s is verified and locked. No other report waits for you.")
                % {"report": self.object},
            )
            return redirect(self.object)
        messages.success(
            request,
            _("%(report)s is verified and locked. Next: %(next)s.")
            % {"report": self.object, "next": following},
        )
        return redirect("enterprises:report_verify", following.pk)

    def _form(self, data=None) -> VerifyForm:
        serious = sum(1 for flag in self.object.flags.all() if flag.severity == Severity.SERIOUS)
        return VerifyForm(data, serious=serious)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        flags = [flag for flag in report.flags.all() if flag.severity != Severity.INFO]
        flags.sort(key=lambda flag: (flag.severity != Severity.SERIOUS, flag.pk))
        context.update(
            all_flags=flags,
            serious_count=sum(1 for flag in flags if flag.severity == Severity.SERIOUS),
            refusal=workflow.verify_refusal(report, self.request.user),
        )
        return context


report_verify = ReportVerifyView.as_view()


def report_verify_next(request):
    """The oldest submitted report the user may verify, on its confirmation page."""
    if not request.user.has_perm("enterprises.verify_dischargereport"):
        raise PermissionDenied
    following = workflow.next_to_verify(request.user)
    if following is None:
        messages.info(request, _("No submitted report waits for you to verify it."))
        return redirect(f"{reverse('enterprises:report_list')}?status={ReportStatus.SUBMITTED}")
    return redirect("enterprises:report_verify", following.pk)


@require_POST
def report_verify_selection(request):
    """Reports chosen on the list, verified at once: a review page listing each one with
    its grade and flags and whether it may be verified, then one confirmation."""
    if not request.user.has_perm("enterprises.verify_dischargereport"):
        raise PermissionDenied
    back = request.POST.get("back", "")
    if not back.startswith(reverse("enterprises:report_list")):
        back = reverse("enterprises:report_list")
    form = SelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the reports to verify."))
        return redirect(back)
    ids = form.cleaned_data["report"]
    if len(set(ids)) > workflow.SELECTION_MAX:
        messages.error(
            request,
            _("Choose at most %(max)s reports at once; nothing was verified.")
            % {"max": workflow.SELECTION_MAX},
        )
        return redirect(back)
    if form.cleaned_data["step"] == "confirm":
        try:
            verified = workflow.verify_selection(ids, request.user)
        except workflow.SelectionRefused as refused:
            messages.error(
                request,
                ngettext(
                    "Nothing was verified: %(count)s chosen report may not be verified "
                    "with the others. %(reasons)s",
                    "Nothing was verified: %(count)s chosen reports may not be verified "
                    "with the others. %(reasons)s",
                    len(refused.refused),
                )
                % {"count": len(refused.refused), "reasons": " ".join(refused.messages)},
            )
        except ValidationError as refused:  # TransitionRefused, WriteConflict
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s report verified and locked.",
                    "%(count)s reports verified and locked.",
                    len(verified),
                )
                % {"count": len(verified)},
            )
        return redirect(back)
    reports = list(
        DischargeReport.objects.for_user(request.user)
        .filter(pk__in=ids)
        .select_related("enterprise")
        .annotate(flag_count=_counted_flags())
        .order_by("enterprise__code", "year", "period_kind", "period_number")
    )
    rows = [
        {"report": report, "refusal": workflow.selection_refusal(report, request.user)}
        for report in reports
    ]
    return render(
        request,
        "enterprises/report_verify_selection.html",
        {
            "title": _("Verify the chosen reports"),
            "rows": rows,
            "refused": [row for row in rows if row["refusal"]],
            "missing": len(ids) - len(reports),
            "back": back,
        },
    )


@require_POST
def report_return(request, pk: int):
    return _step(request, pk, "enterprises.verify_dischargereport", workflow.return_report, True)


@require_POST
def report_unlock(request, pk: int):
    return _step(request, pk, "enterprises.unlock_dischargereport", workflow.unlock, True)


def report_import(request):
    """The navigation's way to the discharge import page."""
    if not request.user.has_perms(get_importer("discharge").permissions):
        raise PermissionDenied
    return redirect("import", "discharge")


# -- the entry grid -------------------------------------------------------------------------
class ReportEntryView(PermissionMixin, View):
    """One keyboard-friendly grid for every pollutant of a report.

    GET ?enterprise=<pk>&year=<yyyy>&period=Y|Q1..Q4|M01..M12 opens the report of that
    period, or a new one; without them, a small form asks for them. The rows are the
    pollutants of the report and of the enterprise's previous report of the same kind
    (the whole catalogue for a first report); others can be added. An empty amount means
    'not reported'.
    """

    permission_required = ENTER_PERMISSIONS
    template_name = "enterprises/report_entry.html"
    start_template_name = "enterprises/report_start.html"
    prefix = "rows"
    # An enterprise's preparer enters its own reports here too (benxi_cp/scoping.py): only
    # for the enterprises they may enter for, and they submit by signing (the portal).
    enterprise_scoped = True

    def dispatch(self, request, *args, **kwargs):
        self.catalogue = None
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

    def _done(self, report: DischargeReport):
        """Where the grid leads after a report: its page; an enterprise user, who reads it on
        their own page, back to the grid, or home when the report is locked."""
        if self.for_enterprise:
            return redirect("home") if report.is_locked else redirect(report.entry_url)
        return redirect(report)

    def _scoped(self, form):
        """The start form offers an enterprise user only the enterprises they enter for."""
        if self.for_enterprise:
            form.fields["enterprise"].queryset = scoping.scope_for(
                self.request.user, Enterprise.objects.all()
            )
        return form

    # which report
    def _period(self, request):
        keys = ("enterprise", "year", "period")
        if not all(request.GET.get(key) for key in keys):
            return None, None
        form = self._scoped(ReportStartForm(request.GET))
        if not form.is_valid():
            return None, form
        kind, number = parse_period(form.cleaned_data["period"])
        enterprise = form.cleaned_data["enterprise"]
        report = (
            DischargeReport.objects.filter(
                enterprise=enterprise,
                year=form.cleaned_data["year"],
                period_kind=kind,
                period_number=number,
            )
            .select_related("enterprise")
            .first()
        )
        if report is None:
            report = DischargeReport(
                enterprise=enterprise,
                year=form.cleaned_data["year"],
                period_kind=kind,
                period_number=number,
            )
        return report, form

    def _start(self, request, form=None):
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
            form = self._scoped(ReportStartForm(initial=initial))
        return render(
            request,
            self.start_template_name,
            {"form": form, "title": _("Enter a discharge report")},
        )

    def get(self, request):
        report, form = self._period(request)
        if report is None:
            return self._start(request, form)
        if report.is_locked:
            messages.info(request, _("This report is verified and locked."))
            return self._done(report)
        previous, previous_values = _previous_values(report)
        current = list(report.values.all()) if report.pk else []
        initial = {v.pollutant_id: {"amount": v.amount, "basis": v.basis} for v in current}
        ids = set(initial) | set(previous_values)
        if not ids:
            ids = {p.pk for p in self._catalogue().values()}
        rows = []
        for pollutant in sorted((self._catalogue()[i] for i in ids), key=_position):
            stored = initial.get(pollutant.pk)
            # A new figure is most likely found the way last period's was.
            last = previous_values.get(pollutant.pk)
            basis = (stored or last or {}).get("basis", Basis.ESTIMATED)
            rows.append(
                {
                    "pollutant": pollutant.pk,
                    "amount": plain_amount(stored["amount"], grouping=False) if stored else "",
                    "basis": basis,
                }
            )
        formset = ValueRowFormSet(initial=rows, prefix=self.prefix)
        header = ReportHeaderForm(instance=report)
        return self._grid(request, report, header, formset, previous, previous_values)

    def post(self, request):
        report, _form = self._period(request)
        if report is None:
            return HttpResponseBadRequest(_("Say which enterprise, year and period."))
        if report.is_locked:
            messages.error(request, str(ReportLocked(report).messages[0]))
            return self._done(report)
        previous, previous_values = _previous_values(report)
        action = request.POST.get("action", "save")
        if action == "add":
            formset = ValueRowFormSet(self._with_added_row(request.POST), prefix=self.prefix)
            header = ReportHeaderForm(request.POST, instance=report)
            return self._grid(request, report, header, formset, previous, previous_values)
        header = ReportHeaderForm(request.POST, instance=report)
        formset = ValueRowFormSet(request.POST, prefix=self.prefix)
        if header.is_valid() and formset.is_valid() and self._known(formset):
            rows = [
                ValueRow(
                    self._catalogue()[form.cleaned_data["pollutant"]],
                    form.cleaned_data["amount"],
                    form.cleaned_data["basis"],
                )
                for form in formset
                if form.cleaned_data.get("amount") is not None
            ]
            try:
                workflow.save_report(report, rows, request.user, read_version=header.read_version)
            except EditConflict as conflict:
                merged = self._refuse(request, header, conflict, rows)
                if merged is not None:
                    formset = ValueRowFormSet(merged, prefix=self.prefix)
                    formset.is_valid()
            except ReportLocked as locked:
                messages.error(request, " ".join(locked.messages))
                return self._done(report)
            except (WriteConflict, YearClosed) as conflict:
                header.add_error(None, " ".join(conflict.messages))
            except IntegrityError:
                header.add_error(None, _("The database refused this report; check the values."))
            else:
                return self._after_save(request, report, action)
        return self._grid(request, report, header, formset, previous, previous_values, status=200)

    def _after_save(self, request, report: DischargeReport, action: str):
        counted = report.flags.exclude(severity=Severity.INFO).count()
        if action == "submit" and self.for_enterprise:
            # An enterprise submits by signing: its signatory reads and signs the report.
            messages.info(
                request,
                _("Saved as %(status)s. Your signatory submits it by signing it.")
                % {"status": report.get_status_display()},
            )
            return self._done(report)
        if action == "submit":
            try:
                workflow.submit(report, request.user)
            except ValidationError as refused:  # TransitionRefused, WriteConflict
                messages.error(request, " ".join(refused.messages))
                return redirect(report.entry_url)
            messages.success(request, _("Saved and submitted to the EPB for verification."))
            return redirect(report)
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
        since = _moved_on(stored, conflict.read_version)
        differences, taken = value_differences(stored, rows, since, self._catalogue())
        result.rows.extend(differences)
        return self._with_stored_rows(request.POST, taken)

    def _with_stored_rows(self, posted, taken: dict[int, tuple | None]):
        data = posted.copy()
        prefix = self.prefix
        try:
            total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
        except ValueError:
            return data
        rows = {data.get(f"{prefix}-{i}-pollutant"): i for i in range(total)}
        for pollutant_id, value in taken.items():
            index = rows.get(str(pollutant_id))
            if index is None:
                if value is None:
                    continue
                index, total = total, total + 1
                data[f"{prefix}-{index}-pollutant"] = str(pollutant_id)
            amount, basis = value or (None, data.get(f"{prefix}-{index}-basis", Basis.ESTIMATED))
            data[f"{prefix}-{index}-amount"] = (
                "" if amount is None else plain_amount(amount, grouping=False)
            )
            data[f"{prefix}-{index}-basis"] = basis
        data[f"{prefix}-TOTAL_FORMS"] = str(total)
        return data

    # helpers
    def _catalogue(self) -> dict[int, Pollutant]:
        if self.catalogue is None:
            self.catalogue = {p.pk: p for p in Pollutant.objects.all()}
        return self.catalogue

    def _known(self, formset) -> bool:
        catalogue = self._catalogue()
        for form in formset:
            if form.cleaned_data.get("pollutant") not in catalogue:
                form.add_error("amount", _("Unknown pollutant."))
                return False
        return True

    def _with_added_row(self, data):
        data = data.copy()
        try:
            total = int(data.get(f"{self.prefix}-TOTAL_FORMS", 0))
            added = int(data.get("add_pollutant") or 0)
        except ValueError:
            return data
        present = {data.get(f"{self.prefix}-{i}-pollutant") for i in range(total)}
        if added in self._catalogue() and str(added) not in present:
            data[f"{self.prefix}-{total}-pollutant"] = str(added)
            data[f"{self.prefix}-{total}-amount"] = ""
            data[f"{self.prefix}-{total}-basis"] = Basis.ESTIMATED
            data[f"{self.prefix}-TOTAL_FORMS"] = str(total + 1)
        return data

    def _grid(self, request, report, header, formset, previous, previous_values, status=200):
        catalogue = self._catalogue()
        flags = defaultdict(list)
        if report.pk:
            for flag in report.flags.exclude(severity=Severity.INFO).select_related("pollutant"):
                flags[flag.pollutant_id].append(flag)
        rows, shown = [], set()
        first_empty = None
        for form in formset:
            try:
                pollutant = catalogue.get(int(form["pollutant"].value()))
            except (TypeError, ValueError):
                pollutant = None
            if pollutant is not None:
                shown.add(pollutant.pk)
            amount = form["amount"]
            if first_empty is None and not amount.value():
                first_empty = amount
            row_flags = flags.get(pollutant.pk, []) if pollutant else []
            rows.append(
                {
                    "form": form,
                    "pollutant": pollutant,
                    "previous": previous_values.get(pollutant.pk) if pollutant else None,
                    "flags": row_flags,
                    "css": _row_css(row_flags),
                }
            )
        focus = first_empty or (rows[0]["form"]["amount"] if rows else None)
        if focus is not None:
            focus.field.widget.attrs["autofocus"] = True
        addable = sorted((p for p in catalogue.values() if p.pk not in shown), key=_position)
        return render(
            request,
            self.template_name,
            {
                "report": report,
                "header": header,
                "formset": formset,
                "rows": rows,
                "addable": addable,
                "previous": previous,
                "report_flags": flags.get(None, []),
                "title": _("Discharge report %(enterprise)s %(period)s")
                % {"enterprise": report.enterprise.display_name, "period": report.period_label},
                "period": period_code(report.period_kind, report.period_number),
            },
            status=status,
        )


def _moved_on(report: DischargeReport, version: int):
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


def _row_css(flags) -> str:
    severities = {flag.severity for flag in flags}
    if Severity.SERIOUS in severities:
        return "flag-serious"
    return "flag-warning" if Severity.WARNING in severities else ""


def _position(pollutant: Pollutant) -> tuple[int, str]:
    return (pollutant.position, pollutant.code)


# -- the panel on the enterprise page -------------------------------------------------------
@register_panel(order=20)
def discharge_panel(request, enterprise: Enterprise):
    """Its reports by year, its grade, and its annual discharge per pollutant over the years."""
    user = request.user
    if not user.has_perm("enterprises.view_dischargereport"):
        return None
    reports = list(
        enterprise.discharge_reports.annotate(
            serious=Count("flags", filter=Q(flags__severity=Severity.SERIOUS)),
            warnings=Count("flags", filter=Q(flags__severity=Severity.WARNING)),
        ).order_by("-year", "period_kind", "period_number")
    )
    counted = [r for r in reports if r.status != ReportStatus.DRAFT]
    grade = reliability.enterprise_grade((r.year, r.grade) for r in counted)
    in_grade = [r for r in counted if r.year in grade.years]
    by_year: dict[int, list] = defaultdict(list)
    for report in reports:
        by_year[report.year].append(report)

    rows = DischargeValue.objects.filter(
        report__enterprise=enterprise, report__period_kind=PeriodKind.YEAR
    ).exclude(report__status=ReportStatus.DRAFT)
    years: set[int] = set()
    pollutants: dict[str, dict] = {}
    for year, status, code, name, name_en, unit, position, amount in rows.values_list(
        "report__year",
        "report__status",
        "pollutant__code",
        "pollutant__name",
        "pollutant__name_en",
        "pollutant__unit",
        "pollutant__position",
        "amount",
    ):
        years.add(year)
        entry = pollutants.setdefault(
            code,
            {
                "name": Pollutant(name=name, name_en=name_en).display_name,
                "unit": unit_label(unit),
                "position": position,
                "cells": {},
            },
        )
        entry["cells"][year] = {"amount": amount, "verified": status == ReportStatus.VERIFIED}
    # The last five years fit beside the enterprise's facts; the reports hold the rest.
    ordered_years = sorted(years)[-PIVOT_YEARS:]
    table = [
        {**entry, "row": [entry["cells"].get(year) for year in ordered_years]}
        for entry in sorted(pollutants.values(), key=lambda e: e["position"])
    ]
    summary = ""
    if grade.grade:
        summary = ngettext(
            "%(count)s report of %(first)s–%(last)s: %(grades)s, average %(average)s "
            "(serious flags: %(serious)s; warnings: %(warnings)s).",
            "%(count)s reports of %(first)s–%(last)s: %(grades)s, average %(average)s "
            "(serious flags: %(serious)s; warnings: %(warnings)s).",
            grade.report_count,
        ) % {
            "count": grade.report_count,
            "first": grade.years[0],
            "last": grade.years[-1],
            "grades": " ".join(f"{n}×{letter}" for letter, n in grade.counts.items()),
            "average": grade.average_text,
            "serious": sum(r.serious for r in in_grade),
            "warnings": sum(r.warnings for r in in_grade),
        }
    return (
        "enterprises/panels/discharge.html",
        {
            "enterprise": enterprise,
            "by_year": sorted(by_year.items(), reverse=True),
            "grade": grade,
            "grade_summary": summary,
            "enterprise_rule": reliability.ENTERPRISE_RULE,
            "years": ordered_years,
            "more_years": len(years) > len(ordered_years),
            "table": table,
            "may_enter": user.has_perms(ENTER_PERMISSIONS),
            "entry_url": f"{reverse('enterprises:report_entry')}?enterprise={enterprise.pk}",
            "list_url": f"{reverse('enterprises:report_list')}?enterprise={enterprise.pk}",
        },
    )
