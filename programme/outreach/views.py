"""Pages of training and outreach events, policies and regulations, and incentives.

Every record is fetched through its queryset's `for_user`, so what a user may not see is a
404 on every page, export and download."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from benxi_cp import history, refusals, views
from benxi_cp.models import EditConflict
from benxi_cp.versions import refuse
from benxi_cp.views import (
    DownloadView,
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    PermissionMixin,
)
from programme.models import (
    Incentive,
    Policy,
    TrainingEvent,
    TrainingMaterial,
    TrainingParticipation,
)
from programme.outreach.filters import IncentiveFilter, PolicyFilter, TrainingEventFilter
from programme.outreach.forms import (
    IncentiveForm,
    ParticipationFormSet,
    PolicyForm,
    TrainingEventForm,
)
from programme.outreach.queries import incentive_totals, totals_grid, training_counts
from programme.outreach.tables import IncentiveTable, PolicyTable, TrainingEventTable

REFUSED = gettext_lazy("The database refused this record; check the values.")


def events_with_counts(user):
    """The events `user` may see, with their enterprises and participants counted in SQL."""
    return (
        TrainingEvent.objects.for_user(user)
        .annotate(
            enterprises=Count("participations"),
            enterprise_participants=Coalesce(Sum("participations__participants"), 0),
        )
        .order_by(*TrainingEvent._meta.ordering)  # a grouped query drops Meta.ordering
    )


def visible_incentives(user):
    return Incentive.objects.for_user(user).select_related("enterprise", "audit", "policy")


# -- training and outreach ------------------------------------------------------------------
class TrainingEventListView(ObjectListView):
    permission_required = "programme.view_trainingevent"
    table_class = TrainingEventTable
    filterset_class = TrainingEventFilter
    title = gettext_lazy("Training and outreach")
    export_name = "training-events"
    create_url_name = "programme:event_create"
    create_permission = "programme.add_trainingevent"
    import_kind = "training"

    def get_queryset(self):
        return events_with_counts(self.request.user)


class TrainingEventDetailView(ObjectDetailView):
    permission_required = "programme.view_trainingevent"
    template_name = "programme/event_detail.html"

    def get_queryset(self):
        return TrainingEvent.objects.for_user(self.request.user).prefetch_related(
            Prefetch(
                "participations",
                queryset=TrainingParticipation.objects.select_related("enterprise").order_by(
                    "enterprise__code"
                ),
            ),
            "materials",
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            participations=list(self.object.participations.all()),
            materials=list(self.object.materials.all()),
            may_edit=user.has_perm("programme.change_trainingevent"),
            may_delete_materials=user.has_perm("programme.delete_trainingmaterial"),
            **kwargs,
        )


class TrainingEventEditView(PermissionMixin, View):
    """Create or edit an event with its participants by enterprise and new materials."""

    template_name = "programme/event_form.html"

    def get_permission_required(self):
        if self.kwargs.get("pk"):
            return ("programme.change_trainingevent",)
        return ("programme.add_trainingevent",)

    def get_event(self) -> TrainingEvent:
        if self.kwargs.get("pk"):
            return get_object_or_404(
                TrainingEvent.objects.for_user(self.request.user), pk=self.kwargs["pk"]
            )
        return TrainingEvent()

    def render_page(self, form, formset, event):
        title = (
            _("Edit %(object)s") % {"object": event}
            if event.pk
            else _("New training or outreach event")
        )
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "object": event, "title": title},
        )

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        return self.render_page(
            TrainingEventForm(instance=event), ParticipationFormSet(instance=event), event
        )

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        form = TrainingEventForm(request.POST, request.FILES, instance=event)
        formset = ParticipationFormSet(request.POST, instance=event)
        if not (form.is_valid() and formset.is_valid()):
            return self.render_page(form, formset, event)
        try:
            with transaction.atomic():
                saved = form.save(commit=False)
                saved.stamp(request.user)
                saved.save()
                formset.instance = saved
                formset.save()
                for upload in form.cleaned_data.get("materials") or []:
                    material = TrainingMaterial(
                        event=saved,
                        file=upload,
                        filename=upload.name[:200],
                        content_type=upload.checked_content_type,
                        size_bytes=upload.size,
                    )
                    material.stamp(request.user)
                    material.save()
        except EditConflict as conflict:
            refuse(form, conflict)
            return self.render_page(form, formset, event)
        except IntegrityError as error:
            form.add_error(None, refusals.message(error, REFUSED))
            return self.render_page(form, formset, event)
        messages.success(request, _("Saved."))
        return redirect(saved)


class MaterialMixin:
    def get_queryset(self):
        events = TrainingEvent.objects.for_user(self.request.user)
        return TrainingMaterial.objects.filter(event__in=events).select_related("event")


class MaterialDownloadView(MaterialMixin, DownloadView):
    permission_required = "programme.view_trainingmaterial"


class MaterialDeleteView(MaterialMixin, views.DocumentDeleteView):
    permission_required = "programme.delete_trainingmaterial"

    def back_url(self, document) -> str:
        return document.event.get_absolute_url()


# -- policies ------------------------------------------------------------------------------
class PolicyListView(ObjectListView):
    permission_required = "programme.view_policy"
    table_class = PolicyTable
    filterset_class = PolicyFilter
    title = gettext_lazy("Policies and regulations")
    export_name = "policies"
    create_url_name = "programme:policy_create"
    create_permission = "programme.add_policy"

    def get_queryset(self):
        return Policy.objects.for_user(self.request.user)


class PolicyDetailView(ObjectDetailView):
    permission_required = "programme.view_policy"
    template_name = "programme/policy_detail.html"

    def get_queryset(self):
        return Policy.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        incentives = visible_incentives(user).filter(policy=self.object)
        return super().get_context_data(
            incentives=list(incentives[:50]),
            incentive_grid=totals_grid(incentive_totals(incentives)),
            may_edit=user.has_perm("programme.change_policy"),
            **kwargs,
        )


class PolicyCreateView(ObjectCreateView):
    permission_required = "programme.add_policy"
    model = Policy
    form_class = PolicyForm
    title = gettext_lazy("New policy or regulation")


class PolicyUpdateView(ObjectUpdateView):
    permission_required = "programme.change_policy"
    model = Policy
    form_class = PolicyForm

    def get_queryset(self):
        return Policy.objects.for_user(self.request.user)


class PolicyDocumentView(DownloadView):
    permission_required = "programme.view_policy"
    missing = gettext_lazy("This policy has no document.")

    def get_queryset(self):
        return Policy.objects.for_user(self.request.user)


# -- incentives ----------------------------------------------------------------------------
class IncentiveListView(ObjectListView):
    permission_required = "programme.view_incentive"
    table_class = IncentiveTable
    filterset_class = IncentiveFilter
    title = gettext_lazy("Incentives")
    export_name = "incentives"
    create_url_name = "programme:incentive_create"
    create_permission = "programme.add_incentive"
    import_kind = "incentives"
    template_name = "programme/incentive_list.html"

    def get_queryset(self):
        return visible_incentives(self.request.user)


class IncentiveDetailView(ObjectDetailView):
    permission_required = "programme.view_incentive"
    template_name = "programme/incentive_detail.html"

    def get_queryset(self):
        return visible_incentives(self.request.user).select_related("updated_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            may_edit=self.request.user.has_perm("programme.change_incentive"), **kwargs
        )


class IncentiveCreateView(ObjectCreateView):
    permission_required = "programme.add_incentive"
    model = Incentive
    form_class = IncentiveForm
    title = gettext_lazy("New incentive")

    initial_from_query = ("enterprise", "audit")


class IncentiveUpdateView(ObjectUpdateView):
    permission_required = "programme.change_incentive"
    model = Incentive
    form_class = IncentiveForm

    def get_queryset(self):
        return visible_incentives(self.request.user)


class TotalsView(PermissionMixin, TemplateView):
    """Incentives by year and kind, and training by year and audience (SQL aggregates)."""

    permission_required = "programme.view_incentive"
    template_name = "programme/totals.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["title"] = _("Incentives and training by year")
        context["incentive_grid"] = totals_grid(incentive_totals(Incentive.objects.for_user(user)))
        if user.has_perm("programme.view_trainingevent"):
            context["training"] = training_counts(TrainingEvent.objects.for_user(user))
        return context


# -- history ----------------------------------------------------------------------------------
class HistoryView(history.HistoryView):
    """The history of a training event, a policy or an incentive."""

    kinds = {"event": TrainingEvent, "policy": Policy, "incentive": Incentive}
