from __future__ import annotations

from django.urls import path

from . import backup_views as views

app_name = "backups"

urlpatterns = [
    path("", views.backup_list, name="list"),
    path("sao-luu-ngay/", views.backup_now, name="now"),
]
