"""Pages of the permits: list (with export and import), one permit with its versions, one
earlier version, the permit's form with the grid of its limits, and its document."""

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from benxi_cp import files, refusals
from benxi_cp.models import EditConflict
from benxi_cp.versions import refuse
from benxi_cp.views import ObjectDetailView, ObjectListView, PermissionMixin
from permits import issuing
from permits.choices import LimitBasis
from permits.filters import PermitFilter
from permits.forms import LimitFormSet, PermitForm, limit_initial, limit_pollutants
from permits.models import Permit
from permits.tables import PermitTable

IMPORT_KIND = "permits"
REFUSED = gettext_lazy("The database refused this record; check the values.")


def visible_permits(user):
    return Permit.objects.for_user(user).select_related("enterprise")


class PermitListView(ObjectListView):
    permission_required = "permits.view_permit"
    table_class = PermitTable
    filterset_class = PermitFilter
    title = gettext_lazy("Discharge permits")
    export_name = "permits"
    create_url_name = "permits:create"
    create_permission = "permits.add_permit"
    import_kind = IMPORT_KIND

    def get_queryset(self):
        return visible_permits(self.request.user).annotate(
            outlet_count=Count("outlets", distinct=True),
            limit_count=Count("limits", distinct=True),
        )


def limit_rows(limits) -> list[dict]:
    """A permit's limits (stored, or a version's) grouped as the page shows them: each outlet
    with its limits, then the annual totals."""
    groups: dict[str, dict] = {}
    for limit in limits:
        outlet = limit["outlet"]
        group = groups.setdefault(
            outlet,
            {
                "outlet": outlet,
                "kind": limit["outlet_kind"],
                "category": limit["category"],
                "limits": [],
            },
        )
        group["limits"].append(limit)
    annual = groups.pop("", None)
    return [*groups.values(), *([annual] if annual else [])]


class PermitDetailView(ObjectDetailView):
    permission_required = "permits.view_permit"
    template_name = "permits/permit_detail.html"

    def get_queryset(self):
        return visible_permits(self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        permit = self.object
        return super().get_context_data(
            title=_("Permit %(number)s") % {"number": permit.number},
            groups=limit_rows(labelled(issuing.snapshot_of(permit)["limits"])),
            revisions=permit.revisions.select_related("created_by").order_by("-number"),
            history=permit.history.select_related("history_user")[:50],
            may_edit=user.has_perm("permits.change_permit"),
            **kwargs,
        )


def labelled(limits: list[dict]) -> list[dict]:
    """A version's limits with the labels of their codes, in the page's language."""
    return [{**limit, "basis_label": LimitBasis(limit["basis"]).label} for limit in limits]


class PermitRevisionView(PermissionMixin, View):
    """One version of a permit, as it read then."""

    permission_required = "permits.view_permit"

    def get(self, request, pk: int, number: int):
        permit = get_object_or_404(visible_permits(request.user), pk=pk)
        revision = get_object_or_404(permit.revisions.select_related("created_by"), number=number)
        return render(
            request,
            "permits/revision_detail.html",
            {
                "title": _("Permit %(number)s, version %(version)s")
                % {"number": permit.number, "version": revision.number},
                "permit": permit,
                "revision": revision,
                "groups": limit_rows(labelled(revision.limits)),
            },
        )


class PermitEditView(PermissionMixin, View):
    """A new permit, or a new version of one: its fields and the grid of its limits, checked
    and written whole (permits/issuing.py)."""

    template_name = "permits/permit_form.html"

    def get_permission_required(self):
        return ("permits.change_permit",) if "pk" in self.kwargs else ("permits.add_permit",)

    def get_permit(self) -> Permit | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(visible_permits(self.request.user), pk=self.kwargs["pk"])

    def render(self, form, formset, permit):
        title = (
            _("Edit permit %(number)s") % {"number": permit.number}
            if permit
            else _("New discharge permit")
        )
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "permit": permit, "title": title},
        )

    def get(self, request, pk: int | None = None):
        permit = self.get_permit()
        pollutants = limit_pollutants()
        initial = {}
        enterprise = request.GET.get("enterprise", "")
        if permit is None and enterprise.isdigit():
            initial["enterprise"] = int(enterprise)
        form = PermitForm(instance=permit, initial=initial)
        formset = LimitFormSet(
            initial=limit_initial(permit) if permit else None,
            form_kwargs={"pollutants": pollutants},
            prefix="limits",
        )
        return self.render(form, formset, permit)

    def post(self, request, pk: int | None = None):
        permit = self.get_permit()
        form = PermitForm(request.POST, request.FILES, instance=permit)
        formset = LimitFormSet(
            request.POST, form_kwargs={"pollutants": limit_pollutants()}, prefix="limits"
        )
        if not (form.is_valid() and formset.is_valid()):
            return self.render(form, formset, permit)
        rows = [
            (index, row_form)
            for index, row_form in enumerate(formset.forms, start=1)
            if row_form.has_changed() and not formset._should_delete_form(row_form)
        ]
        data = issuing.PermitData(
            number=form.cleaned_data["number"],
            enterprise=permit.enterprise if permit else form.cleaned_data["enterprise"],
            valid_from=form.cleaned_data["valid_from"],
            valid_to=form.cleaned_data["valid_to"],
            issuer=form.cleaned_data["issuer"],
            limits=[row_form.limit_row(index) for index, row_form in rows],
        )
        if permit is not None:
            permit.expect_version(form.read_version)
        try:
            action = issuing.write_permit(data, request.user, source="page", permit=permit)
        except EditConflict as conflict:
            refuse(form, conflict)
            return self.render(form, formset, permit)
        except IntegrityError as error:
            # The database's guard (a closed year's, reports/yearlock.py), as its message.
            form.add_error(None, refusals.message(error, REFUSED))
            return self.render(form, formset, permit)
        except issuing.PermitRefused as refused:
            by_row = dict(rows)
            for row, column, message in refused.problems:
                row_form = by_row.get(row)
                if row_form is not None:
                    field = column if column in row_form.fields else None
                    if column == "limit":
                        field = "value"
                    row_form.add_error(field, message)
                else:
                    field = {"permit_no": "number"}.get(column, column)
                    form.add_error(field if field in form.fields else None, message)
            return self.render(form, formset, permit)
        permit = Permit.objects.get(number=data.number)
        upload = form.cleaned_data.get("upload")
        if upload:
            permit.document = upload
            permit.document_name = upload.name[:200]
            permit.document_type = upload.checked_content_type
            permit.document_size = upload.size
            permit.stamp(request.user)
            permit.save()
        if action == issuing.UNCHANGED and not upload:
            messages.info(request, _("The permit says what it said already: nothing changed."))
        else:
            messages.success(request, _("Saved."))
        return redirect(permit)


class PermitDocumentView(PermissionMixin, View):
    permission_required = "permits.view_permit"

    def get(self, request, pk: int):
        permit = get_object_or_404(visible_permits(request.user), pk=pk)
        if not permit.document:
            raise Http404(_("This permit has no document."))
        return files.attachment(
            permit.document,
            permit.document_name or "permit",
            permit.document_type or "application/octet-stream",
        )
