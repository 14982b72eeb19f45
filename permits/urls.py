from django.urls import path

from permits import views, views_cases, views_compliance, views_monitoring

app_name = "permits"

urlpatterns = [
    path("", views.PermitListView.as_view(), name="list"),
    path("compliance/", views_compliance.ComplianceView.as_view(), name="compliance"),
    path("fees/", views_compliance.FeesView.as_view(), name="fees"),
    path("monitoring/", views_monitoring.MonitoringListView.as_view(), name="monitoring"),
    path(
        "monitoring/entry/",
        views_monitoring.MonitoringEntryView.as_view(),
        name="monitoring_entry",
    ),
    path("cases/", views_cases.CaseListView.as_view(), name="cases"),
    path("cases/new/", views_cases.CaseEditView.as_view(), name="case_create"),
    path("cases/<int:pk>/", views_cases.CaseDetailView.as_view(), name="case"),
    path("cases/<int:pk>/edit/", views_cases.CaseEditView.as_view(), name="case_edit"),
    path("cases/<int:pk>/document/", views_cases.CaseDocumentView.as_view(), name="case_document"),
    path(
        "history/<str:kind>/<int:key>/",
        views_cases.CaseHistoryView.as_view(),
        name="history",
    ),
    path("new/", views.PermitEditView.as_view(), name="create"),
    path("<int:pk>/", views.PermitDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PermitEditView.as_view(), name="edit"),
    path("<int:pk>/document/", views.PermitDocumentView.as_view(), name="document"),
    path(
        "<int:pk>/versions/<int:number>/",
        views.PermitRevisionView.as_view(),
        name="revision",
    ),
]
