import contextlib

from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "qlvb.files"
    label = "files"
    verbose_name = "Tệp tin"

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401  (declares the audit actions)
        from .uploads import upload_temp_sweep

        # A worker killed mid-upload leaves its temporary file: clear the stale ones at start-up
        # (the beat job "files-upload-temp-sweep" does it every 15 minutes). A read-only or missing
        # data folder must not stop the application.
        with contextlib.suppress(OSError):
            upload_temp_sweep()
