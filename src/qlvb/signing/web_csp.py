"""The signing pages that talk to the signer's local plug-in need ``connect-src`` to reach it: their
Content-Security-Policy is the site's own plus that one origin (the site's middleware only sets the
header when a view has not)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpResponse

_BASE = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; frame-src 'self'; frame-ancestors 'self'; base-uri 'self'; "
    "form-action 'self'"
)


def with_plugin_origin(response: HttpResponse, plugin_url: str) -> HttpResponse:
    parts = urlsplit(plugin_url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
    ws = origin.replace("http", "ws", 1) if origin else ""
    response.headers["Content-Security-Policy"] = f"{_BASE}; connect-src 'self' {origin} {ws}".rstrip()
    return response
