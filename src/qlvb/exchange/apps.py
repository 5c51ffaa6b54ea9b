from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "qlvb.exchange"
    label = "exchange"
    verbose_name = "Gửi, nhận văn bản điện tử"

    def ready(self) -> None:
        from qlvb.core.management.commands.serve import side_service_register
        from qlvb.directory.demo import demo_extra_register

        from . import events, policies  # noqa: F401  (the exchange's document events, permissions, audit actions)
        from .axis_demo import demo_outside_agencies, side_service

        side_service_register("axis-sim", side_service)  # `qlvb serve` starts the local axis (docs/axis.md)
        demo_extra_register("exchange", demo_outside_agencies)
