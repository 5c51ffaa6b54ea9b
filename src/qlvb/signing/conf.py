"""Signing configuration: Django settings first, then the environment, then the default.

* ``QLVB_TRUST_ANCHORS_DIR`` — folder of trusted root (and intermediate) certificates, DER or PEM
  (``.cer``, ``.crt``, ``.pem``, ``.der``): the Government specialised CA roots, public CA roots.
* ``QLVB_TSA_URL`` — RFC 3161 timestamp authority; empty: no timestamp (PAdES B-B).
* ``QLVB_SIGNING_FONT`` — TrueType font of the visible signature text (Liberation Serif 2.x,
  metric-compatible with Times New Roman).
* ``QLVB_SIGNING_FETCH_TIMEOUT`` — seconds allowed for each OCSP/CRL/TSA request.
* ``QLVB_SIGNING_FETCH`` — when signing, check the signer's certificate online (OCSP/CRL) and embed
  what was fetched (``1``, default), or sign offline (``0``: PAdES B-B/B-T, no revocation check).
* ``QLVB_VERIFY_FETCH`` — fetch revocation data when verifying (``1``) or use only what the file
  embeds (``0``).
* ``QLVB_SIGNING_PLUGIN_URL`` — where the signer's browser finds the local signing plug-in (USB token
  at his desk; docs/signing.md), default ``http://127.0.0.1:18765``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
from pathlib import Path

from django.conf import settings

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)


def _get(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value)


def trust_anchors_dir() -> Path:
    return Path(_get("QLVB_TRUST_ANCHORS_DIR", str(Path(settings.DATA_DIR) / "trust-anchors")))


def tsa_url() -> str:
    return _get("QLVB_TSA_URL", "").strip()


def fetch_timeout() -> int:
    return int(_get("QLVB_SIGNING_FETCH_TIMEOUT", "5"))


def signing_fetch() -> bool:
    return _get("QLVB_SIGNING_FETCH", "1").strip().lower() in {"1", "true", "yes", "on"}


def verify_fetch() -> bool:
    return _get("QLVB_VERIFY_FETCH", "1").strip().lower() in {"1", "true", "yes", "on"}


def _source_font() -> str:
    configured = _get("QLVB_SIGNING_FONT", "")
    if configured:
        return configured
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    raise FileNotFoundError("no serif TrueType font found; install fonts-liberation2 or set QLVB_SIGNING_FONT")


_FONT_LOCK = threading.Lock()


@functools.cache
def _scaled_font(source: str) -> str:
    """pyHanko writes glyph widths in font units into the PDF, which PDF reads as 1/1000 em: right
    only for fonts with 1000 units per em. Liberation Serif has 2048, so we keep a copy rescaled to
    1000 (fontTools) in the data folder's cache. Made under a lock, through a temporary file of this
    thread: two clerks numbering at once on a fresh install wrote the same temporary file, and one read
    a half-written font ("Not a TrueType or OpenType font")."""
    with _FONT_LOCK:
        return _scaled_font_made(source)


def _scaled_font_made(source: str) -> str:
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(source)
    if font["head"].unitsPerEm == 1000:
        return source
    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()[:16]
    for directory in (Path(settings.DATA_DIR) / "cache" / "fonts", Path(tempfile.gettempdir()) / "qlvb-fonts"):
        target = directory / f"{Path(source).stem}-1000-{digest}.ttf"
        if target.exists():
            return str(target)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            scale_upem(font, 1000)
            partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            font.save(str(partial))
            partial.replace(target)
            return str(target)
        except OSError:
            continue
    return source


def font_path() -> str:
    return _scaled_font(_source_font())


# Where a profile may point. A user chooses his own signing method, so the server must not load any
# file or call any address he types: PKCS#12 files live in one folder, PKCS#11 libraries and remote
# signing services are lists the administrator configured.
PKCS11_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
)


def _list(name: str, default: str = "") -> list[str]:
    raw = getattr(settings, name, None)
    if raw is None:
        raw = os.environ.get(name, default)
    if isinstance(raw, list | tuple):
        return [str(v).strip() for v in raw if str(v).strip()]
    return [v.strip() for v in str(raw).replace(";", ",").split(",") if v.strip()]


def pkcs12_dir() -> Path:
    """``QLVB_PKCS12_DIR``: the folder holding PKCS#12 files kept on the server (default var/keys/)."""
    return Path(_get("QLVB_PKCS12_DIR", str(Path(settings.DATA_DIR) / "keys")))


def pkcs11_modules() -> list[str]:
    """``QLVB_PKCS11_MODULES``: the PKCS#11 libraries a profile may use (comma-separated); default the
    ones of :data:`PKCS11_CANDIDATES` installed on this machine."""
    configured = _list("QLVB_PKCS11_MODULES")
    return configured or [c for c in PKCS11_CANDIDATES if Path(c).exists()]


def csc_services() -> list[str]:
    """``QLVB_CSC_SERVICES``: base URLs of the remote signing services (CSC API) the agency uses,
    comma-separated; empty: remote signing is not offered."""
    return [url.rstrip("/") for url in _list("QLVB_CSC_SERVICES")]


def plugin_url() -> str:
    """``QLVB_SIGNING_PLUGIN_URL``: the local signing plug-in's address as the signer's browser sees it."""
    return _get("QLVB_SIGNING_PLUGIN_URL", "http://127.0.0.1:18765").strip().rstrip("/")
