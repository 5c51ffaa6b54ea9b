from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app notifications: the pages and API a person reads them with (layer 6). The notifications
    themselves (``assignments.models.Notification``) are written by ``assignments.notify`` after commit."""

    name = "qlvb.notifications"
    label = "notifications"
    verbose_name = "Thông báo"
