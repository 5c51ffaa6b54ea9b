"""Photos as a phone's camera makes them, for the camera capture tests (files/photos.py)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

ORIENTATION = 0x0112


def photo_jpeg(width: int, height: int, *, orientation: int = 1, colour: str = "white", mark: str = "") -> bytes:
    """A JPEG as the sensor wrote it (``width``×``height``), with the EXIF orientation the phone recorded."""
    image = Image.new("RGB", (width, height), colour)
    if mark:
        ImageDraw.Draw(image).text((10, 10), mark, fill="black")
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=80)
    return out.getvalue()


def photo_png(width: int, height: int) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))  # transparent: becomes a white page
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 60_000) -> bytes:
    """A PNG of a few hundred bytes that declares ``side``×``side`` pixels (3.6 billion by default)."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")


HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
