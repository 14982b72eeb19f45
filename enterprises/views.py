from django.contrib.auth.decorators import permission_required
from django.http import JsonResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from benxi_cp.views import ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView
from enterprises.filters import EnterpriseFilter
from enterprises.forms import EnterpriseForm
from enterprises.models import Enterprise
from enterprises.panels import panels_for
from enterprises.picker import as_choice, lookup
from enterprises.tables import EnterpriseTable


class EnterpriseListView(ObjectListView):
    permission_required = "enterprises.view_enterprise"
    queryset = Enterprise.objects.all()
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilter
    title = _("Enterprise register")
    export_name = "enterprises"
    create_url_name = "enterprises:create"
    create_permission = "enterprises.add_enterprise"
    import_kind = "enterprises"


class EnterpriseDetailView(ObjectDetailView):
    permission_required = "enterprises.view_enterprise"
    queryset = Enterprise.objects.select_related("updated_by")
    template_name = "enterprises/enterprise_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = panels_for(self.request, self.object)
        context["may_edit"] = self.request.user.has_perm("enterprises.change_enterprise")
        return context


class EnterpriseCreateView(ObjectCreateView):
    permission_required = "enterprises.add_enterprise"
    model = Enterprise
    form_class = EnterpriseForm
    title = _("New enterprise")


class EnterpriseUpdateView(ObjectUpdateView):
    permission_required = "enterprises.change_enterprise"
    model = Enterprise
    form_class = EnterpriseForm
    success_url = reverse_lazy("enterprises:list")

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


@permission_required("enterprises.view_enterprise", raise_exception=True)
def enterprise_lookup(request) -> JsonResponse:
    """The enterprises matching what is typed into an enterprise box (?q=), for its list:
    code, name in the user's language; one query, at most LOOKUP_LIMIT."""
    text = request.GET.get("q", "")[:100]
    return JsonResponse({"results": [as_choice(enterprise) for enterprise in lookup(text)]})
