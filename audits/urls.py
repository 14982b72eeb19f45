from django.urls import path

from audits import views

app_name = "audits"
urlpatterns = [
    path("", views.AuditListView.as_view(), name="list"),
    path("mine/", views.MyAuditListView.as_view(), name="mine"),
    path("new/", views.AuditCreateView.as_view(), name="create"),
    path("<int:pk>/", views.AuditDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.AuditUpdateView.as_view(), name="edit"),
    path("<int:pk>/steps/<int:number>/", views.StepUpdateView.as_view(), name="step"),
    path("<int:pk>/balance/", views.BalanceView.as_view(), name="balance"),
    path("<int:pk>/options/", views.OptionGridView.as_view(), name="options"),
    path("<int:pk>/assessment/", views.AssessmentView.as_view(), name="assessment"),
    path("<int:pk>/acceptance/", views.AcceptanceView.as_view(), name="acceptance"),
    path("<int:pk>/review/", views.ExpertReviewView.as_view(), name="review"),
    path("<int:pk>/unlock/", views.AuditLockView.as_view(), name="unlock"),
    path("<int:pk>/relock/", views.AuditLockView.as_view(), {"relock": True}, name="relock"),
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document"),
    path("documents/<int:pk>/delete/", views.DocumentDeleteView.as_view(), name="document_delete"),
    path("options/", views.OptionListView.as_view(), name="option_list"),
    path("options/<int:pk>/", views.OptionDetailView.as_view(), name="option_detail"),
    path("options/<int:pk>/edit/", views.OptionUpdateView.as_view(), name="option_edit"),
    path(
        "options/<int:pk>/feasibility/",
        views.FeasibilityView.as_view(),
        name="option_feasibility",
    ),
]
