from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "qlvb.operations"
    label = "operations"
    verbose_name = "Vận hành"
