from __future__ import annotations

from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("", views.systems_home, name="home"),
    path("<int:pk>/", views.system_page, name="system"),
]
