from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("epb/", views.EpbDashboardView.as_view(), name="epb_dashboard"),
    path("claims/", views.ClaimsView.as_view(), name="claims"),
    path("trends/", views.TrendsView.as_view(), name="trends"),
    path("enterprises/", views.ProgrammeEnterpriseListView.as_view(), name="enterprises"),
    path("charts/<slug:name>.svg", views.ChartView.as_view(), name="chart"),
    path("forms/", views.FormIndexView.as_view(), name="forms"),
    path("forms/<slug:name>/", views.FormPageView.as_view(), name="form"),
    path("forms/<slug:name>/<slug:fmt>/", views.FormDownloadView.as_view(), name="form_download"),
]
