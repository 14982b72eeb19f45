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
    path("years/", views.YearListView.as_view(), name="years"),
    path("years/<int:year>/", views.YearView.as_view(), name="year"),
    path("years/<int:year>/close/", views.CloseYearView.as_view(), name="close_year"),
    path("years/<int:year>/reopen/", views.ReopenYearView.as_view(), name="reopen_year"),
    path("years/<int:year>/record/<int:pk>/", views.RecordCopyView.as_view(), name="record_copy"),
]
