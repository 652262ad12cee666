"""Read an image file a user uploaded into the H×W×3 uint8 array that k-means clusters.

Colour segmentation needs one thing: an RGB triple per pixel. Image files come
in many shapes: grayscale, with transparency, with a colour palette, in CMYK
for print, with 16 bits per channel, animated, lying on their side with an
EXIF note saying "rotate me", far larger than needed, or simply broken. This
module turns every file it accepts into plain 8-bit RGB and says in plain words
what it changed; every file it refuses gets an :class:`ImageLoadError` that
says why and what to do instead, never a traceback from inside Pillow.

The rules, stated once so the app can show them:

- formats: PNG, JPEG, WebP, BMP and TIFF, up to :data:`MAX_FILE_BYTES`;
- at most :data:`MAX_PIXELS` pixels once decoded (a small file can unpack into
  a huge picture: a "decompression bomb"), checked before decoding;
- at most :data:`MAX_DECODE_BYTES` of memory to decode, reckoned from the
  header before decoding (:func:`decode_bytes`), so that any accepted file
  stays within a known memory bound;
- pictures whose longer side exceeds :data:`MAX_SIDE` are shrunk to that size
  for clustering, and shrunk *first*, in the file's own pixel format, so that
  every conversion afterwards works on a small picture (a JPEG is even decoded
  at a reduced size straight away);
- transparent pixels are laid on a white background, because a colour
  segmentation needs a colour for every pixel;
- of an animation, the first frame is used.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = [
    "FORMATS",
    "MAX_DECODE_BYTES",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "MAX_SIDE",
    "ImageLoadError",
    "LoadedImage",
    "load_image",
]

#: Pillow's names of the formats we accept, with the name a user knows them by.
#: Many phone cameras write JPEGs that Pillow reports as MPO (multi-picture JPEG).
FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WebP", "BMP": "BMP",
           "TIFF": "TIFF"}
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
#: Memory the decoded picture may take. 50 megapixels at the 4 bytes a pixel
#: Pillow keeps for colour fit; a palette picture of that size, which needs a
#: colour copy as well, does not.
MAX_DECODE_BYTES = 200_000_000
MAX_SIDE = 800
#: Bytes a pixel takes in memory while a picture is decoded and reduced, for
#: each Pillow mode: what Pillow stores, plus the colour copy of a palette or
#: black-and-white picture (those cannot be reduced as they are). Two-channel
#: modes are stored in four bytes. Modes not listed count as 4.
DECODE_BYTES_PER_PIXEL = {"1": 2, "L": 1, "P": 5, "PA": 8, "I;16": 2, "I;16L": 2, "I;16B": 2,
                          "I;16N": 2}
#: Rows of a 16-bit picture read at a time when it is reduced by hand (Pillow
#: cannot reduce 16-bit pictures itself).
STRIP_ROWS = 256
WHITE = (255, 255, 255)
EXIF_ORIENTATION = 0x0112
QUARTER_TURNS = (5, 6, 7, 8)  # EXIF orientations that swap width and height


class ImageLoadError(ValueError):
    """A file that cannot be used as a picture; the message says why and what to do."""


@dataclass(frozen=True)
class LoadedImage:
    """A picture ready for clustering.

    Attributes
    ----------
    pixels : ndarray of shape (height, width, 3), dtype uint8
        The RGB picture, upright, at most :data:`MAX_SIDE` pixels on its longer side.
    format : str
        The file's format as users name it ("PNG", "JPEG" ...).
    original_size : tuple of int
        (width, height) of the picture in the file, before any shrinking.
    notes : tuple of str
        One sentence for each change made on the way (conversion, rotation,
        shrinking, first frame of an animation); empty when there was none.
    """

    pixels: np.ndarray
    format: str
    original_size: tuple[int, int]
    notes: tuple[str, ...] = ()


def load_image(data: bytes, *, max_side: int = MAX_SIDE) -> LoadedImage:
    """Decode an image file's bytes into 8-bit RGB pixels ready for clustering.

    Parameters
    ----------
    data : bytes
        The whole file, as uploaded.
    max_side : int, default=MAX_SIDE
        Pictures with a longer side are shrunk (keeping their proportions) so
        that it is ``max_side`` pixels.

    Returns
    -------
    LoadedImage
        The pixels and notes on every conversion made.

    Raises
    ------
    ImageLoadError
        For an empty, oversized, damaged or unsupported file, or a picture too
        large to decode safely.
    """
    check_arguments(data, max_side)
    try:
        with warnings.catch_warnings():
            # Pillow only *warns* between its pixel limit and twice that; we refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image, name, original_size, orientation, notes = decode(data, max_side)
    except ImageLoadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels_error() from error
    except Exception as error:  # Pillow's decoders raise many kinds on a damaged file
        raise ImageLoadError(
            f"The file could not be decoded; it looks damaged or truncated ({error}). "
            "Open it in an image viewer, save it again as PNG or JPEG, and upload that."
        ) from error
    image, shrunk = shrink(image, max_side, upright_size(original_size, orientation))
    notes += shrunk
    return LoadedImage(np.asarray(image, dtype=np.uint8), name, original_size, tuple(notes))


def decode(
    data: bytes, max_side: int
) -> tuple[Image.Image, str, tuple[int, int], int, list[str]]:
    """Open, check and decode the file into an upright RGB picture, already
    reduced to about twice ``max_side`` when far larger (the final resize is
    :func:`shrink`'s).

    Returns
    -------
    image, format_name, original_size, orientation, notes
        The picture; the format as users name it; the file's (width, height);
        its EXIF orientation (1 when upright); a sentence per change made.
    """
    image = open_image(data)
    name, original_size = FORMATS[image.format], image.size
    notes = first_frame_note(image)
    image.draft(None, (max_side, max_side))  # a JPEG decodes straight to a smaller size
    check_decode_memory(image)
    image.load()
    orientation = image.getexif().get(EXIF_ORIENTATION, 1)
    image = reduce_early(image, max_side)
    image, turned = upright(image, orientation)
    image, converted = to_rgb(image)
    return image, name, original_size, orientation, notes + turned + converted


def check_arguments(data: bytes, max_side: int) -> None:
    """Refuse what is not a file's bytes, a ``max_side`` below one pixel, and a bad size."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(
            f"load_image needs the file's content as bytes, got {type(data).__name__}; "
            "read the file with open(path, 'rb').read()."
        )
    if isinstance(max_side, bool) or not isinstance(max_side, (int, np.integer)) or max_side < 1:
        raise ValueError(f"max_side must be a whole number of pixels, 1 or more; got {max_side!r}.")
    check_file_size(len(data))


