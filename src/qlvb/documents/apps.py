from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "qlvb.documents"
    label = "documents"
    verbose_name = "Văn bản"

    def ready(self) -> None:
        from qlvb.files.texts import text_done_register

        from . import audit_actions, policies  # noqa: F401
        from .searchindex import stored_file_text_index

        text_done_register(stored_file_text_index)  # a file's text, once read, is what its documents are found by
