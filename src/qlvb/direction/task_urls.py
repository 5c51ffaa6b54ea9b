"""The task pages, under ``cong-viec/`` (appended to ``direction/urls.py``)."""

from __future__ import annotations

from django.urls import path

from . import task_action_views, task_views

task_urlpatterns = [
    path("cong-viec/", task_views.task_list, name="task_list"),
    path("cong-viec/giao/", task_views.task_create, name="task_create"),
    path("cong-viec/<int:pk>/", task_views.task_detail, name="task_detail"),
    path("cong-viec/<int:pk>/da-xem/", task_views.task_mark_seen, name="task_mark_seen"),
    path("cong-viec/<int:pk>/tep/", task_views.task_file_add, name="task_file_add"),
    path("cong-viec/<int:pk>/van-ban/", task_views.task_links, name="task_links"),
    path("cong-viec/van-ban/chon/", task_views.task_link_choices, name="task_link_choices"),
    path("cong-viec/tu-van-ban/<int:pk>/", task_views.tasks_from_document, name="tasks_from_document"),
    path("cong-viec/theo-doi-van-ban-di/<int:pk>/", task_views.follow_outgoing, name="task_follow_outgoing"),
    path("cong-viec/phan-viec/<int:pk>/", task_views.task_of_part, name="task_of_part"),
    path("cong-viec/phan-viec/<int:pk>/<slug:action>/", task_action_views.part_action, name="task_part_action"),
    path("cong-viec/gia-han/<int:pk>/", task_action_views.extension_decide, name="task_extension_decide"),
]
