from __future__ import annotations

from django.urls import path

from . import upgrade_views as views

app_name = "upgrade"

urlpatterns = [
    path("", views.upgrade_list, name="list"),
    path("co-gi-moi/da-xem/", views.whats_new_seen, name="whats_new_seen"),
]
