from django.urls import path

from permits import views, views_compliance, views_monitoring

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
