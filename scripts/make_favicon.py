"""Render ``assets/favicon.png``: three clusters of dots, each around its black centroid.

The app's tab icon. Streamlit draws a Material icon as the favicon by loading
it from an outside font host; the app must make no request that leaves the
machine, so it ships this small picture instead. The dots use the first three
cluster colours of ``app/figures/palette.py``; every run writes the same file::

    python scripts/make_favicon.py            # writes assets/favicon.png
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 64
SCALE = 4  # drawn large, shrunk for smooth edges
OUTPUT = Path(__file__).resolve().parent.parent / "assets" / "favicon.png"
# (centre x, centre y, colour): palette colours 0, 1 and 2 (orange, sky blue, bluish green).
CLUSTERS = ((18, 20, "#E69F00"), (46, 22, "#56B4E9"), (30, 46, "#009E73"))
# Where the dots of each cluster sit around its centre, in final pixels.
OFFSETS = ((-9, -3), (-3, -9), (6, -6), (8, 3), (1, 9), (-7, 7))
DOT_RADIUS = 4
CENTROID_RADIUS = 5


def disc(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float, fill: str) -> None:
    """A filled circle of ``radius`` final pixels centred on (x, y), in final pixels."""
    box = [(x - radius) * SCALE, (y - radius) * SCALE, (x + radius) * SCALE, (y + radius) * SCALE]
    draw.ellipse(box, fill=fill)


def render() -> Image.Image:
    """The icon: a white rounded square, the clusters' dots, then each black centroid."""
    big = SIZE * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=12 * SCALE, fill="#FFFFFF")
    for cx, cy, colour in CLUSTERS:
        for dx, dy in OFFSETS:
            disc(draw, cx + dx, cy + dy, DOT_RADIUS, colour)
    for cx, cy, _ in CLUSTERS:
        disc(draw, cx, cy, CENTROID_RADIUS, "#000000")
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


if __name__ == "__main__":
    render().save(OUTPUT, optimize=True)
    print(f"wrote {OUTPUT}")
