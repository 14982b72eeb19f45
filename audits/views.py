"""Pages of CP audits. Every audit and option is fetched through `for_user`, so an audit
the user may not see is a 404 on every page, export and action, whatever the URL."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from audits.balance import CLOSURE_LIMIT_PCT, closures
from audits.choices import FeeClass, OptionStatus, Verdict
from audits.filters import AuditFilter, OptionFilter
from audits.finance import Evaluation
from audits.forms import (
    AcceptanceForm,
    AssessmentForm,
    AuditForm,
    AuditStepForm,
    BalanceFormSet,
    ExpertReviewForm,
    FeasibilityForm,
    OptionForm,
    OptionGridFormSet,
)
from audits.models import (
    STEP_COUNT,
    Audit,
    AuditDocument,
    AuditStep,
    ExpertReview,
    Option,
    OptionFeasibility,
    OptionReduction,
)
from audits.panels import audit_panels_for
from audits.programme import at_estimate_q, counted_benefit, counted_investment
from audits.reviews import record as review_record
from audits.reviews import stages_open
from audits.services import (
    UnlockRefused,
    relock_audit,
    set_reductions,
    sync_steps_completed,
    unlock_audit,
)
from audits.steps import STEPS
from audits.tables import REDUCTIONS, AuditTable, OptionTable
from benxi_cp import refusals, views
from benxi_cp.models import EditConflict
from benxi_cp.versions import (
    refuse,
    refuse_in_formset,
    refuse_stale_rows,
    refused_rows_message,
)
from benxi_cp.views import (
    DownloadView,
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    PermissionMixin,
)
from enterprises.models import Pollutant

REFUSED = gettext_lazy("The database refused this record; check the values.")


def visible_audits(user):
    """The audits `user` may see, with their enterprise."""
    return Audit.objects.for_user(user).select_related("enterprise")


def reductions_with_pollutants(to_attr: str | None = None) -> Prefetch:
    return Prefetch(
        "reductions",
        queryset=OptionReduction.objects.select_related("pollutant"),
        to_attr=to_attr,
    )


class AuditScopedMixin:
    """The audit of the URL, among those the user may see (404 otherwise)."""

    audit_kwarg = "pk"

    @cached_property
    def audit(self) -> Audit:
        return get_object_or_404(
            visible_audits(self.request.user), pk=self.kwargs[self.audit_kwarg]
        )


# -- lists ----------------------------------------------------------------------------------
class AuditListView(ObjectListView):
    permission_required = "audits.view_audit"
    table_class = AuditTable
    filterset_class = AuditFilter
    template_name = "audits/audit_list.html"
    title = gettext_lazy("CP audits")
    export_name = "audits"
    create_url_name = "audits:create"
    create_permission = "audits.add_audit"
    import_kind = "audits"

    def get_queryset(self):
        return visible_audits(self.request.user)


class MyAuditListView(AuditListView):
    title = gettext_lazy("My audits")
    export_name = "my-audits"

    def get_queryset(self):
        return super().get_queryset().filter(team=self.request.user)


class OptionListView(ObjectListView):
    permission_required = "audits.view_option"
    table_class = OptionTable
    filterset_class = OptionFilter
    template_name = "audits/option_list.html"
    title = gettext_lazy("CP options")
    export_name = "options"
    import_kind = "options"

    def get_queryset(self):
        return (
            Option.objects.for_user(self.request.user)
            .select_related("audit__enterprise")
            # As a list (REDUCTIONS): a prefetched manager clones its queryset per option.
            .prefetch_related(reductions_with_pollutants(to_attr=REDUCTIONS))
        )

    def get_table_kwargs(self):
        return {"pollutants": Pollutant.objects.all()}


# -- audits -----------------------------------------------------------------------------------
class AuditCreateView(ObjectCreateView):
    permission_required = "audits.add_audit"
    model = Audit
    form_class = AuditForm
    title = gettext_lazy("New CP audit")
    initial_from_query = ("enterprise",)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class AuditUpdateView(ObjectUpdateView):
    template_name = "audits/object_form.html"
    permission_required = "audits.change_audit"
    form_class = AuditForm

    def get_queryset(self):
        return visible_audits(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class AuditDetailView(ObjectDetailView):
    permission_required = "audits.view_audit"
    template_name = "audits/audit_detail.html"

    def get_queryset(self):
        return (
            Audit.objects.for_user(self.request.user)
            .select_related("enterprise", "updated_by")
            .prefetch_related(
                "team",
                Prefetch(
                    "steps",
                    queryset=AuditStep.objects.annotate(document_count=Count("documents")),
                ),
                "balance_lines",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit = self.object
        user = self.request.user
        steps = list(audit.steps.all())
        # Only an accepted audit has a lock, and so unlocks to show.
        unlocks = (
            list(audit.unlocks.select_related("unlocked_by", "relocked_by"))
            if audit.acceptance == Verdict.PASS
            else []
        )
        current = next((s.number for s in steps if not s.is_completed), None)
        context.update(
            steps=steps,
            current_step=current,
            closures=closures(audit.balance_lines.all()),
            closure_limit=CLOSURE_LIMIT_PCT,
            option_summary=option_summary(audit),
            panels=audit_panels_for(self.request, audit),
            may_edit=user.has_perm("audits.change_audit"),
            may_edit_options=user.has_perms(("audits.add_option", "audits.change_option")),
            may_edit_balance=user.has_perm("audits.change_materialbalanceline"),
            may_assess=user.has_perm("audits.assess_audit"),
            may_unlock=user.has_perm("audits.unlock_audit"),
            unlocks=unlocks,
            reviews=list(audit.reviews.all()),
            review_stages=stages_open(audit),
            locked=audit.acceptance == Verdict.PASS and not any(u.is_open for u in unlocks),
            step_count=STEP_COUNT,
        )
        return context


class ExpertReviewView(PermissionMixin, AuditScopedMixin, View):
    """The programme office records an expert review of the audit (audits/reviews.py)."""

    permission_required = "audits.assess_audit"
    template_name = "audits/object_form.html"

    def render_page(self, form):
        title = _("Expert review of %(audit)s") % {"audit": self.audit.ref}
        return render(
            self.request,
            self.template_name,
            {"form": form, "title": title, "object": self.audit},
        )

    def make_form(self, data=None):
        stages = stages_open(self.audit)
        initial = {"stage": stages[0]} if stages else {}
        review = ExpertReview(audit=self.audit)
        return ExpertReviewForm(data, instance=review, stages=stages, initial=initial)

    def get(self, request, *args, **kwargs):
        if not stages_open(self.audit):
            messages.error(request, _("No expert review can be recorded for this audit now."))
            return redirect(self.audit.get_absolute_url())
        return self.render_page(self.make_form())

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_page(form)
        try:
            review_record(form.instance, request.user, form.cleaned_data["accepted_by"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render_page(form)
        messages.success(request, _("The expert review is recorded."))
        return redirect(self.audit.get_absolute_url())


class AuditLockView(PermissionMixin, AuditScopedMixin, View):
    """An administrator unlocks an accepted audit (with a reason), or locks it again."""

    permission_required = "audits.unlock_audit"

    def post(self, request, *args, **kwargs):
        audit = self.audit
        try:
            if self.kwargs.get("relock"):
                relock_audit(audit, request.user)
                messages.success(request, _("The audit is locked again."))
            else:
                unlock_audit(audit, request.user, request.POST.get("reason", ""))
                messages.success(
                    request,
                    _(
                        "The audit is unlocked: its options and figures may change until it is "
                        "locked again."
                    ),
                )
        except UnlockRefused as error:
            messages.error(request, error.messages[0])
        return redirect(audit.get_absolute_url() + "#audit-lock")


def option_summary(audit: Audit) -> dict:
    """Options of an audit by fee class and status, with implemented totals (one query)."""
    rows = (
        Option.objects.filter(audit=audit)
        .values("fee_class", "status")
        .annotate(
            n=Count("pk"),
            investment=Sum(counted_investment()),
            benefit=Sum(counted_benefit()),
            at_estimate=Count("pk", filter=at_estimate_q()),
        )
        .order_by()
    )
    counts = {(row["fee_class"], row["status"]): row["n"] for row in rows}
    table = []
    for status, status_label in OptionStatus.choices:
        cells = [counts.get((fee_class, status), 0) for fee_class in FeeClass.values]
        table.append({"label": status_label, "cells": cells, "total": sum(cells)})
    totals = [sum(row["cells"][i] for row in table) for i in range(len(FeeClass.values))]
    implemented = [row for row in rows if row["status"] == OptionStatus.IMPLEMENTED]
    return {
        "fee_classes": FeeClass.choices,
        "rows": table,
        "totals": totals,
        "total": sum(totals),
        "implemented_investment": sum((r["investment"] or 0) for r in implemented),
        "implemented_benefit": sum((r["benefit"] or 0) for r in implemented),
        "implemented_at_estimate": sum(r["at_estimate"] for r in implemented),
    }


class StepUpdateView(PermissionMixin, AuditScopedMixin, View):
    """One step of an audit: status, dates, notes, deliverables and documents."""

    permission_required = "audits.view_auditstep"
    template_name = "audits/step_form.html"

    def may_edit(self) -> bool:
        return self.request.user.has_perm("audits.change_auditstep")

    def get_step(self, audit: Audit) -> AuditStep:
        number = self.kwargs["number"]
        if not 1 <= number <= STEP_COUNT:
            raise Http404
        return audit.steps.prefetch_related("documents").get(number=number)

    def render_page(self, form, step):
        audit = self.audit
        return render(
            self.request,
            self.template_name,
            {
                "audit": audit,
                "step": step,
                "form": form,
                "steps": STEPS,
                "documents": step.documents.all(),
                "may_edit": self.may_edit(),
                "may_delete_documents": self.request.user.has_perm("audits.delete_auditdocument"),
                "title": _("%(audit)s, step %(number)s: %(title)s")
                % {"audit": audit.ref, "number": step.number, "title": step.definition.title},
            },
        )

    def get(self, request, *args, **kwargs):
        step = self.get_step(self.audit)
        form = AuditStepForm(instance=step) if self.may_edit() else None
        return self.render_page(form, step)

    def post(self, request, *args, **kwargs):
        audit = self.audit
        if not self.may_edit():
            raise PermissionDenied
        try:
            with transaction.atomic():
                # One change of an audit's steps at a time: the order rule reads the neighbours.
                locked = Audit.objects.select_for_update().get(pk=audit.pk)
                step = self.get_step(locked)
                form = AuditStepForm(request.POST, request.FILES, instance=step)
                if not form.is_valid():
                    return self.render_page(form, step)
                form.save()
                sync_steps_completed(locked)
                for upload in form.cleaned_data.get("documents") or []:
                    document = AuditDocument(
                        audit=locked,
                        step=step,
                        file=upload,
                        filename=upload.name[:200],
                        content_type=upload.checked_content_type,
                        size_bytes=upload.size,
                    )
                    document.stamp(request.user)
                    document.save()
        except EditConflict as conflict:
            refuse(form, conflict)
            return self.render_page(form, self.get_step(audit))
        except IntegrityError as error:
            form.add_error(None, refusals.message(error, REFUSED))
            return self.render_page(form, self.get_step(audit))
        messages.success(request, _("Step %(number)s saved.") % {"number": step.number})
        return redirect(audit.get_absolute_url() + f"#step-{step.number}")


class DocumentMixin:
    def get_queryset(self):
        audits = Audit.objects.for_user(self.request.user)
        return AuditDocument.objects.filter(audit__in=audits).select_related("step")


class DocumentDownloadView(DocumentMixin, DownloadView):
    permission_required = "audits.view_auditdocument"


class DocumentDeleteView(DocumentMixin, views.DocumentDeleteView):
    permission_required = "audits.delete_auditdocument"

    def back_url(self, document) -> str:
        return document.step.get_absolute_url()


class BalanceView(PermissionMixin, AuditScopedMixin, View):
    """The material balance of the audit focus, with its closure per unit."""

    permission_required = (
        "audits.add_materialbalanceline",
        "audits.change_materialbalanceline",
        "audits.delete_materialbalanceline",
    )
    template_name = "audits/balance_form.html"

    def render_page(self, formset):
        lines = self.audit.balance_lines.all()
        return render(
            self.request,
            self.template_name,
            {
                "audit": self.audit,
                "formset": formset,
                "closures": closures(lines),
                "closure_limit": CLOSURE_LIMIT_PCT,
                "title": _("Material balance of %(audit)s") % {"audit": self.audit.ref},
            },
        )

    def get(self, request, *args, **kwargs):
        return self.render_page(BalanceFormSet(instance=self.audit))

    def post(self, request, *args, **kwargs):
        formset = BalanceFormSet(request.POST, instance=self.audit)
        if not formset.is_valid():
            return self.render_page(formset)
        try:
            with transaction.atomic():
                if not refuse_stale_rows(formset):
                    formset.save()
        except EditConflict as conflict:
            refuse_in_formset(formset, conflict)
        except IntegrityError as error:
            messages.error(request, refusals.message(error, REFUSED))
            return self.render_page(formset)
        if formset.conflicts:
            messages.error(request, refused_rows_message())
            return self.render_page(formset)
        messages.success(request, _("Material balance saved."))
        return redirect("audits:balance", self.audit.pk)


class AssessmentView(ObjectUpdateView):
    template_name = "audits/object_form.html"
    permission_required = "audits.assess_audit"
    form_class = AssessmentForm

    def get_queryset(self):
        return visible_audits(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Assessment of %(audit)s") % {"audit": self.object}
        return context

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class AcceptanceView(AssessmentView):
    form_class = AcceptanceForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Acceptance of %(audit)s") % {"audit": self.object}
        return context


# -- options ----------------------------------------------------------------------------------
class OptionGridView(PermissionMixin, AuditScopedMixin, View):
    """Many options of one audit on one page: add, edit and screen them at once."""

    permission_required = ("audits.add_option", "audits.change_option")
    template_name = "audits/option_grid.html"

    def render_page(self, formset):
        return render(
            self.request,
            self.template_name,
            {
                "audit": self.audit,
                "formset": formset,
                "title": _("Options of %(audit)s") % {"audit": self.audit.ref},
                "screening": [OptionStatus.SELECTED, OptionStatus.REJECTED],
            },
        )

    def get(self, request, *args, **kwargs):
        return self.render_page(OptionGridFormSet(audit=self.audit))

    def post(self, request, *args, **kwargs):
        formset = OptionGridFormSet(request.POST, audit=self.audit)
        if not formset.is_valid():
            messages.error(request, _("Nothing was saved: correct the rows marked in red."))
            return self.render_page(formset)
        try:
            with transaction.atomic():
                if not refuse_stale_rows(formset):
                    options = formset.save(commit=False)
                    for option in options:
                        option.stamp(request.user)
                        option.save()
                    for option in formset.deleted_objects:
                        option.delete()
        except EditConflict as conflict:
            refuse_in_formset(formset, conflict)
        except IntegrityError as error:
            messages.error(request, refusals.message(error, REFUSED))
            return self.render_page(formset)
        if formset.conflicts:
            messages.error(request, refused_rows_message())
            return self.render_page(formset)
        messages.success(
            request,
            _("Options saved: %(new)s new, %(changed)s changed, %(deleted)s deleted.")
            % {
                "new": len(formset.new_objects),
                "changed": len(formset.changed_objects),
                "deleted": len(formset.deleted_objects),
            },
        )
        return redirect("audits:options", self.audit.pk)


def figure_rows(evaluation) -> list[dict]:
    """The figures of a feasibility analysis as table rows: symbol, name, formula, value, unit."""
    if evaluation is None:
        return []
    yuan, per_year = _("10k yuan"), _("10k yuan/year")
    rows = [
        ("D", _("Depreciation"), "I / Y", evaluation.depreciation, per_year),
        ("T", _("Taxable profit"), "P − D", evaluation.taxable_profit, per_year),
        ("E", _("Net profit"), _("T × (1 − tax rate)"), evaluation.net_profit, per_year),
        ("F", _("Annual net cash flow"), "E + D", evaluation.cash_flow, per_year),
        ("N", _("Payback period"), "I / F", evaluation.payback_years, _("years")),
        ("NPV", _("Net present value"), "−I + Σ F/(1+r)ᵗ", evaluation.npv, yuan),
        ("IRR", _("Internal rate of return"), "NPV(IRR) = 0", evaluation.irr_pct, "%"),
    ]
    return [
        {"symbol": sym, "name": name, "formula": formula, "figure": figure, "unit": unit}
        for sym, name, formula, figure, unit in rows
    ]


def _option_queryset(user):
    return Option.objects.for_user(user).select_related("audit__enterprise", "updated_by")


class OptionDetailView(ObjectDetailView):
    permission_required = "audits.view_option"
    template_name = "audits/option_detail.html"

    def get_queryset(self):
        return (
            _option_queryset(self.request.user)
            .select_related("feasibility")
            .prefetch_related(reductions_with_pollutants())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        option = self.object
        try:
            feasibility = option.feasibility
        except OptionFeasibility.DoesNotExist:
            feasibility = None
        user = self.request.user
        evaluation = feasibility.evaluate() if feasibility else None
        context.update(
            feasibility=feasibility,
            evaluation=evaluation,
            figures=figure_rows(evaluation),
            may_edit=user.has_perm("audits.change_option"),
            may_edit_feasibility=user.has_perms(
                ("audits.add_optionfeasibility", "audits.change_optionfeasibility")
            ),
        )
        return context


class OptionUpdateView(ObjectUpdateView):
    template_name = "audits/object_form.html"
    permission_required = "audits.change_option"
    form_class = OptionForm

    def get_queryset(self):
        return _option_queryset(self.request.user).prefetch_related("reductions")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pollutants": Pollutant.objects.all()}

    def form_valid(self, form):
        option = form.save(commit=False)
        option.stamp(self.request.user)
        try:
            with transaction.atomic():
                option.save()
                set_reductions(option, form.reductions())
        except EditConflict as conflict:
            refuse(form, conflict)
            return self.form_invalid(form)
        except IntegrityError as error:
            form.add_error(None, refusals.message(error, REFUSED))
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(option.get_absolute_url())


class FeasibilityView(PermissionMixin, View):
    """Feasibility inputs of a medium/high-fee option, and the figures they give."""

    permission_required = ("audits.add_optionfeasibility", "audits.change_optionfeasibility")
    template_name = "audits/feasibility.html"

    @cached_property
    def option(self) -> Option:
        option = get_object_or_404(
            _option_queryset(self.request.user).select_related("feasibility"),
            pk=self.kwargs["pk"],
        )
        if option.fee_class != FeeClass.MEDIUM_HIGH:
            raise Http404(_("Only a medium/high-fee option has a feasibility analysis."))
        return option

    def render_page(self, form, evaluation):
        return render(
            self.request,
            self.template_name,
            {
                "option": self.option,
                "form": form,
                "evaluation": evaluation,
                "figures": figure_rows(evaluation),
                "title": _("Feasibility of %(code)s %(title)s")
                % {"code": self.option.code, "title": self.option.title},
            },
        )

    def stored(self) -> tuple[OptionFeasibility | None, Evaluation | None]:
        """The stored analysis and its figures, taken before a form can touch them."""
        try:
            feasibility = self.option.feasibility
        except OptionFeasibility.DoesNotExist:
            return None, None
        return feasibility, feasibility.evaluate()

    def get(self, request, *args, **kwargs):
        feasibility, evaluation = self.stored()
        form = FeasibilityForm(instance=feasibility, option=self.option)
        return self.render_page(form, evaluation)

    def post(self, request, *args, **kwargs):
        feasibility, evaluation = self.stored()
        form = FeasibilityForm(request.POST, instance=feasibility, option=self.option)
        if not form.is_valid():
            return self.render_page(form, evaluation)
        feasibility = form.save(commit=False)
        feasibility.stamp(request.user)
        try:
            with transaction.atomic():
                feasibility.save()
                if form.concluded_option is not None:
                    form.concluded_option.stamp(request.user)
                    form.concluded_option.save()
        except EditConflict as conflict:
            refuse(form, conflict)
            return self.render_page(form, evaluation)
        except IntegrityError as error:
            form.add_error(None, refusals.message(error, REFUSED))
            return self.render_page(form, evaluation)
        messages.success(request, _("Feasibility figures saved."))
        return redirect("audits:option_feasibility", self.option.pk)
