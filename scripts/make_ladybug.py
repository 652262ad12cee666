"""Render ``assets/ladybug.png``: a small red ladybug on a dandelion in the grass.

The clustering chapter segments a photo of a ladybug on a dandelion. We cannot
ship that photo, so we paint a stand-in with the same lesson in it: a large
yellow flower, lots of green grass, and a small, flashy red ladybug. With few
colours, k-means spends them on the big green and yellow areas and the
ladybug's red gets no cluster of its own; with about ten colours it does.

The picture is drawn at twice its final size (so that edges come out smooth
when it is shrunk), then lit, blurred a little and given sensor noise, which
leaves it with tens of thousands of distinct colours, like a photo. Everything
comes from one seeded random generator, so every run writes the same file::

    python scripts/make_ladybug.py            # writes assets/ladybug.png
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 800, 533
SCALE = 2  # drawn at 2x, shrunk at the end for anti-aliased edges
SEED = 42
OUTPUT = Path(__file__).resolve().parent.parent / "assets" / "ladybug.png"

FLOWER_CENTRE = (330, 250)  # in final pixels
FLOWER_RADIUS = 150
LADYBUG_CENTRE = (392, 196)
LADYBUG_LENGTH = 52
LADYBUG_ANGLE = -35.0  # degrees; the head points up and to the right


def scaled(*values: float) -> list[float]:
    """Convert final-image coordinates to drawing coordinates."""
    return [value * SCALE for value in values]


def to_array(image: Image.Image) -> np.ndarray:
    """An RGB image as floats in [0, 1]."""
    return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0


def to_image(pixels: np.ndarray) -> Image.Image:
    """Floats in [0, 1] as an 8-bit RGB image."""
    return Image.fromarray(np.round(np.clip(pixels, 0, 1) * 255).astype(np.uint8))


def vary(colour: tuple[int, int, int], rng: np.random.Generator, spread: float) -> tuple:
    """A colour with each channel moved by up to ``spread`` percent of its value."""
    factors = 1 + rng.uniform(-spread, spread, size=3) / 100
    return tuple(int(np.clip(c * f, 0, 255)) for c, f in zip(colour, factors, strict=True))


def grass(rng: np.random.Generator) -> Image.Image:
    """A meadow: far blades of grass, very blurred, behind nearer and sharper ones."""
    width, height = WIDTH * SCALE, HEIGHT * SCALE
    rows = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    top, bottom = np.array([0.45, 0.62, 0.25]), np.array([0.10, 0.26, 0.06])
    base = top * (1 - rows) + bottom * rows
    image = to_image(np.broadcast_to(base, (height, width, 3)))
    far = [(72, 120, 30), (96, 150, 46), (48, 92, 24), (126, 168, 60), (60, 110, 50)]
    near = [(40, 78, 20), (110, 160, 50), (150, 190, 80), (30, 60, 18), (84, 134, 40)]
    for colours, count, blur in [(far, 900, 6), (near, 160, 2)]:
        draw = ImageDraw.Draw(image)
        for _ in range(count):
            draw_blade(draw, rng, colours[rng.integers(len(colours))], width, height)
        image = image.filter(ImageFilter.GaussianBlur(blur * SCALE))
    return image


def draw_blade(draw: ImageDraw.ImageDraw, rng, colour, width: int, height: int) -> None:
    """One blade of grass: a thin, slightly bent triangle growing up from the bottom edge."""
    x = rng.uniform(-50, width + 50)
    base = height + 10
    length = rng.uniform(0.3, 1.0) * height
    lean = rng.normal(0, 0.25) * length
    half_width = rng.uniform(3, 9) * SCALE
    middle = (x + lean * 0.4, base - length * 0.55)
    tip = (x + lean, base - length)
    outline = [(x - half_width, base), middle, tip, (middle[0] + half_width, middle[1]),
               (x + half_width, base)]
    draw.polygon(outline, fill=vary(colour, rng, 20))


def dandelion(image: Image.Image, rng: np.random.Generator) -> None:
    """A dandelion head: rings of thin yellow petals, long outside, short and deep inside."""
    draw = ImageDraw.Draw(image)
    cx, cy = scaled(*FLOWER_CENTRE)
    draw.line([(cx - 40, cy), (cx - 150, HEIGHT * SCALE)], fill=(70, 110, 40), width=18)
    rings = [(1.00, 70, (250, 214, 52)), (0.82, 64, (252, 204, 40)),
             (0.62, 56, (247, 192, 30)), (0.42, 44, (240, 180, 24)), (0.22, 30, (228, 166, 20))]
    for fraction, count, colour in rings:
        radius = fraction * FLOWER_RADIUS * SCALE
        for angle in rng.uniform(0, 2 * np.pi, size=1) + np.linspace(0, 2 * np.pi, count):
            draw_petal(draw, (cx, cy), radius * rng.uniform(0.85, 1.05), angle, count,
                       vary(colour, rng, 6))


def draw_petal(draw: ImageDraw.ImageDraw, centre, length: float, angle: float, count: int,
               colour) -> None:
    """One strap-shaped petal from the flower's centre outwards, with a darker rim."""
    cx, cy = centre
    half = 1.3 * np.pi * length / count / 2  # petals of a ring overlap a little
    along = np.array([np.cos(angle), np.sin(angle)])
    across = np.array([-along[1], along[0]])
    points = [
        (cx, cy),
        tuple(np.array([cx, cy]) + along * length * 0.9 + across * half),
        tuple(np.array([cx, cy]) + along * length),
        tuple(np.array([cx, cy]) + along * length * 0.9 - across * half),
    ]
    rim = tuple(int(c * 0.86) for c in colour)
    draw.polygon(points, fill=colour, outline=rim, width=SCALE)


