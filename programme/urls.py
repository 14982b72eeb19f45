from django.urls import path  # noqa: F401

app_name = "programme"

urlpatterns: list = []

# Environmental investment ----------------------------------------------------------------
from programme import views_investment  # noqa: E402

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
