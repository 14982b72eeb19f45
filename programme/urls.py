from django.urls import path  # noqa: F401

app_name = "programme"

urlpatterns: list = []

# Training and outreach; policies and incentives
from programme.urls_outreach import urlpatterns as outreach_urls  # noqa: E402

urlpatterns += outreach_urls
