from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app notifications: the pages and API a person reads them with (layer 6), and their Web Push to
    the person's devices (docs/push.md). The notifications themselves (``assignments.models.Notification``)
    are written by ``assignments.notify`` after commit; once stored, this app pushes them."""

    name = "qlvb.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from qlvb.assignments.notify import notifications_stored_listener_register

        from . import audit_actions  # noqa: F401  (declares)
        from .tasks import push_after_notifications

        notifications_stored_listener_register(push_after_notifications)
