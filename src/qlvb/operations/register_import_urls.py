from __future__ import annotations

from django.urls import path

from . import register_import_views as views

app_name = "register_import"

urlpatterns = [
    path("", views.register_import_home, name="home"),
    path("<int:pk>/nhap/", views.register_import_do, name="do"),
    path("mau-<str:direction>.xlsx", views.register_import_template, name="template"),
]
