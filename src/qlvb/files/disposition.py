"""The ``Content-Disposition`` of a stored file's download (RFC 6266), shared by the streamed response and the
object store's presigned URL."""

from __future__ import annotations

from urllib.parse import quote


def content_disposition(name: str) -> str:
    """``attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>`` (RFC 6266 §4.3)."""
    ascii_name = name.encode("ascii", "ignore").decode("ascii").replace("\\", "_").replace('"', "_") or "tep"
    ascii_name = "".join(c if c.isprintable() else "_" for c in ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
