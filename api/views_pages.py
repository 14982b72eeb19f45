"""The pages of the API: its documentation, and the administrators' token management."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, TemplateView

from api.forms import TokenIssueForm
from api.models import ApiToken
from benxi_cp.views import PermissionMixin


class SwaggerView(TemplateView):
    """Swagger UI from drf-spectacular-sidecar's static files, started by api/docs.js (no
    inline script: the CSP allows scripts from the site only)."""

    template_name = "api/swagger.html"
    extra_context = {"title": gettext_lazy("API documentation")}


class TokenListView(PermissionMixin, ListView):
    """Every token: whose, what for, issued and last used, active or revoked."""

    permission_required = "api.view_apitoken"
    template_name = "api/token_list.html"
    queryset = ApiToken.objects.select_related("user", "created_by", "revoked_by")
    paginate_by = 50
    extra_context = {"title": gettext_lazy("API tokens")}


class TokenIssueView(PermissionMixin, CreateView):
    """Issue a token; the key is shown on the response page, once, and never stored."""

    permission_required = "api.add_apitoken"
    form_class = TokenIssueForm
    template_name = "api/token_form.html"
    extra_context = {"title": gettext_lazy("Issue an API token")}

    def form_valid(self, form):
        token, key = ApiToken.issue(
            form.cleaned_data["user"], form.cleaned_data["name"], by=self.request.user
        )
        response = render(
            self.request,
            "api/token_issued.html",
            {"title": _("API token issued"), "token": token, "key": key},
        )
        # The key must not stay in a cache on the way.
        response["Cache-Control"] = "no-store"
        return response


@require_POST
def token_revoke(request, pk: int):
    if not request.user.has_perm("api.change_apitoken"):
        raise PermissionDenied
    token = get_object_or_404(ApiToken, pk=pk)
    if token.is_active:
        token.revoke(by=request.user)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:tokens")
