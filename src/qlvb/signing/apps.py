from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "qlvb.signing"
    label = "signing"
    verbose_name = "Chữ ký số"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (declares permissions)
