from __future__ import annotations

from django.urls import path

from . import views, webhook_views

app_name = "integrations"

urlpatterns = [
    path("", views.systems_home, name="home"),
    path("<int:pk>/", views.system_page, name="system"),
    path("<int:pk>/webhook/", webhook_views.webhooks_page, name="webhooks"),
    path("<int:pk>/webhook/<int:sub_pk>/", webhook_views.webhook_page, name="webhook"),
]
