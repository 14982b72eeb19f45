"""Root URLs: the shared pages, then each app under its own prefix."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from benxi_cp import views, views_help
from benxi_cp.scoping import enterprise_scoped

# A server error's page needs no database (403 and 404: Django's views and templates).
handler500 = "benxi_cp.errors.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", enterprise_scoped(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "i18n/setlang/",
        enterprise_scoped(login_not_required(set_language)),
        name="set_language",
    ),
    # Both databases' state, for monitors: no log-in, no enterprise data.
    path("health/", enterprise_scoped(views.health), name="health"),
    path("jobs/", views.JobListView.as_view(), name="jobs"),
    path("jobs/<int:pk>/", views.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("import/<slug:kind>/", views.ImportView.as_view(), name="import"),
    path(
        "import/<slug:kind>/template.<slug:fmt>",
        views.import_template,
        name="import_template",
    ),
    path("formats/<str:name>/", views.FormatDocumentView.as_view(), name="format_document"),
    path("enterprises/", include("enterprises.urls")),
    path("audits/", include("audits.urls")),
    path("targets/", include("targets.urls")),
    path("reports/", include("reports.urls")),
    path("programme/", include("programme.urls")),
    path("permits/", include("permits.urls")),
    path("portal/", include("portal.urls")),
    path("accounts/", include("benxi_cp.accounts.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    # Search across the application and the glossary
    path("search/", views_help.SearchView.as_view(), name="search"),
    path("help/", views_help.GlossaryView.as_view(), name="help"),
]
