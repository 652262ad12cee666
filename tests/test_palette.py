"""The palette: distinct cluster colours, one anomaly mark, and colours that follow clusters."""

import numpy as np
import pytest
from data import DATASETS, cluster_colors, load_points
from figures.palette import (
    ANOMALY,
    ANOMALY_COLOR,
    CENTROID_COLOR,
    CURVE_COLOR,
    NOISE_GREY,
    PALETTE,
    SECOND_CURVE_COLOR,
    cluster_color,
    cluster_marker,
    label_colors,
    match_colors,
    region_colorscale,
    with_alpha,
)

from clustering.kmeans import KMeans


def rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def test_sixteen_distinct_cluster_colours_none_grey():
    assert len(PALETTE) >= 16
    assert len(set(PALETTE)) == len(PALETTE)
    assert NOISE_GREY not in PALETTE


def test_no_cluster_colour_is_the_anomaly_colour_or_near_it():
    assert ANOMALY["color"] == ANOMALY_COLOR
    assert ANOMALY_COLOR not in PALETTE
    # Not merely a different string: every cluster colour is far from the anomaly's black.
    assert min(np.linalg.norm(rgb(c) - rgb(ANOMALY_COLOR)) for c in PALETTE) > 100
    # Nor do lines that are not clusters (curves, comparisons) borrow a cluster colour.
    assert not {CURVE_COLOR, SECOND_CURVE_COLOR, CENTROID_COLOR} & set(PALETTE)


def test_the_first_colours_are_the_strongest_on_white():
    """Pale yellow, hard to see on white and on its own light region, comes late."""
    yellow = PALETTE.index("#F0E442")
    assert yellow >= 6
    assert all(rgb(c).mean() < rgb(PALETTE[yellow]).mean() for c in PALETTE[:4])


def test_noise_label_is_grey_and_clusters_take_the_colours_given():
    assert label_colors(np.array([0, 1, -1, 0, 15])) == [
        PALETTE[0], PALETTE[1], NOISE_GREY, PALETTE[0], PALETTE[15]
    ]  # fmt: skip
    assert label_colors(np.array([1, -1, 0]), ["#111111", "#222222"]) == [
        "#222222", NOISE_GREY, "#111111"
    ]  # fmt: skip


def test_labels_beyond_the_palette_wrap_around():
    assert cluster_color(len(PALETTE) + 2) == PALETTE[2]


def test_with_alpha_converts_hex_to_rgba():
    assert with_alpha("#E69F00", 0.5) == "rgba(230,159,0,0.5)"


def test_region_colorscale_gives_each_label_a_flat_band():
    scale = region_colorscale(PALETTE[:3], alpha=1.0)
    assert [stop for stop, _ in scale] == [0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1]
    assert scale[0][1] == scale[1][1] == with_alpha(PALETTE[0], 1.0)
    assert scale[4][1] == scale[5][1] == with_alpha(PALETTE[2], 1.0)


def test_cluster_marker_maps_each_label_to_its_colour_band():
    colors = [PALETTE[3], PALETTE[0], PALETTE[7]]
    marker = cluster_marker(np.array([-1, 0, 2]), colors)
    scale, low, high = marker["colorscale"], marker["cmin"], marker["cmax"]

    def color_of(label):
        position = (label - low) / (high - low)
        return next(color for stop, color in scale[1::2] if position <= stop)

    assert [color_of(label) for label in marker["color"]] == [NOISE_GREY, PALETTE[3], PALETTE[7]]


# --- which cluster gets which colour ------------------------------------------------


def test_match_colors_follows_the_nearest_centroid_and_gives_a_new_cluster_a_free_colour():
    previous = np.array([[0.0, 0.0], [10.0, 0.0]])
    centers = np.array([[10.2, 0.1], [5.0, 5.0], [0.1, -0.2]])
    assert match_colors(centers, previous, [4, 1]) == [1, 0, 4]


def test_match_colors_uses_each_colour_once_even_when_a_colour_has_many_places():
    pool = np.array([[0.0, 0.0], [1.0, 0.0], [9.0, 9.0]])
    order = [0, 0, 1]  # colour 0 was seen at two places
    centers = np.array([[0.0, 0.1], [1.0, 0.1]])  # both near colour 0's places
    colors = match_colors(centers, pool, order)
    assert sorted(colors) == [0, 1] or len(set(colors)) == 2
    assert colors[0] == 0  # the nearer one keeps it


def test_a_clusters_colour_does_not_depend_on_its_number():
    X, _ = load_points("five blobs")
    model = KMeans(5, init="random", n_init=10, random_state=42).fit(X)
    colors = cluster_colors("five blobs", model.cluster_centers_)
    renumber = np.array([3, 0, 4, 1, 2])
    renumbered = cluster_colors("five blobs", model.cluster_centers_[renumber])
    assert renumbered == [colors[i] for i in renumber]


def shared_clusters(labels_a, colors_a, labels_b, colors_b) -> list[tuple[str, str]]:
    """For each cluster with exactly the same points in both clusterings: its two colours."""
    members_b = {
        frozenset(np.flatnonzero(labels_b == c)): colors_b[c] for c in range(len(colors_b))
    }
    pairs = []
    for c, color in enumerate(colors_a):
        members = frozenset(np.flatnonzero(labels_a == c))
        if members in members_b:
            pairs.append((color, members_b[members]))
    return pairs


@pytest.mark.parametrize("init", ["random", "k-means++"])
def test_moving_k_by_one_keeps_the_colours_of_clusters_that_did_not_change(init):
    """On the Voronoi page's default fits (best of 10), every data set, k = 1 .. 10."""
    pairs = []
    for dataset in DATASETS:
        X, _ = load_points(dataset)
        fits = [KMeans(k, init=init, n_init=10, random_state=42).fit(X) for k in range(1, 11)]
        colors = [cluster_colors(dataset, fit.cluster_centers_) for fit in fits]
        for k in range(9):
            assert len(set(colors[k])) == k + 1  # every cluster its own colour
            pairs += shared_clusters(
                fits[k].labels_, colors[k], fits[k + 1].labels_, colors[k + 1]
            )
    assert len(pairs) >= 12  # clusters that stay put as k moves: the test has much to check
    assert all(before == after for before, after in pairs)


def test_changing_the_seed_keeps_the_colours_of_clusters_found_again():
    X, _ = load_points("five blobs")
    fits = [KMeans(6, n_init=10, random_state=seed).fit(X) for seed in range(5)]
    colors = [cluster_colors("five blobs", fit.cluster_centers_) for fit in fits]
    pairs = []
    for a in range(4):
        pairs += shared_clusters(fits[a].labels_, colors[a], fits[a + 1].labels_, colors[a + 1])
    assert len(pairs) >= 8
    assert all(before == after for before, after in pairs)
