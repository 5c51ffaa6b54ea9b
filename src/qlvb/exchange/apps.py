from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "qlvb.exchange"
    label = "exchange"
    verbose_name = "Gửi, nhận văn bản điện tử"

    def ready(self) -> None:
        from . import events  # noqa: F401  (the exchange's document events)
