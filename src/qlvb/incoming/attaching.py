"""Attach files to a document through the foundation's file intake (placeholder until it lands)."""

from __future__ import annotations

from typing import Any

from qlvb.core.errors import DomainError


def attachments_add(*, actor: Any, document: Any, files: list[Any], checked: bool = False) -> list[Any]:
    raise DomainError("Chức năng đính kèm tệp chưa sẵn sàng.")
