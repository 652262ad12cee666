"""The upload loader: every kind of file becomes 8-bit RGB with a note, or a clear error.

Every file here is made in memory by the test itself, with Pillow or, where
Pillow cannot write what we need (16-bit colour, decompression bombs), byte
by byte as the PNG specification lays it out.
"""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from clustering.images import MAX_FILE_BYTES, MAX_PIXELS, MAX_SIDE, ImageLoadError, load_image

RNG = np.random.default_rng(0)
PICTURE = RNG.integers(0, 256, size=(30, 40, 3), dtype=np.uint8)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def raw_png(width: int, height: int, bit_depth: int, colour_type: int, rows: bytes) -> bytes:
    """A PNG built from its chunks: header, compressed rows, end."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("fmt", ["PNG", "BMP", "TIFF", "WEBP"])
def test_lossless_formats_load_pixel_for_pixel(fmt):
    options = {"lossless": True} if fmt == "WEBP" else {}
    loaded = load_image(encode(Image.fromarray(PICTURE), fmt, **options))
    np.testing.assert_array_equal(loaded.pixels, PICTURE)
    assert loaded.pixels.dtype == np.uint8
    assert loaded.notes == ()
    assert loaded.format == ("WebP" if fmt == "WEBP" else fmt)


def test_jpeg_loads_close_to_the_original():
    smooth = np.repeat(np.linspace(0, 255, 40, dtype=np.uint8)[None, :, None], 30, axis=0)
    picture = np.concatenate([smooth, 255 - smooth, smooth // 2], axis=2)
    loaded = load_image(encode(Image.fromarray(picture), "JPEG", quality=95))
    assert loaded.format == "JPEG"
    assert loaded.pixels.shape == picture.shape
    assert np.abs(loaded.pixels.astype(int) - picture).mean() < 3


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_exif_orientation_turns_the_picture_upright(fmt):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored lying on its side: show it turned a quarter clockwise
    picture = np.zeros((20, 40, 3), dtype=np.uint8)
    picture[:, :20] = (255, 0, 0)  # left half red, right half blue
    picture[:, 20:] = (0, 0, 255)
    loaded = load_image(encode(Image.fromarray(picture), fmt, exif=exif))
    expected = np.rot90(picture, k=-1)  # a quarter turn clockwise
    assert loaded.pixels.shape == expected.shape == (40, 20, 3)
    assert np.abs(loaded.pixels.astype(int) - expected).mean() < 8
    assert any("EXIF" in note for note in loaded.notes)


def test_large_picture_is_shrunk_for_clustering_and_says_so():
    big = Image.fromarray(PICTURE).resize((1600, 1200))
    loaded = load_image(encode(big, "PNG"))
    assert loaded.pixels.shape == (600, 800, 3)
    assert loaded.original_size == (1600, 1200)
    assert loaded.notes == ("Shrunk from 1600×1200 to 800×600 pixels for clustering.",)


def test_large_turned_jpeg_reports_its_upright_size():
    exif = Image.Exif()
    exif[0x0112] = 8
    big = Image.fromarray(PICTURE).resize((4000, 3000))
    loaded = load_image(encode(big, "JPEG", exif=exif))
    assert loaded.pixels.shape == (MAX_SIDE, 600, 3)
    assert "Shrunk from 3000×4000 to 600×800 pixels for clustering." in loaded.notes


def test_empty_file_is_refused():
    with pytest.raises(ImageLoadError, match="empty"):
        load_image(b"")


def test_file_over_the_size_limit_is_refused():
    with pytest.raises(ImageLoadError, match=r"limit is 20 MB"):
        load_image(b"\0" * (MAX_FILE_BYTES + 1))


def test_non_image_is_refused_with_the_formats_we_take():
    with pytest.raises(ImageLoadError, match=r"not an image.*PNG, JPEG, WebP, BMP or TIFF"):
        load_image(b"name,colour\nladybug,red\n")


def test_unsupported_format_is_named():
    with pytest.raises(ImageLoadError, match="GIF images are not supported"):
        load_image(encode(Image.fromarray(PICTURE), "GIF"))


@pytest.mark.parametrize("cut", [0.3, 0.7])
def test_truncated_file_is_called_damaged(cut):
    data = encode(Image.fromarray(PICTURE), "PNG")
    with pytest.raises(ImageLoadError, match="damaged or truncated"):
        load_image(data[: int(len(data) * cut)])


def test_scrambled_pixel_data_is_called_damaged():
    data = bytearray(encode(Image.fromarray(PICTURE), "PNG"))
    start = data.index(b"IDAT") + 20
    data[start : start + 200] = bytes(200)  # the deflate stream no longer decodes
    with pytest.raises(ImageLoadError, match="damaged"):
        load_image(bytes(data))


@pytest.mark.parametrize(
    "width, height",
    [
        (8_000, 7_000),  # over our limit, under Pillow's
        (10_000, 10_000),  # where Pillow only warns: we refuse
        (100_000, 100_000),  # where Pillow raises DecompressionBombError
    ],
)
def test_decompression_bombs_are_refused_before_decoding(width, height):
    assert width * height > MAX_PIXELS
    bomb = raw_png(width, height, 8, 2, b"")  # a few bytes claiming a huge picture
    with pytest.raises(ImageLoadError, match="more than 50 megapixels"):
        load_image(bomb)


def test_16_bit_grayscale_is_scaled_to_8_bits():
    values = np.linspace(0, 65535, 30 * 40).reshape(30, 40).astype(np.uint16)
    loaded = load_image(encode(Image.fromarray(values), "PNG"))
    expected = np.round(values / 257).astype(np.uint8)
    np.testing.assert_array_equal(loaded.pixels, np.stack([expected] * 3, axis=2))
    assert any("16-bit" in note for note in loaded.notes)


def test_16_bit_colour_keeps_the_high_byte():
    values = RNG.integers(0, 65536, size=(6, 5, 3)).astype(">u2")
    rows = b"".join(b"\0" + row.tobytes() for row in values)  # filter 0 before each row
    loaded = load_image(raw_png(5, 6, 16, 2, rows))
    np.testing.assert_array_equal(loaded.pixels, (values >> 8).astype(np.uint8))


def test_float_grayscale_is_stretched_to_0_255():
    values = np.linspace(-1.0, 3.0, 30 * 40, dtype=np.float32).reshape(30, 40)
    loaded = load_image(encode(Image.fromarray(values), "TIFF"))
    assert loaded.pixels.min() == 0 and loaded.pixels.max() == 255
    assert any("floating-point" in note for note in loaded.notes)


@pytest.mark.parametrize(("mode", "words"), [("L", "grayscale"), ("1", "black-and-white"),
                                              ("CMYK", "CMYK")])
def test_other_colour_modes_become_rgb_as_pillow_converts_them(mode, words):
    image = Image.fromarray(PICTURE).convert(mode)
    loaded = load_image(encode(image, "TIFF"))
    np.testing.assert_array_equal(loaded.pixels, np.asarray(image.convert("RGB")))
    assert len(loaded.notes) == 1
    assert loaded.notes[0].startswith(f"Converted from {words}")


def test_cmyk_jpeg_becomes_rgb():
    image = Image.fromarray(PICTURE).convert("CMYK")
    loaded = load_image(encode(image, "JPEG", quality=95))
    assert loaded.pixels.shape == PICTURE.shape
    assert any("CMYK" in note for note in loaded.notes)


def test_palette_picture_becomes_rgb():
    image = Image.fromarray(PICTURE).quantize(16)
    loaded = load_image(encode(image, "PNG"))
    np.testing.assert_array_equal(loaded.pixels, np.asarray(image.convert("RGB")))
    assert loaded.notes == ("Converted from a colour palette to RGB.",)


def test_transparency_is_laid_on_white():
    pixels = np.array([[[255, 0, 0, 0], [0, 0, 255, 255], [0, 0, 0, 128]]], dtype=np.uint8)
    loaded = load_image(encode(Image.fromarray(pixels, "RGBA"), "PNG"))
    np.testing.assert_array_equal(loaded.pixels[0, 0], [255, 255, 255])  # clear: white
    np.testing.assert_array_equal(loaded.pixels[0, 1], [0, 0, 255])  # opaque: unchanged
    assert np.all(np.abs(loaded.pixels[0, 2].astype(int) - 127) <= 1)  # half: half-way
    assert loaded.notes == ("Transparent areas were laid on a white background.",)


def test_transparent_palette_entry_is_laid_on_white():
    image = Image.fromarray(PICTURE).quantize(8)
    clear = int(np.asarray(image)[0, 0])
    loaded = load_image(encode(image, "PNG", transparency=clear))
    np.testing.assert_array_equal(loaded.pixels[0, 0], [255, 255, 255])
    assert "white" in loaded.notes[0]


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animation_uses_its_first_frame_and_says_so(fmt):
    frames = [Image.new("RGB", (16, 12), colour) for colour in ("red", "lime", "blue")]
    options = {"lossless": True} if fmt == "WEBP" else {}
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], **options)
    loaded = load_image(data)
    assert np.all(loaded.pixels == [255, 0, 0])
    assert loaded.notes == (
        "The file holds 3 frames (an animation or several pages); only the first is used.",
    )
