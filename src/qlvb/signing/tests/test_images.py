"""Signature and seal images: PNG, transparent background, sensible size, blue / red."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from qlvb.core.errors import DomainError, PayloadTooLarge, ValidationFailed
from qlvb.signing.images import check_image
from qlvb.signing.tests import samples


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_blue_signature_and_red_seal_are_accepted():
    assert check_image(samples.signature_png(), kind="signature").ratio == 2.5
    assert check_image(samples.seal_png(), kind="seal").width == 500


@pytest.mark.parametrize(
    ("data", "kind", "error", "message"),
    [
        (b"\xff\xd8\xff\xe0 jpeg", "signature", ValidationFailed, "phải là tệp PNG"),
        (samples.opaque_png(), "signature", DomainError, "nền trong suốt"),
        (_png(Image.new("RGBA", (150, 400), (0, 0, 255, 0))), "signature", DomainError, "nằm ngang"),
        (samples.signature_png(), "seal", DomainError, "gần vuông"),
        (_png(Image.new("RGBA", (40, 20), (0, 0, 255, 0))), "signature", DomainError, "điểm ảnh"),
    ],
)
def test_bad_images_are_refused_with_a_reason(data, kind, error, message):
    with pytest.raises(error, match=message):
        check_image(data, kind=kind)


def test_colour_rules():
    red_signature = Image.open(io.BytesIO(samples.seal_png())).resize((500, 200))
    with pytest.raises(DomainError, match="màu xanh"):
        check_image(_png(red_signature), kind="signature")
    blue_seal = Image.open(io.BytesIO(samples.signature_png())).resize((300, 300))
    with pytest.raises(DomainError, match="màu đỏ"):
        check_image(_png(blue_seal), kind="seal")


def test_too_large_file_is_refused():
    with pytest.raises(PayloadTooLarge):
        check_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 1), kind="seal")
