"""Discharge report pages: the list, a report with its flags and grade, its history, the
entry grid, the workflow steps (submit, verify, return, unlock), the flagged values, and the
panel on the enterprise page."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from benxi_cp import panels
from benxi_cp.importers import get_importer
from benxi_cp.views import ObjectDetailView, ObjectListView
from enterprises import reliability, reliability_store, workflow
from enterprises.choices import Basis, PeriodKind, ReportStatus, Severity
from enterprises.filters import DischargeReportFilter, FlagFilter
from enterprises.forms import (
    ReasonForm,
    SelectionForm,
    VerifyForm,
)
from enterprises.models import (
    DischargeReport,
    DischargeValue,
    Pollutant,
    ReliabilityFlag,
    ReportUnlock,
)
from enterprises.tables import DischargeReportTable, FlagTable
from enterprises.templatetags.discharge import plain_amount

ENTER_PERMISSIONS = ("enterprises.add_dischargereport", "enterprises.change_dischargereport")


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


def _period_end(year: int, kind: str, number: int) -> int:
    """The last month of a period, counted from year 0, to order periods of every kind."""
    months = reliability.MONTHS[kind]
    return year * 12 + (12 if kind == PeriodKind.YEAR else number * months)


def grid_comparisons(report: DischargeReport, previous: DischargeReport | None):
    """What the entry grid shows beside each amount, and each pollutant's basis by default.

    The columns: the previous period; for a month or a quarter also the same period a year
    before and the previous year's annual figure scaled to the period's length (a twelfth,
    a quarter). The bases: what the enterprise last reported for each pollutant, in a
    report of any kind before this period; a pollutant it never reported has none, and the
    clerk must choose. Two queries: the reports compared, then every value of the
    enterprise's reports up to this period.
    """
    columns = []
    if report.enterprise_id is None:
        return columns, {}
    kind = report.period_kind
    wanted = {}
    if previous is not None:
        wanted[previous.pk] = (_("Previous period (%(period)s)"), previous, 1, 0)
    if kind != PeriodKind.YEAR:
        before = DischargeReport.objects.filter(
            Q(period_kind=kind, period_number=report.period_number)
            | Q(period_kind=PeriodKind.YEAR),
            enterprise_id=report.enterprise_id,
            year=report.year - 1,
        )
        for other in before:
            if other.period_kind == kind:
                if previous is None or other.pk != previous.pk:
                    wanted[other.pk] = (_("A year before (%(period)s)"), other, 1, 1)
            else:
                scale = Decimal(reliability.MONTHS[kind]) / 12
                wanted[other.pk] = (_("Year %(period)s scaled"), other, scale, 2)
    end = _period_end(report.year, kind, report.period_number)
    values = (
        DischargeValue.objects.filter(
            report__enterprise_id=report.enterprise_id, report__year__lte=report.year
        )
        .exclude(report_id=report.pk)
        .order_by()
        .values_list(
            "report_id",
            "report__year",
            "report__period_kind",
            "report__period_number",
            "pollutant_id",
            "amount",
            "basis",
        )
    )
    shown: dict[int, dict[int, dict]] = defaultdict(dict)
    latest: dict[int, tuple[tuple[int, int], str]] = {}
    for report_id, year, other_kind, number, pollutant_id, amount, basis in values:
        if report_id in wanted:
            scale = wanted[report_id][2]
            shown[report_id][pollutant_id] = {
                # A scaled figure to the hundredth: a twelfth has no end of decimals.
                "amount": amount if scale == 1 else (amount * scale).quantize(Decimal("0.01")),
                "basis_label": Basis(basis).label,
                "scaled": scale != 1,
            }
        # The latest period up to this one; of two ending together, the shorter.
        position = (_period_end(year, other_kind, number), -reliability.MONTHS[other_kind])
        if position[0] <= end and position > latest.get(pollutant_id, ((-1, 0), ""))[0]:
            latest[pollutant_id] = (position, basis)
    # The previous period first, then the same period a year before, then the year scaled.
    order = sorted(wanted.items(), key=lambda item: item[1][3])
    for report_id, (label, other, _scale, _rank) in order:
        columns.append(
            {
                "label": label % {"period": other.period_label},
                "report": other,
                "values": shown.get(report_id, {}),
            }
        )
    return columns, {pollutant_id: basis for pollutant_id, (_end, basis) in latest.items()}


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
# The page of one report and its verify page, to which other apps add panels (the signed
# record of a report submitted through the enterprise portal).
REPORT_PAGE = "discharge_report"


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
            panels=panels.render(REPORT_PAGE, self.request, report),
        )
        return context


STEP_LABELS = {
    "submit": gettext_lazy("Submitted"),
    "verify": gettext_lazy("Verified"),
    "return": gettext_lazy("Returned"),
    "unlock": gettext_lazy("Unlocked"),
    "amend": gettext_lazy("Taken back for an amendment"),
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
    if not get_importer("discharge").may_use(request.user):
        raise PermissionDenied
    return redirect("import", "discharge")


# -- the entry grid -------------------------------------------------------------------------
def _row_css(flags) -> str:
    severities = {flag.severity for flag in flags}
    if Severity.SERIOUS in severities:
        return "flag-serious"
    return "flag-warning" if Severity.WARNING in severities else ""


def _position(pollutant: Pollutant) -> tuple[int, str]:
    return (pollutant.position, pollutant.code)
