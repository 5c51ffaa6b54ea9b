from __future__ import annotations

from django.urls import path

from . import migration_views as views

app_name = "migration"

urlpatterns = [
    path("", views.migration_home, name="home"),
    path("<int:pk>/nhap/", views.migration_do, name="do"),
    path("<int:pk>/", views.migration_run_page, name="run"),
    path("goi-mau.zip", views.migration_sample, name="sample"),
    path("mau/<slug:name>.xlsx", views.migration_template, name="template"),
]
