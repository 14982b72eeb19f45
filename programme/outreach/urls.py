"""URLs of training and outreach, policies and incentives (included by programme/urls.py)."""

from django.urls import path

from programme.outreach import views

urlpatterns = [
    path("training/", views.TrainingEventListView.as_view(), name="event_list"),
    path("training/new/", views.TrainingEventEditView.as_view(), name="event_create"),
    path("training/<int:pk>/", views.TrainingEventDetailView.as_view(), name="event_detail"),
    path("training/<int:pk>/edit/", views.TrainingEventEditView.as_view(), name="event_edit"),
    path("training/materials/<int:pk>/", views.MaterialDownloadView.as_view(), name="material"),
    path(
        "training/materials/<int:pk>/delete/",
        views.MaterialDeleteView.as_view(),
        name="material_delete",
    ),
    path("policies/", views.PolicyListView.as_view(), name="policy_list"),
    path("policies/new/", views.PolicyCreateView.as_view(), name="policy_create"),
    path("policies/<int:pk>/", views.PolicyDetailView.as_view(), name="policy_detail"),
    path("policies/<int:pk>/edit/", views.PolicyUpdateView.as_view(), name="policy_edit"),
    path("policies/<int:pk>/document/", views.PolicyDocumentView.as_view(), name="policy_document"),
    path("incentives/", views.IncentiveListView.as_view(), name="incentive_list"),
    path("incentives/new/", views.IncentiveCreateView.as_view(), name="incentive_create"),
    path("incentives/totals/", views.TotalsView.as_view(), name="incentive_totals"),
    path("incentives/<int:pk>/", views.IncentiveDetailView.as_view(), name="incentive_detail"),
    path("incentives/<int:pk>/edit/", views.IncentiveUpdateView.as_view(), name="incentive_edit"),
    path("history/<str:kind>/<int:key>/", views.HistoryView.as_view(), name="outreach_history"),
]
