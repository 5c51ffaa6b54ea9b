from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "qlvb.api"
    label = "api"
    verbose_name = "API"
