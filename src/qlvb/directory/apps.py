from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "qlvb.directory"
    label = "directory"
    verbose_name = "Đơn vị và người dùng"

    def ready(self) -> None:
        from . import audit_actions, auth_audit, policies, twofactor  # noqa: F401  (declarations; connects sign-in audit)
