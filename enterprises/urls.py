from django.urls import path

from enterprises import entry, views, views_discharge

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="list"),
    path("new/", views.EnterpriseCreateView.as_view(), name="create"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="edit"),
    path("lookup/", views.enterprise_lookup, name="lookup"),
    # Discharge reports
    path("reports/", views_discharge.ReportListView.as_view(), name="report_list"),
    path("reports/entry/", entry.ReportEntryView.as_view(), name="report_entry"),
    path("reports/flags/", views_discharge.FlaggedValuesView.as_view(), name="flagged_values"),
    path("reports/import/", views_discharge.report_import, name="report_import"),
    path(
        "reports/verify/", views_discharge.report_verify_selection, name="report_verify_selection"
    ),
    path("reports/verify/next/", views_discharge.report_verify_next, name="report_verify_next"),
    path("reports/<int:pk>/", views_discharge.ReportDetailView.as_view(), name="report_detail"),
    path(
        "reports/<int:pk>/history/",
        views_discharge.ReportHistoryView.as_view(),
        name="report_history",
    ),
    path("reports/<int:pk>/submit/", views_discharge.report_submit, name="report_submit"),
    path("reports/<int:pk>/verify/", views_discharge.report_verify, name="report_verify"),
    path("reports/<int:pk>/return/", views_discharge.report_return, name="report_return"),
    path("reports/<int:pk>/unlock/", views_discharge.report_unlock, name="report_unlock"),
]
