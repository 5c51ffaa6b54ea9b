from __future__ import annotations

from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("", views.notice_list, name="notices"),
    path("<int:pk>/ket-thuc/", views.notice_close, name="notice_end"),
]
