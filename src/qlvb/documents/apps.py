from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "qlvb.documents"
    label = "documents"
    verbose_name = "Văn bản"
