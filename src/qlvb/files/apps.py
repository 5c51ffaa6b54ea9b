from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "qlvb.files"
    label = "files"
    verbose_name = "Tệp tin"