def check_file_size(n_bytes: int) -> None:
    """Refuse an empty file and one larger than :data:`MAX_FILE_BYTES`."""
    if n_bytes == 0:
        raise ImageLoadError("The file is empty (0 bytes). Choose an image file with content.")
    if n_bytes > MAX_FILE_BYTES:
        raise ImageLoadError(
            f"The file is {n_bytes / 2**20:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES / 2**20:.0f} MB. Save a smaller version (or a JPEG) and upload that."
        )


def open_image(data: bytes) -> Image.Image:
    """Open the file lazily (header only) and check its format and pixel count."""
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError as error:
        raise ImageLoadError(
            f"This file is not an image we can read. Upload a {supported_formats()} file."
        ) from error
    if image.format not in FORMATS:
        raise ImageLoadError(
            f"{image.format} images are not supported. Upload a {supported_formats()} file."
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise too_many_pixels_error(width, height)
    return image


def decode_bytes(mode: str, size: tuple[int, int]) -> int:
    """Memory, in bytes, that decoding and reducing a picture of this mode and size takes."""
    width, height = size
    return width * height * DECODE_BYTES_PER_PIXEL.get(mode, 4)


def check_decode_memory(image: Image.Image) -> None:
    """Refuse, from the header alone, a picture that would take too much memory to decode."""
    needed = decode_bytes(image.mode, image.size)
    if needed > MAX_DECODE_BYTES:
        width, height = image.size
        raise ImageLoadError(
            f"The picture is {width}×{height} pixels in a format ({describe_mode(image.mode)}) "
            f"that would take {needed / 1e6:.0f} MB of memory to decode; the limit is "
            f"{MAX_DECODE_BYTES / 1e6:.0f} MB. Save a smaller version, or an 8-bit PNG or a "
            "JPEG, and upload that."
        )


def supported_formats() -> str:
    """The accepted formats in words: "PNG, JPEG, WebP, BMP or TIFF"."""
    names = list(dict.fromkeys(FORMATS.values()))
    return ", ".join(names[:-1]) + " or " + names[-1]


def too_many_pixels_error(width: int | None = None, height: int | None = None) -> ImageLoadError:
    """The error for a picture that would decode into more than :data:`MAX_PIXELS` pixels."""
    size = f" is {width}×{height} pixels, which" if width else ""
    return ImageLoadError(
        f"The picture{size} would take more than {MAX_PIXELS / 1e6:.0f} megapixels to decode "
        "(the limit that keeps the app safe from 'decompression bombs'). "
        "Upload a smaller version."
    )


def first_frame_note(image: Image.Image) -> list[str]:
    """Say so when the file is an animation (or holds several pages): we use its first frame."""
    frames = getattr(image, "n_frames", 1)
    if frames > 1:
        return [f"The file holds {frames} frames (an animation or several pages); "
                "only the first is used."]
    return []


def reduce_early(image: Image.Image, max_side: int) -> Image.Image:
    """Shrink by a whole factor, in the picture's own mode, while it is still far too large.

    Reducing averages blocks of ``factor × factor`` pixels and is cheap; it
    keeps the picture at least twice ``max_side``, so the final, finer resize
    in :func:`shrink` still has detail to work with. Every conversion after
    this step then works on a picture of a few megapixels at most.
    """
    factor = max(image.size) // (2 * max_side)
    if factor < 2:
        return image
    if image.mode.startswith("I;16"):
        return reduce_16_bit(image, factor)
    if image.mode in ("1", "P", "PA"):
        # Averaging palette indices or single bits means nothing: reduce what they stand for.
        image = image.convert(reducible_mode(image))
    return image.reduce(factor)


def reducible_mode(image: Image.Image) -> str:
    """The mode a palette or black-and-white picture is reduced in: grey, colour, or with alpha."""
    if has_transparency(image):
        return "RGBA"
    return "L" if image.mode == "1" else "RGB"


def reduce_16_bit(image: Image.Image, factor: int) -> Image.Image:
    """Average ``factor × factor`` blocks of a 16-bit picture, a strip of rows at a time.

    Pillow cannot reduce 16-bit pictures, and converting the whole picture
    first would double its memory; strips keep the extra memory to a few MB.
    The result is a 32-bit integer ("I") picture with the same 0-65535 values.
    """
    width, height = image.size
    out_width, out_height = width // factor, height // factor
    rows_per_strip = max(1, STRIP_ROWS // factor) * factor
    strips = []
    for top in range(0, out_height * factor, rows_per_strip):
        bottom = min(top + rows_per_strip, out_height * factor)
        strip = np.asarray(image.crop((0, top, out_width * factor, bottom)), dtype=np.float64)
        blocks = strip.reshape((bottom - top) // factor, factor, out_width, factor)
        strips.append(blocks.mean(axis=(1, 3)))
    return Image.fromarray(np.round(np.concatenate(strips)).astype(np.int32))


def upright(image: Image.Image, orientation: int) -> tuple[Image.Image, list[str]]:
    """Turn the picture the way its EXIF orientation tag (1 to 8) says a camera held it."""
    if orientation not in range(2, 9):
        return image, []
    turn = "a quarter turn" if orientation in QUARTER_TURNS else "mirrored or half a turn"
    return ImageOps.exif_transpose(image), [
        f"Turned upright ({turn}) as the camera's EXIF orientation tag says."
    ]


def upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """The file's (width, height) once turned upright."""
    return size[::-1] if orientation in QUARTER_TURNS else size


def to_rgb(image: Image.Image) -> tuple[Image.Image, list[str]]:
    """Convert any Pillow mode to 8-bit RGB, saying what was converted and how."""
    mode = image.mode
    if mode == "RGB":
        return image, []
    if mode.startswith(("I;16", "I", "F")):
        return Image.fromarray(rescale_to_8_bits(image)).convert("RGB"), [
            f"Converted from {'16-bit' if mode.startswith('I') else 'floating-point'} "
            "grayscale: values scaled to 0-255."
        ]
    if has_transparency(image):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*WHITE, 255))
        flat = Image.alpha_composite(background, rgba).convert("RGB")
        return flat, ["Transparent areas were laid on a white background."]
    return image.convert("RGB"), [f"Converted from {describe_mode(mode)} to RGB."]


def has_transparency(image: Image.Image) -> bool:
    """Whether the picture has an alpha channel or a transparent palette entry."""
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def rescale_to_8_bits(image: Image.Image) -> np.ndarray:
    """A 16-bit, 32-bit integer or float grayscale picture as uint8.

    Integer pictures are read as 16-bit (0-65535 maps to 0-255), unless all
    their values fit in 8 bits already; float pictures are stretched from
    their minimum to their maximum.
    """
    values = np.asarray(image).astype(np.float64)
    if image.mode.startswith("F"):
        low, high = float(values.min()), float(values.max())
        values = (values - low) * (255 / (high - low)) if high > low else values * 0
    elif values.max() > 255:
        values = values / 257
    return np.clip(np.round(values), 0, 255).astype(np.uint8)


def describe_mode(mode: str) -> str:
    """A Pillow mode in words, for the notes."""
    names = {"L": "grayscale", "1": "black-and-white", "P": "a colour palette",
             "CMYK": "CMYK (print colours; screen colours are approximate)",
             "YCbCr": "YCbCr", "LAB": "Lab", "HSV": "HSV"}
    return names.get(mode, f"mode {mode}")


def shrink(
    image: Image.Image, max_side: int, file_size: tuple[int, int]
) -> tuple[Image.Image, list[str]]:
    """Shrink the picture so its longer side is at most ``max_side`` pixels.

    ``file_size`` is the upright picture's size in the file, for the note: a
    JPEG may already have been decoded at a reduced size.
    """
    width, height = image.size
    if max(width, height) <= max_side and image.size == file_size:
        return image, []
    scale = max_side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = image.resize(size, Image.Resampling.LANCZOS) if scale < 1 else image
    return small, [
        f"Shrunk from {file_size[0]}×{file_size[1]} to {small.width}×{small.height} pixels "
        "for clustering."
    ]
