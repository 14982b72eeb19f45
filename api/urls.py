"""/api/v1/ (the API), /api/schema/ (OpenAPI 3), /api/docs/ (documentation served by
the app), /api/tokens/ (the administrators' token pages)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from api import views, views_pages
from api.schema import SchemaView

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("audits", views.AuditViewSet, basename="audit")
router.register("options", views.OptionViewSet, basename="option")
router.register("discharge-reports", views.DischargeReportViewSet, basename="dischargereport")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("monitoring", views.MonitoringValueViewSet, basename="monitoringvalue")

v1 = [
    *router.urls,
    path(
        "programme-summary/<int:year>/",
        views.ProgrammeSummaryView.as_view(),
        name="programme-summary",
    ),
    re_path(r"^(?P<path>[\s\S]*)$", views.not_found, name="not-found"),
]
# Token clients carry no session: the API authenticates them itself (401, not a redirect to
# the log-in page).
for pattern in v1:
    login_not_required(pattern.callback)

urlpatterns = [
    path("v1/", include(v1)),
    path(
        "schema/",
        login_not_required(SchemaView.as_view(urlconf=None)),
        name="schema",
    ),
    path("docs/", views_pages.SwaggerView.as_view(), name="docs"),
    path("tokens/", views_pages.TokenListView.as_view(), name="tokens"),
    path("tokens/new/", views_pages.TokenIssueView.as_view(), name="token_issue"),
    path("tokens/<int:pk>/revoke/", views_pages.token_revoke, name="token_revoke"),
]
