from __future__ import annotations

from django.urls import path

from . import announcement_views, calendar_views
from .task_urls import task_urlpatterns

app_name = "direction"

urlpatterns: list = [
    path("lich-cong-tac/", calendar_views.week, name="calendar"),
    path("lich-cong-tac/cua-toi/", calendar_views.my_week, name="my_calendar"),
    path("lich-cong-tac/don-vi/<int:unit_id>/", calendar_views.unit_week, name="unit_calendar"),
    path("lich-cong-tac/cong-bo/", calendar_views.publish, name="calendar_publish"),
    path("lich-cong-tac/in/", calendar_views.print_week, name="calendar_print"),
    path("lich-cong-tac/them/", calendar_views.event_new, name="event_new"),
    path("lich-cong-tac/<int:pk>/", calendar_views.event_detail, name="event"),
    path("lich-cong-tac/<int:pk>/sua/", calendar_views.event_edit, name="event_edit"),
    path("lich-cong-tac/phong-hop/", calendar_views.rooms, name="rooms"),
    path("lich-cong-tac/duong-dan-lich/", calendar_views.feed_manage, name="feed_manage"),
    path("lich-cong-tac/ical/<str:key>.ics", calendar_views.feed, name="feed"),
    path("thong-bao/", announcement_views.announcement_list, name="announcements"),
    path("thong-bao/them/", announcement_views.announcement_new, name="announcement_new"),
    path("thong-bao/<int:pk>/", announcement_views.announcement_detail, name="announcement"),
]
urlpatterns += task_urlpatterns
