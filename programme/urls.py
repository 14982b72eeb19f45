"""The programme office's own registers (see `programme/apps.py`)."""

from django.urls import path

from programme.investment import views as views_investment
from programme.organisation import views as organisation
from programme.outreach.urls import urlpatterns as outreach_urls

app_name = "programme"

urlpatterns: list = []

# Training and outreach; policies and incentives

urlpatterns += outreach_urls

# Organisation: bodies, members, meetings, tasks, departments' staff
urlpatterns += [
    path("bodies/", organisation.BodyListView.as_view(), name="bodies"),
    path("bodies/new/", organisation.BodyCreateView.as_view(), name="body_create"),
    path("bodies/<slug:code>/", organisation.BodyDetailView.as_view(), name="body"),
    path("bodies/<slug:code>/edit/", organisation.BodyUpdateView.as_view(), name="body_edit"),
    path("members/", organisation.MemberListView.as_view(), name="members"),
    path("members/new/", organisation.MemberCreateView.as_view(), name="member_create"),
    path("members/<int:pk>/", organisation.MemberDetailView.as_view(), name="member"),
    path("members/<int:pk>/edit/", organisation.MemberUpdateView.as_view(), name="member_edit"),
    path("meetings/", organisation.MeetingListView.as_view(), name="meetings"),
    path("meetings/new/", organisation.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", organisation.MeetingDetailView.as_view(), name="meeting"),
    path("meetings/<int:pk>/edit/", organisation.MeetingUpdateView.as_view(), name="meeting_edit"),
    path(
        "meetings/<int:pk>/tasks/new/",
        organisation.MeetingTaskCreateView.as_view(),
        name="meeting_task_create",
    ),
    path("tasks/", organisation.TaskListView.as_view(), name="tasks"),
    path("tasks/new/", organisation.TaskCreateView.as_view(), name="task_create"),
    path("tasks/<int:pk>/", organisation.TaskDetailView.as_view(), name="task"),
    path("tasks/<int:pk>/edit/", organisation.TaskUpdateView.as_view(), name="task_edit"),
    path("tasks/<int:pk>/done/", organisation.task_done, name="task_done"),
    path("staff/", organisation.StaffListView.as_view(), name="staff"),
    path("staff/new/", organisation.StaffCreateView.as_view(), name="staff_create"),
    path("staff/<int:pk>/edit/", organisation.StaffUpdateView.as_view(), name="staff_edit"),
    path(
        "organisation/history/<slug:kind>/<str:key>/",
        organisation.HistoryView.as_view(),
        name="history",
    ),
]

# Environmental investment ----------------------------------------------------------------

urlpatterns += [
    path("investment/", views_investment.InvestmentListView.as_view(), name="investment_list"),
    path(
        "investment/new/",
        views_investment.InvestmentCreateView.as_view(),
        name="investment_create",
    ),
    path(
        "investment/<int:pk>/",
        views_investment.InvestmentDetailView.as_view(),
        name="investment_detail",
    ),
    path(
        "investment/<int:pk>/edit/",
        views_investment.InvestmentUpdateView.as_view(),
        name="investment_edit",
    ),
]
