from django.apps import AppConfig


class IncomingConfig(AppConfig):
    name = "qlvb.incoming"
    label = "incoming"
    verbose_name = "Văn bản đến"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (declares permissions)
