"""Who may upload and download files.

Any signed-in, active holder of a role may upload (``files.upload``) and download (``files.download``).
Which file a person may download is decided per file: the uploader, an administrator
(``files.download_any``, over the uploader's unit), or a later app that has authorised access itself
(a document's attachments are readable by those who may see the document) — see ``services.file_open``.
"""

from __future__ import annotations

from typing import Any

from qlvb.core.permissions import ROLES, declare, has

from .models import StoredFile

APP = "files"
ALL_ROLES = set(ROLES)

UPLOAD = declare(APP, "files.upload", "Tải tệp lên", ALL_ROLES)
DOWNLOAD = declare(APP, "files.download", "Tải tệp xuống", ALL_ROLES)
DOWNLOAD_ANY = declare(APP, "files.download_any", "Tải xuống mọi tệp của đơn vị (quản trị)", {"admin"})


def may_read_own_or_admin(actor: Any, stored_file: StoredFile) -> bool:
    """The uploader, or an administrator over the uploader's unit (or a superuser)."""
    if not has(actor, DOWNLOAD.name):
        return False
    if stored_file.uploaded_by_id is not None and stored_file.uploaded_by_id == actor.pk:
        return True
    uploader = stored_file.uploaded_by
    unit = uploader.unit if uploader is not None else None
    return has(actor, DOWNLOAD_ANY.name, unit=unit) if unit is not None else bool(actor.is_superuser)
