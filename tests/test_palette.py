import numpy as np
from figures.palette import (
    NOISE_GREY,
    PALETTE,
    cluster_color,
    label_colors,
    region_colorscale,
    with_alpha,
)


def test_sixteen_distinct_cluster_colours_none_grey():
    assert len(PALETTE) >= 16
    assert len(set(PALETTE)) == len(PALETTE)
    assert NOISE_GREY not in PALETTE


def test_noise_label_is_grey_and_clusters_keep_their_colour():
    colors = label_colors(np.array([0, 1, -1, 0, 15]))
    assert colors == [PALETTE[0], PALETTE[1], NOISE_GREY, PALETTE[0], PALETTE[15]]


def test_labels_beyond_the_palette_wrap_around():
    assert cluster_color(len(PALETTE) + 2) == PALETTE[2]


def test_with_alpha_converts_hex_to_rgba():
    assert with_alpha("#E69F00", 0.5) == "rgba(230,159,0,0.5)"


def test_region_colorscale_gives_each_label_a_flat_band():
    scale = region_colorscale(3, alpha=1.0)
    assert [stop for stop, _ in scale] == [0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1]
    assert scale[0][1] == scale[1][1] == with_alpha(PALETTE[0], 1.0)
    assert scale[4][1] == scale[5][1] == with_alpha(PALETTE[2], 1.0)
