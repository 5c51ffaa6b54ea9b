from __future__ import annotations

from django.urls import path

from . import handover_views as views

app_name = "handover"

urlpatterns = [
    path("", views.handover_home, name="home"),
    path("nguoi/<int:person_id>/", views.handover_person_view, name="person"),
    path("bien-ban/<int:pk>/", views.handover_record, name="record"),
    path("bien-ban/<int:pk>.<str:fmt>", views.handover_record_file, name="record_file"),
]
