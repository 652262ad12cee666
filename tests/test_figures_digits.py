"""The digit pictures: sharp upscaled PNGs and the label-check grid."""

import io
import json

import numpy as np
from figures.digits import accuracy_figure, digit_png, label_check_figure
from figures.palette import PALETTE
from PIL import Image

from clustering.datasets import load_digits_split


def test_digit_png_scales_each_pixel_to_a_sharp_square():
    pixels = np.zeros(64)
    pixels[9] = 16  # row 1, column 1: full ink
    image = np.asarray(Image.open(io.BytesIO(digit_png(pixels, scale=5))))
    assert image.shape == (40, 40)
    assert (image[5:10, 5:10] == 0).all()  # one black 5x5 square
    assert (image[:5] == 255).all() and (image[10:] == 255).all()
    assert set(np.unique(image)) == {0, 255}  # no blur from resampling


def test_label_check_marks_only_the_wrong_labels():
    split = load_digits_split()
    images, truth = split.X_train[:12], split.y_train[:12].tolist()
    labels = list(truth)
    labels[3] = (truth[3] + 1) % 10
    labels[5] = -1
    figure = label_check_figure(images, labels, truth, columns=5)
    texts = [annotation.text for annotation in figure.layout.annotations]
    assert texts[3] == f"<b>{labels[3]} (is {truth[3]})</b>"
    assert texts[5] == "<b>?</b>"
    assert sum("(is" in text for text in texts) == 1
    z = np.asarray(figure.data[0].z, dtype=float)
    assert z.shape == (3 * 12, 5 * 9)
    np.testing.assert_array_equal(z[16:24, 9:17], images[6].reshape(8, 8))  # row 1, column 1


def test_accuracy_figure_puts_ours_beside_the_chapter():
    figure = accuracy_figure({"a": 0.81, "b": float("nan")}, {"a": 0.75})
    chapter, ours = figure.data
    assert list(ours.x[:1]) == [0.81] and ours.text[1] == "—"
    assert chapter.text[0] == "75.0%" and chapter.text[1] == "—"
    assert json.loads(figure.to_json())["layout"]["barmode"] == "group"


def test_accuracy_figure_borrows_no_cluster_colour():
    """"The chapter" and "this page" are not clusters: greys, never a cluster's colour."""
    chapter, ours = accuracy_figure({"a": 0.81}, {"a": 0.75}).data
    assert chapter.marker.color != ours.marker.color
    assert not {chapter.marker.color, ours.marker.color} & set(PALETTE)
    # Each bar's numbers contrast with it: dark on the chapter's light hatching, light on ours.
    assert chapter.insidetextfont.color == "#000000" and ours.insidetextfont.color == "#FFFFFF"
