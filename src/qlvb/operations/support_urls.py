from __future__ import annotations

from django.urls import path

from . import support_views as views

app_name = "support"

urlpatterns = [
    path("", views.support_home, name="home"),
    path("huong-dan/", views.guide_view, name="guide"),
    path("huong-dan/<slug:slug>/", views.guide_view, name="guide_page"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/tra-loi/", views.ticket_answer_view, name="answer"),
    path("<int:pk>/dong/", views.ticket_close_view, name="close"),
    path("<int:pk>/tep/", views.ticket_file_download, name="file"),
]