def ladybug(image: Image.Image) -> None:
    """A seven-spot ladybug seen from above, drawn on its own layer and rotated into place."""
    size = int(LADYBUG_LENGTH * SCALE * 1.6)
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    length, width = LADYBUG_LENGTH * SCALE, LADYBUG_LENGTH * SCALE * 0.86
    left, top = (size - width) / 2, (size - length) / 2 + 0.12 * length
    head = [size / 2 - width * 0.3, top - length * 0.2, size / 2 + width * 0.3,
            top + length * 0.25]
    draw.ellipse(head, fill=(18, 14, 12, 255))
    draw.ellipse([head[0] + 6, head[1] + 10, head[0] + 16, head[1] + 20], fill=(235, 230, 220))
    draw.ellipse([head[2] - 16, head[1] + 10, head[2] - 6, head[1] + 20], fill=(235, 230, 220))
    body = [left, top, left + width, top + length]
    draw.ellipse(body, fill=(206, 28, 22, 255))
    draw.line([(size / 2, top + 2), (size / 2, top + length - 2)], fill=(40, 10, 8), width=3)
    spots = [(0.5, 0.2, 0.11), (0.27, 0.42, 0.1), (0.73, 0.42, 0.1),
             (0.3, 0.7, 0.09), (0.7, 0.7, 0.09), (0.4, 0.9, 0.06), (0.6, 0.9, 0.06)]
    for fx, fy, fr in spots:
        x, y, r = left + fx * width, top + fy * length, fr * length
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(20, 14, 12, 255))
    shade_body(layer, body)
    rotated = layer.rotate(LADYBUG_ANGLE, resample=Image.BICUBIC)
    x, y = scaled(*LADYBUG_CENTRE)
    image.alpha_composite(rotated, (int(x - size / 2), int(y - size / 2)))


def shade_body(layer: Image.Image, body: list[float]) -> None:
    """Make the shell look round: dark towards its rim, a soft highlight near the top left."""
    pixels = np.asarray(layer, dtype=np.float32)
    rows, cols = np.mgrid[0 : layer.height, 0 : layer.width].astype(np.float32)
    cx, cy = (body[0] + body[2]) / 2, (body[1] + body[3]) / 2
    rx, ry = (body[2] - body[0]) / 2, (body[3] - body[1]) / 2
    distance = np.hypot((cols - cx) / rx, (rows - cy) / ry)
    shade = np.clip(1.15 - 0.55 * distance**2, 0.45, 1.15)
    glint = np.exp(-(((cols - cx + 0.4 * rx) / (0.18 * rx)) ** 2
                     + ((rows - cy + 0.45 * ry) / (0.12 * ry)) ** 2))
    rgb = pixels[..., :3] * shade[..., None] + 150 * glint[..., None]
    pixels[..., :3] = np.clip(rgb, 0, 255)
    layer.paste(Image.fromarray(pixels.astype(np.uint8), "RGBA"))


def light(pixels: np.ndarray) -> np.ndarray:
    """Sunlight from the upper left and a gentle vignette, as a lens would give."""
    rows, cols = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    sun = 1.08 - 0.22 * (rows / HEIGHT + cols / WIDTH) / 2
    vignette = 1 - 0.35 * (((cols / WIDTH - 0.45) ** 2 + (rows / HEIGHT - 0.5) ** 2) / 0.5)
    return pixels * (sun * vignette)[..., None]


def render(seed: int = SEED) -> Image.Image:
    """Paint the whole scene and return it as an 8-bit RGB image of WIDTH x HEIGHT."""
    rng = np.random.default_rng(seed)
    canvas = grass(rng).convert("RGBA")
    dandelion(canvas, rng)
    canvas = canvas.filter(ImageFilter.GaussianBlur(0.8 * SCALE))
    ladybug(canvas)
    small = canvas.convert("RGB").resize((WIDTH, HEIGHT), Image.LANCZOS)
    small = small.filter(ImageFilter.GaussianBlur(0.6))
    pixels = light(to_array(small))
    pixels += rng.normal(0, 2.0 / 255, size=pixels.shape).astype(np.float32)
    return to_image(pixels)


def main() -> None:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    render().save(OUTPUT, optimize=True)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
