"""Hostile pictures: bad arguments, pictures too costly to decode, and what the page keeps.

Large pictures are shrunk in their own format before any conversion; the
tests check that this early reduction gives the colours a full decode would,
and that a picture whose decoding alone would exceed the memory budget is
refused from its header.
"""

import io
import struct
import zlib

import numpy as np
import pytest
from chart_specs import live_chart
from PIL import Image
from test_hostile_links import HOSTILE, assert_no_live_markup

from clustering.images import (
    MAX_DECODE_BYTES,
    ImageLoadError,
    decode_bytes,
    load_image,
)


def encode(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def streamed_png(width: int, height: int, bit_depth: int, colour_type: int, row: bytes,
                 palette: bytes = b"") -> bytes:
    """A PNG of ``height`` identical rows, compressed row by row: a huge picture, a tiny file."""
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(b"\x00" + row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + (png_chunk(b"PLTE", palette) if palette else b"")
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


SMALL_PNG = encode(Image.new("RGB", (4, 3), (10, 20, 30)))


@pytest.mark.parametrize("data", [None, "picture.png", 42, [1, 2]])
def test_anything_but_bytes_is_a_clear_value_error(data):
    with pytest.raises(ValueError, match="as bytes"):
        load_image(data)


@pytest.mark.parametrize("max_side", [0, -1, -800, True, 2.5, "800", None])
def test_max_side_must_be_a_positive_whole_number(max_side):
    with pytest.raises(ValueError, match="max_side must be a whole number"):
        load_image(SMALL_PNG, max_side=max_side)


def test_max_side_one_gives_a_one_pixel_side():
    assert load_image(SMALL_PNG, max_side=1).pixels.shape == (1, 1, 3)


def test_a_large_16_bit_picture_is_reduced_to_the_values_a_full_decode_gives():
    # Left half black, right half white, 16 bits: 4000 x 3000, reduced by 2 then resized.
    width, height = 4000, 3000
    row = b"\x00\x00" * (width // 2) + b"\xff\xff" * (width // 2)
    loaded = load_image(streamed_png(width, height, 16, 0, row))
    assert loaded.pixels.shape == (600, 800, 3)
    assert np.all(loaded.pixels[:, :390] == 0) and np.all(loaded.pixels[:, 410:] == 255)
    assert any("16-bit" in note for note in loaded.notes)


def test_a_uniform_16_bit_value_keeps_its_grey_after_reduction():
    row = b"\x12\x34" * 3000  # 0x1234 = 4660, which is 18 in 8 bits
    loaded = load_image(streamed_png(3000, 2000, 16, 0, row))
    assert np.all(loaded.pixels == 18)


def test_a_large_palette_picture_is_reduced_in_colour_not_in_palette_indices():
    palette = bytes([255, 0, 0, 0, 0, 255])  # index 0 red, index 1 blue
    row = bytes([0]) * 2000 + bytes([1]) * 2000
    loaded = load_image(streamed_png(4000, 2000, 8, 3, row, palette))
    np.testing.assert_array_equal(loaded.pixels[10, 10], [255, 0, 0])
    np.testing.assert_array_equal(loaded.pixels[10, -10], [0, 0, 255])


def test_a_picture_too_costly_to_decode_is_refused_from_its_header():
    # 8000 x 6000 palette picture: 48 MB decoded plus its 192 MB colour copy.
    data = streamed_png(8000, 6000, 8, 3, bytes(8000), bytes(3))
    assert decode_bytes("P", (8000, 6000)) > MAX_DECODE_BYTES
    with pytest.raises(ImageLoadError, match="MB of memory to decode"):
        load_image(data)


@pytest.mark.parametrize(
    ("mode", "bytes_per_pixel"), [("L", 1), ("I;16", 2), ("RGB", 4), ("F", 4), ("P", 5)]
)
def test_decode_bytes_counts_what_pillow_holds(mode, bytes_per_pixel):
    assert decode_bytes(mode, (100, 30)) == 3000 * bytes_per_pixel


# -- the page: a bad upload keeps the last good picture, names shown as text -----------

PAGE = "views/segmentation.py"


def palette_spec(app) -> dict:
    return live_chart(app, "seg_palette")


def test_a_bad_upload_keeps_the_picture_and_shows_its_name_as_text(app_at):
    app = app_at(PAGE).run()
    app.radio(key="seg_picture").set_value("upload").run()
    stripes = np.zeros((30, 40, 3), dtype=np.uint8)
    stripes[:, 20:] = (200, 30, 20)
    app.file_uploader(key="seg_upload").upload("stripes.png", encode(Image.fromarray(stripes)),
                                               "image/png").run()
    assert not app.exception and not app.error
    before = palette_spec(app)

    for name, data in [(f"{HOSTILE}.png", b"not a picture"),
                       ("big.png", b"\x89PNG" + b"\0" * (20 * 2**20))]:
        app.file_uploader(key="seg_upload").upload(name, data, "image/png").run()
        assert not app.exception
        (error,) = [error.value for error in app.error]
        assert_no_live_markup(error)
        assert len(app.get("image")) == 2  # the picture and its segmentation are still there
        assert palette_spec(app) == before
