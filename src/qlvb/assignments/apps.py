from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "qlvb.assignments"
    label = "assignments"
    verbose_name = "Phân công xử lý"

    def ready(self) -> None:
        from qlvb.directory.lockout import lockout_notifier_register
        from qlvb.directory.models import User

        from .models import NotificationKind
        from .notify import notify_after_commit

        def tell_locked_out(user: User, text: str) -> None:
            notify_after_commit(users=[user], kind=NotificationKind.SECURITY, text=text)

        # A sign-in lockout is told to the person in the app (directory sits below this layer).
        lockout_notifier_register(tell_locked_out)
