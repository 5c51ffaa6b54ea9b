"""Draw the app's icons (web app manifest, iOS home screen) with Pillow: a dark blue tile (#0b3d91, the
top bar's colour) holding a white sheet of paper with text lines and a red seal. Shapes only, no font,
so the output is the same on every machine. Run from the repository root:

    .venv/bin/python scripts/pwa_icons.py

It rewrites src/qlvb/web/static/web/icons/*.png (committed)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "src" / "qlvb" / "web" / "static" / "web" / "icons"
BLUE = (11, 61, 145, 255)
WHITE = (255, 255, 255, 255)
LINE = (11, 61, 145, 255)
SEAL = (200, 30, 40, 255)


def draw(size: int, *, safe: float, rounded: bool) -> Image.Image:
    """``safe``: the share of the side the picture may use (maskable icons keep to the middle 80 %)."""
    scale = 4  # draw large, then shrink: smooth edges
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    if rounded:
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=int(s * 0.18), fill=BLUE)
    else:
        d.rectangle((0, 0, s, s), fill=BLUE)
    box = s * safe
    x0, y0 = (s - box) / 2, (s - box) / 2
    # the sheet: 62 % wide, 78 % high of the safe box, with a folded corner
    w, h = box * 0.62, box * 0.78
    left, top = x0 + (box - w) / 2, y0 + (box - h) / 2
    fold = w * 0.22
    d.polygon(
        [(left, top), (left + w - fold, top), (left + w, top + fold), (left + w, top + h), (left, top + h)], fill=WHITE
    )
    d.polygon(
        [(left + w - fold, top), (left + w - fold, top + fold), (left + w, top + fold)], fill=(200, 210, 230, 255)
    )
    # text lines
    lh = h * 0.045
    for i, share in enumerate((0.55, 0.75, 0.75, 0.75, 0.5)):
        y = top + h * (0.2 + i * 0.12)
        d.rounded_rectangle((left + w * 0.14, y, left + w * (0.14 + share * 0.72), y + lh), radius=lh / 2, fill=LINE)
    # the seal
    r = w * 0.16
    cx, cy = left + w * 0.7, top + h * 0.8
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=SEAL, width=max(1, int(r * 0.28)))
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, safe=0.9, rounded=True).save(OUT / "icon-192.png", optimize=True)
    draw(512, safe=0.9, rounded=True).save(OUT / "icon-512.png", optimize=True)
    draw(512, safe=0.72, rounded=False).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(192, safe=0.72, rounded=False).save(OUT / "icon-maskable-192.png", optimize=True)
    # iOS draws its own rounded corners and shows transparency as black: a full square, no alpha
    draw(180, safe=0.82, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    draw(32, safe=0.95, rounded=True).save(OUT / "favicon-32.png", optimize=True)
    for path in sorted(OUT.glob("*.png")):
        print(path.name, path.stat().st_size)


if __name__ == "__main__":
    main()
