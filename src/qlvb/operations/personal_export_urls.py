from __future__ import annotations

from django.urls import path

from . import personal_export_views as views

app_name = "personal_export"

urlpatterns = [
    path("", views.export_home, name="home"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/duyet/", views.export_approve, name="approve"),
    path("<int:pk>/tu-choi/", views.export_refuse, name="refuse"),
    path("<int:pk>/tai/", views.export_download, name="download"),
]
