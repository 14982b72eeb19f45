from django.urls import path

from portal import views, views_audits, views_permits

app_name = "portal"

urlpatterns = [
    path("", views.PortalHomeView.as_view(), name="home"),
    path("reports/<int:pk>/", views.PortalReportView.as_view(), name="report"),
    path("reports/<int:pk>/sign/", views.SignView.as_view(), name="report_sign"),
    path("reports/<int:pk>/amend/", views.report_amend, name="report_amend"),
    path("signatures/<int:pk>/copy/", views.copy_of_record, name="copy_of_record"),
    path("permits/", views_permits.PortalPermitsView.as_view(), name="permits"),
    path(
        "permits/<int:pk>/document/",
        views_permits.PortalPermitDocumentView.as_view(),
        name="permit_document",
    ),
    path("monitoring/", views_permits.PortalMonitoringView.as_view(), name="monitoring"),
    path("audits/<int:pk>/apply/", views_audits.ApplyView.as_view(), name="audit_apply"),
    path("applications/<int:pk>/", views_audits.application_page, name="application"),
    path(
        "applications/<int:pk>/decide/",
        views_audits.application_decide,
        name="application_decide",
    ),
    path(
        "application-documents/<int:pk>/",
        views_audits.application_document,
        name="application_document",
    ),
    path("one-time-codes/", views.TwoFactorView.as_view(), name="two_factor"),
    path("accounts/", views.GrantListView.as_view(), name="grants"),
    path("accounts/invite/", views.InviteView.as_view(), name="invite"),
    path("accounts/<int:pk>/approve/", views.grant_approve, name="grant_approve"),
    path("accounts/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("accounts/<int:pk>/letter/", views.grant_letter, name="grant_letter"),
    path(
        "accounts/<int:pk>/unlock-signing/",
        views.grant_unlock_signing,
        name="grant_unlock_signing",
    ),
    path(
        "invitations/<int:pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/<str:token>/", views.AcceptView.as_view(), name="accept"),
]
