"""Pages of the environmental investment register: list (with export and import), one
project with its history, new and edit."""

from django.utils.translation import gettext_lazy

from benxi_cp.views import ObjectCreateView, ObjectDetailView, ObjectListView, ObjectUpdateView
from programme.investment.filters import InvestmentFilter
from programme.investment.forms import InvestmentForm
from programme.investment.tables import InvestmentTable
from programme.models import EnvironmentalInvestment

IMPORT_KIND = "environmental-investment"


def visible_investments(user):
    return EnvironmentalInvestment.objects.for_user(user).select_related("enterprise")


class InvestmentListView(ObjectListView):
    permission_required = "programme.view_environmentalinvestment"
    table_class = InvestmentTable
    filterset_class = InvestmentFilter
    title = gettext_lazy("Environmental investment")
    export_name = "environmental-investment"
    create_url_name = "programme:investment_create"
    create_permission = "programme.add_environmentalinvestment"
    import_kind = IMPORT_KIND

    def get_queryset(self):
        return visible_investments(self.request.user)


class InvestmentDetailView(ObjectDetailView):
    permission_required = "programme.view_environmentalinvestment"
    template_name = "programme/investment_detail.html"

    def get_queryset(self):
        return visible_investments(self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            title=str(self.object),
            may_edit=user.has_perm("programme.change_environmentalinvestment"),
            history=self.object.history.select_related("history_user")[:50],
            **kwargs,
        )


class InvestmentCreateView(ObjectCreateView):
    permission_required = "programme.add_environmentalinvestment"
    model = EnvironmentalInvestment
    form_class = InvestmentForm
    title = gettext_lazy("New environmental investment")
    initial_from_query = ("enterprise",)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class InvestmentUpdateView(ObjectUpdateView):
    permission_required = "programme.change_environmentalinvestment"
    form_class = InvestmentForm

    def get_queryset(self):
        return visible_investments(self.request.user)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()
