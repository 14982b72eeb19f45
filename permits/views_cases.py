"""Pages of the enforcement cases: list (with export), one case, its form with the grids of
its violations and follow-up monitoring, its notice document and its history. The EPB edits;
the programme office and the leading team read. Enterprise users do not see cases (no view
here is declared enterprise-scoped)."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from benxi_cp import clock, history, refusals
from benxi_cp.models import EditConflict
from benxi_cp.versions import refuse
from benxi_cp.views import DownloadView, ObjectDetailView, ObjectListView, PermissionMixin
from permits import compliance
from permits.choices import ViolationKind
from permits.filters import CaseFilter
from permits.forms_cases import CaseForm, FollowUpFormSet, ViolationFormSet, violation_formset
from permits.models import CaseFollowUp, CaseViolation, EnforcementCase, MonitoringValue
from permits.tables import CaseTable

REFUSED = gettext_lazy("The database refused this record; check the values.")


def visible_cases(user):
    return EnforcementCase.objects.for_user(user).select_related("enterprise")


class CaseListView(ObjectListView):
    permission_required = "permits.view_enforcementcase"
    table_class = CaseTable
    filterset_class = CaseFilter
    title = gettext_lazy("Enforcement cases")
    export_name = "enforcement-cases"
    create_url_name = "permits:case_create"
    create_permission = "permits.add_enforcementcase"

    def get_queryset(self):
        return visible_cases(self.request.user)


class CaseDetailView(ObjectDetailView):
    permission_required = "permits.view_enforcementcase"
    template_name = "permits/case_detail.html"

    def get_queryset(self):
        return visible_cases(self.request.user).select_related("created_by", "updated_by")

    def get_context_data(self, **kwargs):
        case = self.object
        return super().get_context_data(
            title=str(case),
            violations=case.violations.select_related("pollutant"),
            follow_ups=case.follow_ups.all(),
            overdue=case.is_overdue(clock.today()),
            may_edit=self.request.user.has_perm("permits.change_enforcementcase"),
            **kwargs,
        )


class CaseEditView(PermissionMixin, View):
    """A new case, or a change to one: the case and its two grids, saved together."""

    template_name = "permits/case_form.html"

    def get_permission_required(self):
        if "pk" in self.kwargs:
            return ("permits.change_enforcementcase",)
        return ("permits.add_enforcementcase",)

    def get_case(self) -> EnforcementCase | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(visible_cases(self.request.user), pk=self.kwargs["pk"])

    def render(self, form, violations, follow_ups, case):
        title = _("Edit %(case)s") % {"case": case} if case else _("New enforcement case")
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "violations": violations,
                "follow_ups": follow_ups,
                "case": case,
                "title": title,
            },
        )

    def get(self, request, pk: int | None = None):
        case = self.get_case()
        initial, rows = {}, []
        if case is None:
            initial["opened_on"] = clock.today()
            enterprise = request.GET.get("enterprise", "")
            if enterprise.isdigit():
                initial["enterprise"] = int(enterprise)
                rows = suggested_violations(int(enterprise))
        return self.render(
            CaseForm(instance=case, initial=initial),
            violation_formset(rows)(instance=case, prefix="violations", initial=rows),
            FollowUpFormSet(instance=case, prefix="follow_ups"),
            case,
        )

    def post(self, request, pk: int | None = None):
        case = self.get_case()
        form = CaseForm(request.POST, request.FILES, instance=case)
        valid = form.is_valid()
        target = form.instance
        violations = ViolationFormSet(request.POST, instance=target, prefix="violations")
        follow_ups = FollowUpFormSet(request.POST, instance=target, prefix="follow_ups")
        if not (valid and violations.is_valid() and follow_ups.is_valid()):
            return self.render(form, violations, follow_ups, case)
        try:
            saved = save_case(form, violations, follow_ups, request.user)
        except EditConflict as conflict:
            refuse(form, conflict)
            return self.render(form, violations, follow_ups, case)
        except IntegrityError as error:
            form.add_error(None, refusals.message(error, REFUSED))
            return self.render(form, violations, follow_ups, case)
        messages.success(request, _("Saved."))
        return redirect(saved)


def suggested_violations(enterprise_id: int) -> list[dict]:
    """The rows of the compliance page that a new case of this enterprise may concern, in
    the latest year with monitoring: each outlet's pollutant with exceedances or missing
    monitoring, and each annual quantity above the permitted one. The EPB keeps or clears
    them, or ticks Delete, before saving."""
    latest = (
        MonitoringValue.objects.filter(enterprise_id=enterprise_id)
        .order_by("-measured_on")
        .values_list("measured_on", flat=True)
        .first()
    )
    if latest is None:
        return []
    year, rows = latest.year, {}
    for series in compliance.concentration_rows(year, enterprise_id=enterprise_id):
        for kind, count, text in (
            (ViolationKind.EXCEEDANCE, series.exceedances, _("%(count)s values above the limit")),
            (ViolationKind.MISSING, series.missing, _("%(count)s required results missing")),
        ):
            if count:
                row = rows.setdefault(
                    (kind, series.outlet, series.pollutant_id),
                    {
                        "kind": kind,
                        "year": year,
                        "outlet": series.outlet,
                        "pollutant": series.pollutant_id,
                        "counts": 0,
                    },
                )
                row["counts"] += count
                row["description"] = text % {"count": row["counts"]}
    for quantity in compliance.quantity_rows(year):
        if quantity.enterprise_id == enterprise_id and quantity.exceeded:
            rows[(ViolationKind.QUANTITY, "", quantity.pollutant_id)] = {
                "kind": ViolationKind.QUANTITY,
                "year": year,
                "pollutant": quantity.pollutant_id,
                "description": _("%(actual)s t against %(permitted)s t permitted")
                % {
                    "actual": f"{quantity.actual_t:.2f}",
                    "permitted": f"{quantity.permitted_t:.2f}",
                },
            }
    return [{k: v for k, v in row.items() if k != "counts"} for row in rows.values()]


def save_case(form, violations, follow_ups, user) -> EnforcementCase:
    """The case, its document and its grids, all or nothing."""
    with transaction.atomic():
        case = form.save(commit=False)
        upload = form.cleaned_data.get("upload")
        if upload:
            case.document = upload
            case.document_name = upload.name[:200]
            case.document_type = upload.checked_content_type
            case.document_size = upload.size
        case.stamp(user)
        case.save()
        for formset in (violations, follow_ups):
            formset.instance = case
            formset.save()
    return case


class CaseDocumentView(DownloadView):
    permission_required = "permits.view_enforcementcase"
    missing = gettext_lazy("This case has no notice document.")

    def get_queryset(self):
        return EnforcementCase.objects.for_user(self.request.user)

    def get_object(self):
        case = super().get_object()
        return _Download(case)


class _Download:
    def __init__(self, case: EnforcementCase):
        self.download = (case.document, case.document_name or "notice", case.document_type)


CHILDREN = ((CaseViolation, "violations"), (CaseFollowUp, "follow_ups"))


class CaseHistoryView(history.HistoryView):
    """The case's history with its violations' and follow-ups', each change with its subject."""

    kinds = {"case": EnforcementCase}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = context["entries"]
        for model, _name in CHILDREN:
            found += child_entries(model, self.object.pk)
        found.sort(key=lambda entry: entry["when"], reverse=True)
        return context


def child_entries(model, case_id: int) -> list[dict]:
    """The history of the case's rows of `model`, deleted ones too, each entry naming its row."""
    records = list(
        model.history.filter(case_id=case_id)
        .select_related("history_user")
        .order_by("id", "history_id")
    )
    found, before = [], None
    for record in records:
        if before is not None and before.id != record.id:
            before = None
        changes = []
        if before is not None:
            for change in record.diff_against(before).changes:
                field = model._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": history.shown(before, field),
                        "new": history.shown(record, field),
                    }
                )
        found.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "action": history.ACTIONS.get(record.history_type, record.history_type),
                "subject": f"{capfirst(model._meta.verbose_name)}: {record.instance}",
                "changes": changes,
            }
        )
        before = record
    return found
