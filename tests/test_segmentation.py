"""segment_image against scikit-learn's KMeans on the same pixels, and the ladybug's lesson.

scikit-learn's fits on a 273,000-pixel photo take seconds each, so every fit
(ours and theirs) is made once per module and shared by the tests that read it.
"""

import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import load_sample_image

from clustering.segmentation import colour_table, segment_colours, segment_image

LADYBUG = Path(__file__).resolve().parent.parent / "assets" / "ladybug.png"
PICTURES = ("china.jpg", "flower.jpg", "ladybug.png")
KS = (2, 4, 8)
SEED = 0


@cache
def picture(name: str) -> np.ndarray:
    if name == "ladybug.png":
        return np.asarray(Image.open(LADYBUG).convert("RGB"))
    return load_sample_image(name)


@cache
def table(name: str):
    return colour_table(picture(name))


@cache
def ours(name: str, k: int, seed: int = SEED):
    return segment_colours(table(name), k, n_init=10, random_state=seed)


@cache
def sklearn_inertia(name: str, k: int) -> float:
    pixels = picture(name).reshape(-1, 3).astype(np.float64)
    return SklearnKMeans(n_clusters=k, n_init=10, random_state=SEED).fit(pixels).inertia_


CASES = [(name, k) for name in PICTURES for k in KS]


@pytest.mark.parametrize(("name", "k"), CASES)
def test_inertia_is_at_most_a_tenth_of_a_percent_above_sklearn(name, k):
    assert ours(name, k).inertia <= sklearn_inertia(name, k) * 1.001


@pytest.mark.parametrize(("name", "k"), CASES)
def test_result_is_consistent_with_the_picture(name, k):
    image, result = picture(name), ours(name, k)
    height, width, _ = image.shape
    assert result.labels.shape == (height, width)
    assert result.palette.shape == (k, 3) and result.palette.dtype == np.uint8
    np.testing.assert_array_equal(result.image, result.palette[result.labels])
    np.testing.assert_array_equal(result.counts, np.bincount(result.labels.ravel(), minlength=k))
    assert np.all(np.diff(result.counts) <= 0), "colours are numbered from the largest"
    pixels, labels = image.reshape(-1, 3).astype(np.float64), result.labels.ravel()
    means = np.array([pixels[labels == j].mean(axis=0) for j in range(k)])
    np.testing.assert_allclose(result.centers, means, atol=1e-6)
    np.testing.assert_array_equal(result.palette, np.round(means).astype(np.uint8))
    direct = ((pixels - result.centers[labels]) ** 2).sum()
    assert result.inertia == pytest.approx(direct, rel=1e-9)


def test_colour_table_describes_the_picture_exactly():
    image = picture("flower.jpg")
    described = table("flower.jpg")
    np.testing.assert_array_equal(described.colours[described.pixel_colours], image)
    assert np.unique(described.colours, axis=0).shape[0] == described.n_colours
    mean_colour = image.reshape(-1, 3).mean(axis=0)
    for level in described.levels:
        assert level.weights.sum() == image.shape[0] * image.shape[1]
        np.testing.assert_allclose(level.points.T @ level.weights / level.weights.sum(),
                                   mean_colour)
    sizes = [len(level.points) for level in described.levels]
    assert sizes == sorted(sizes) and sizes[-1] == described.n_colours


def test_segment_image_equals_segment_colours_on_its_table():
    small = picture("china.jpg")[::4, ::4]
    direct = segment_image(small, 5, random_state=3)
    via_table = segment_colours(colour_table(small), 5, random_state=3)
    np.testing.assert_array_equal(direct.image, via_table.image)
    assert direct.inertia == via_table.inertia


def ladybug_red() -> np.ndarray:
    """The mean colour of the ladybug's shell.

    The shell is the only part of the picture whose red channel beats both
    green and blue by more than 100 (the flower is yellow: red and green
    together; the grass is green).
    """
    pixels = picture("ladybug.png").reshape(-1, 3).astype(int)
    shell = pixels[:, 0] - pixels[:, 1:].max(axis=1) > 100
    assert 500 < shell.sum() < 5000, "the ladybug should be small but visible"
    return pixels[shell].mean(axis=0)


def has_ladybug_red(palette: np.ndarray) -> bool:
    """Whether a palette colour lies within 50 RGB units of the shell's mean colour."""
    return bool((np.linalg.norm(palette - ladybug_red(), axis=1) < 50).any())


@pytest.mark.parametrize("seed", [SEED, 1])
@pytest.mark.parametrize("k", [2, 3, 4])
def test_with_few_colours_the_ladybug_red_gets_no_colour_of_its_own(k, seed):
    assert not has_ladybug_red(ours("ladybug.png", k, seed).palette)


@pytest.mark.parametrize("seed", [SEED, 1])
def test_with_ten_colours_the_ladybug_red_has_its_own(seed):
    assert has_ladybug_red(ours("ladybug.png", 10, seed).palette)


def test_one_colour_is_the_mean_colour():
    image = picture("china.jpg")[::8, ::8]
    result = segment_image(image, 1)
    np.testing.assert_allclose(result.centers[0], image.reshape(-1, 3).mean(axis=0))
    assert np.all(result.labels == 0)


def test_picture_with_as_many_colours_as_asked_is_kept_exactly():
    image = np.array([[[0, 0, 0], [255, 0, 0]], [[0, 255, 0], [0, 0, 255]]], dtype=np.uint8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = segment_image(image, 4, random_state=0)
    np.testing.assert_array_equal(result.image, image)
    assert result.inertia == 0


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((4, 4, 3), dtype=np.float64),
        np.zeros((4, 4), dtype=np.uint8),
        np.zeros((4, 4, 4), dtype=np.uint8),
        np.zeros((0, 4, 3), dtype=np.uint8),
    ],
)
def test_anything_but_rgb_uint8_is_refused(image):
    with pytest.raises(ValueError, match="height x width x 3 array of uint8"):
        segment_image(image, 2)


def test_more_colours_than_the_picture_has_is_refused():
    image = np.zeros((3, 3, 3), dtype=np.uint8)
    image[0, 0] = 255
    with pytest.raises(ValueError, match=r"n_colors must be in \[1, 2\]"):
        segment_image(image, 3)


@pytest.mark.parametrize(("argument", "value"), [("n_colors", 0), ("n_init", 0)])
def test_counts_below_one_are_refused(argument, value):
    image = picture("china.jpg")[::16, ::16]
    options = {"n_colors": 2, "n_init": 10, argument: value}
    with pytest.raises(ValueError, match=f"{argument} must be in"):
        segment_image(image, options.pop("n_colors"), **options)
