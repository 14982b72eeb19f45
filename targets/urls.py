from django.urls import path

from targets import views

app_name = "targets"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("recompute/", views.recompute_view, name="recompute"),
    path("departments/", views.DepartmentListView.as_view(), name="departments"),
    path("departments/new/", views.DepartmentCreateView.as_view(), name="department_create"),
    path("departments/<slug:code>/", views.DepartmentDetailView.as_view(), name="department"),
    path(
        "departments/<slug:code>/edit/",
        views.DepartmentUpdateView.as_view(),
        name="department_edit",
    ),
    path("indicators/", views.IndicatorListView.as_view(), name="indicators"),
    path("indicators/new/", views.IndicatorCreateView.as_view(), name="indicator_create"),
    path("indicators/<slug:code>/", views.IndicatorDetailView.as_view(), name="indicator"),
    path(
        "indicators/<slug:code>/edit/", views.IndicatorUpdateView.as_view(), name="indicator_edit"
    ),
    path("indicators/<slug:code>/chart.svg", views.ChartView.as_view(), name="chart"),
    path(
        "indicators/<slug:code>/targets/new/",
        views.TargetCreateView.as_view(),
        name="target_create",
    ),
    path(
        "indicators/<slug:code>/actuals/new/",
        views.ActualCreateView.as_view(),
        name="actual_create",
    ),
    path("targets/<int:pk>/edit/", views.TargetUpdateView.as_view(), name="target_edit"),
    path("targets/<int:pk>/delete/", views.TargetDeleteView.as_view(), name="target_delete"),
    path("actuals/<int:pk>/edit/", views.ActualUpdateView.as_view(), name="actual_edit"),
    path("actuals/<int:pk>/delete/", views.ActualDeleteView.as_view(), name="actual_delete"),
]
