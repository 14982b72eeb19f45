from django.urls import path

from enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="list"),
    path("new/", views.EnterpriseCreateView.as_view(), name="create"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="edit"),
]
