"""The notification pages, mounted under ``van-ban-den/`` where they have always been (the URLs stay)."""

from django.urls import path

from . import device_views, views

app_name = "notifications"

urlpatterns = [
    path("thong-bao/", views.notifications, name="list"),
    path("thong-bao/da-doc/", views.notifications_read, name="read"),
    path("thong-bao/<int:pk>/", views.notification_open, name="open"),
    path("thong-bao/thiet-bi/", device_views.devices, name="devices"),
    path("thong-bao/thiet-bi/<int:pk>/huy/", device_views.device_remove, name="device_remove"),
]
