from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "qlvb.exchange"
    label = "exchange"
    verbose_name = "Gửi, nhận văn bản điện tử"

    def ready(self) -> None:
        from . import events, signals  # noqa: F401  (document events; status flowing back to the sender)
