"""Checks on an uploaded signature image (blue) or seal image (red): PNG, transparent background,
sensible size (NĐ 30 Phụ lục I.II.7.d and 8.a). A file that is not a PNG is a ``ValidationFailed``
(422): the request itself (multipart) was well-formed, its content is what is refused."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from qlvb.core.errors import PayloadTooLarge, ValidationFailed

from .errors import ErrorCode

MAX_BYTES = 1024 * 1024
MIN_SIDE = 100
MAX_SIDE = 3000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    width: int
    height: int

    @property
    def ratio(self) -> float:
        return self.width / self.height


def _dominant_colour(image: Image.Image) -> tuple[int, int, int] | None:
    rgba = image.convert("RGBA")
    rgba.thumbnail((200, 200))
    r = g = b = n = 0
    for pr, pg, pb, pa in rgba.get_flattened_data():  # type: ignore[misc]
        if pa > 128:
            r, g, b, n = r + pr, g + pg, b + pb, n + 1
    if n == 0:
        return None
    return r // n, g // n, b // n


def check_image(data: bytes, *, kind: str) -> CheckedImage:
    """``kind`` is ``"signature"`` (expected blue) or ``"seal"`` (expected red). Raises a
    DomainError with a Vietnamese message when the file is not acceptable."""
    label = _("Ảnh chữ ký") if kind == "signature" else _("Ảnh con dấu")
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(_("%(label)s quá lớn (tối đa 1 MB).") % {"label": label})
    if not data.startswith(PNG_MAGIC):
        raise ValidationFailed(
            _("%(label)s phải là tệp PNG (không nhận JPEG hay định dạng khác).") % {"label": label},
            code=ErrorCode.IMAGE_NOT_PNG,
        )
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationFailed(
            _("%(label)s không đọc được (tệp PNG hỏng).") % {"label": label}, code=ErrorCode.IMAGE_BROKEN
        ) from exc
    width, height = image.size
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE:
        raise ValidationFailed(
            _("%(label)s phải có mỗi cạnh từ %(min)s đến %(max)s điểm ảnh (ảnh này %(w)s×%(h)s).")
            % {"label": label, "min": MIN_SIDE, "max": MAX_SIDE, "w": width, "h": height}
        )
    if kind == "signature" and not 1 <= width / height <= 6:
        raise ValidationFailed(_("Ảnh chữ ký phải nằm ngang (rộng gấp 1 đến 6 lần chiều cao)."))
    if kind == "seal" and not 0.8 <= width / height <= 1.25:
        raise ValidationFailed(_("Ảnh con dấu phải gần vuông (con dấu tròn)."))
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if not has_alpha:
        raise ValidationFailed(_("%(label)s phải có nền trong suốt.") % {"label": label})
    alpha = image.convert("RGBA").getchannel("A")
    extrema = alpha.getextrema()
    low = extrema[0][0] if isinstance(extrema[0], tuple) else extrema[0]
    corners = [
        alpha.getpixel((0, 0)),
        alpha.getpixel((width - 1, 0)),
        alpha.getpixel((0, height - 1)),
        alpha.getpixel((width - 1, height - 1)),
    ]
    if low > 0 or any(c != 0 for c in corners):
        raise ValidationFailed(_("%(label)s phải có nền trong suốt.") % {"label": label})
    colour = _dominant_colour(image)
    if colour is None:
        raise ValidationFailed(_("%(label)s không có nét nào.") % {"label": label})
    r, g, b = colour
    if kind == "signature" and not (b > r + 30 and b > g):
        raise ValidationFailed(_("Ảnh chữ ký phải màu xanh (Phụ lục I Nghị định 30/2020/NĐ-CP)."))
    if kind == "seal" and not (r > g + 60 and r > b + 60):
        raise ValidationFailed(_("Ảnh con dấu phải màu đỏ (Phụ lục I Nghị định 30/2020/NĐ-CP)."))
    return CheckedImage(data=data, width=width, height=height)
