from django.apps import AppConfig


class OutgoingConfig(AppConfig):
    name = "qlvb.outgoing"
    label = "outgoing"
    verbose_name = "Văn bản đi"

    def ready(self) -> None:
        from . import events, policies  # noqa: F401  (declares permissions and document events)
