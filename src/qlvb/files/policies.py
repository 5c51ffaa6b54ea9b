"""Who may upload files, read their content, and see their metadata.

Any signed-in, active holder of a role may upload (``files.upload``) and download (``files.download``).
Which file's *content* a person may read is decided per file (:func:`may_read_content`):

* the uploader;
* whoever may open a document that holds the file — each workflow registers that rule at start-up
  (:func:`content_access_register`; this layer sits below them), and the document pages authorise it
  themselves through their own selectors.

An administrator (``files.download_any``, over the uploader's unit) sees a file's *metadata* — that it
exists, its name, size, hash, uploader, signature reports — but not its content, unless one of the
rules above lets him open it as anyone else would (issue 9: an administrator used to download by id
the files of documents he could not open). docs/security.md states the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from qlvb.core.permissions import ROLES, declare, has

from .models import StoredFile

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qlvb.directory.models import User

APP = "files"
ALL_ROLES = set(ROLES)

UPLOAD = declare(APP, "files.upload", "Tải tệp lên", ALL_ROLES)
DOWNLOAD = declare(APP, "files.download", "Tải tệp xuống", ALL_ROLES)
DOWNLOAD_ANY = declare(APP, "files.download_any", "Tải xuống mọi tệp của đơn vị (quản trị)", {"admin"})


def may_read_own_or_admin(actor: User | AnonymousUser, stored_file: StoredFile) -> bool:
    """The uploader, or an administrator over the uploader's unit (or a superuser)."""
    if not has(actor, DOWNLOAD):
        return False
    if stored_file.uploaded_by_id is not None and stored_file.uploaded_by_id == actor.pk:
        return True
    uploader = stored_file.uploaded_by
    unit = uploader.unit if uploader is not None else None
    return has(actor, DOWNLOAD_ANY, unit=unit) if unit is not None else bool(actor.is_superuser)


ContentRule = Callable[[Any, StoredFile], bool]
_CONTENT_RULES: list[ContentRule] = []


def content_access_register(rule: ContentRule) -> None:
    """Add ``rule(actor, stored_file) -> bool``: the actor may open a document holding this file."""
    if rule not in _CONTENT_RULES:
        _CONTENT_RULES.append(rule)


def may_read_content(actor: User | AnonymousUser, stored_file: StoredFile) -> bool:
    """The uploader, or whoever may open a document that holds the file. Being an administrator is not
    enough (see the module's docstring)."""
    if not has(actor, DOWNLOAD):
        return False
    if stored_file.uploaded_by_id is not None and stored_file.uploaded_by_id == actor.pk:
        return True
    return any(rule(actor, stored_file) for rule in _CONTENT_RULES)
