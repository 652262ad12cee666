"""DBSCAN on the moons: core, border and anomaly points, the k-distance curve, new points."""

import numpy as np
import streamlit as st
from components.live_chart import live_chart
from figures.dbscan import clusters_figure, k_distance_figure, new_points_table, point_kinds
from layout import FIGURE_AND_SIDE, MAP_PLOT_WIDTH, fit_screen
from limits import DBSCAN_DATA, DBSCAN_FITS, NEW_POINTS_MAX_CHARS
from new_points import parse_points
from safe_text import escape_markdown
from state import scenario

from clustering import (
    DBSCAN,
    classifier_from_dbscan,
    k_distances,
    make_chapter_moons,
    make_ellipsoidal_blobs,
    make_five_blobs,
)

DATA_SETS = {
    "moons": "Moons (the chapter's)",
    "blobs": "Five blobs",
    "ellipses": "Ellipsoidal blobs",
}
CHAPTER_NEW_POINTS = "-0.5, 0; 0, 0.5; 1, -0.1; 2, 1"
CHAPTER_MOONS = ("moons", 1000, 0.05, 42)
CHAPTER_RESULTS = {0.05: "7 clusters and many anomalies", 0.2: "the two moons, no anomalies"}


@st.cache_data(show_spinner=False, max_entries=DBSCAN_DATA)
def load_data(data: tuple) -> np.ndarray:
    """The points of a data set; ``data`` is (name, n_samples, noise, seed)."""
    name, n_samples, noise, seed = data
    if name == "moons":
        return make_chapter_moons(n_samples, noise, seed)[0]
    if name == "blobs":
        return make_five_blobs(n_samples, seed)[0]
    return make_ellipsoidal_blobs(seed)[0]


@st.cache_resource(show_spinner=False, max_entries=DBSCAN_FITS)
def fit_dbscan(data: tuple, eps: float, min_samples: int) -> DBSCAN:
    return DBSCAN(eps=eps, min_samples=min_samples).fit(load_data(data))


@st.cache_data(show_spinner=False, max_entries=DBSCAN_DATA)
def k_distance_curve(data: tuple, k: int) -> np.ndarray:
    return k_distances(load_data(data), k)


@st.cache_resource(show_spinner=False, max_entries=DBSCAN_FITS)
def fit_classifier(data: tuple, eps, min_samples, n_neighbors, max_distance):
    return classifier_from_dbscan(fit_dbscan(data, eps, min_samples), n_neighbors, max_distance)


st.title("DBSCAN")

controls = st.columns([1.5, 1.2, 1.2, 1, 1.2, 1.2])
name = controls[0].selectbox(
    "Data set", list(DATA_SETS), format_func=DATA_SETS.get, **scenario("db_data")
)
n_samples, noise = 1250, 0.0
if name == "moons":
    n_samples = controls[1].slider("Points", 100, 5000, 1000, step=100, **scenario("db_n"))
    noise = controls[2].slider("Noise", 0.0, 0.3, 0.05, step=0.01, **scenario("db_noise"))
elif name == "blobs":
    n_samples = controls[1].slider("Points", 100, 5000, 2000, step=100, **scenario("db_blobs_n"))
seed = controls[3].number_input(
    "Seed", 0, 2**31 - 1, 42, step=1, **scenario("db_seed", within=(0, 2**31 - 1))
)
eps = controls[4].slider("eps", 0.01, 0.5, 0.2, step=0.01, format="%.2f", **scenario("db_eps"))
min_samples = controls[5].slider("min_samples", 1, 30, 5, **scenario("db_min_samples"))

data = (name, int(n_samples), float(noise), int(seed))
X = load_data(data)
eps = round(float(eps), 2)
dbscan = fit_dbscan(data, eps, min_samples)
kinds = point_kinds(dbscan)
n_clusters = int(dbscan.labels_.max()) + 1

main, side = st.columns(FIGURE_AND_SIDE)
with side:
    counts = st.columns(2)
    counts[0].metric("Clusters", n_clusters)
    counts[1].metric("Anomalies", int(np.sum(kinds == "anomaly")))
    counts[0].metric("Core points", int(np.sum(kinds == "core")))
    counts[1].metric("Border points", int(np.sum(kinds == "border")))
    new_text = st.text_input(
        "New points (x, y; x, y; ...)",
        CHAPTER_NEW_POINTS,
        max_chars=NEW_POINTS_MAX_CHARS,
        **scenario("db_new"),
    )
    n_neighbors = st.slider("Neighbours that vote (k)", 1, 100, 50, **scenario("db_k"))
    use_max = st.toggle("Use a max distance", False, **scenario("db_use_max"))
    max_distance = st.slider(
        "Max distance to the nearest core point", 0.05, 1.0, 0.2, step=0.05,
        format="%.2f", disabled=not use_max, **scenario("db_max_distance"),
    )  # fmt: skip
    show_regions = st.toggle("Shade decision regions", True, **scenario("db_regions"))

try:
    X_new = parse_points(new_text)
except ValueError as error:
    X_new = None
    new_points_error = f"New points: {error} Separate points with ';' and coordinates with ','."
else:
    new_points_error = None

classifier = None
if len(dbscan.core_sample_indices_):
    limit = round(float(max_distance), 2) if use_max else None
    classifier = fit_classifier(data, eps, min_samples, n_neighbors, limit)

with main:
    figure = clusters_figure(X, dbscan, classifier, X_new, regions=show_regions)
    live_chart(
        fit_screen(figure, plot_width=MAP_PLOT_WIDTH), key="db_clusters_chart", revision=data
    )
    st.caption(
        "Large dots are core points, small dots border points, red crosses anomalies; "
        "black stars are the new points. The chapter, on 1,000 moons with noise 0.05: "
        "eps = 0.05 gives 7 clusters and many anomalies, eps = 0.2 gives the two moons."
    )
    chapter_result = CHAPTER_RESULTS.get(eps)
    if data == CHAPTER_MOONS and min_samples == 5 and chapter_result:
        st.info(f"These are the chapter's settings for eps = {eps:g}: it finds {chapter_result}.")
st.markdown(
    "DBSCAN calls a point a **core point** when at least `min_samples` points (itself "
    "included) lie within `eps` of it. Chains of core points closer than `eps` form one "
    "cluster, of any shape; a **border point** is within `eps` of a core point without being "
    "one; every other point is an **anomaly**."
)

st.subheader("Choosing eps: the k-distance curve")
curve, explanation = st.columns([2, 1], gap="large")
with curve:
    distances = k_distance_curve(data, min(min_samples, len(X)))
    live_chart(k_distance_figure(distances, eps, min_samples), key="db_kdist_chart")
with explanation:
    st.markdown(
        f"Each point's distance to its k-th nearest point, k = min_samples = {min_samples} "
        "(the point itself counts as the first, as in `min_samples`), sorted. "
        "Points under the dashed `eps` line are core points. "
        "Inside dense clusters the curve stays low and flat; it shoots up at the anomalies. "
        "An `eps` just below that bend keeps the clusters and leaves out the sparse points."
    )

st.subheader("Which cluster would a new point join?")
st.markdown(
    "DBSCAN has no `predict`. As in the chapter, the core points vote: a new point joins the "
    f"cluster most common among its {n_neighbors} nearest core points, and each cluster's "
    "share of those votes is its probability. Far from every core point the vote still picks "
    "a cluster, unless a max distance marks such points as anomalies (-1)."
)
if new_points_error:
    st.error(escape_markdown(new_points_error))
elif classifier is None:
    st.warning("No core points at these settings, so nothing can vote: raise eps or lower "
               "min_samples.")  # fmt: skip
elif len(X_new):
    st.dataframe(new_points_table(X_new, classifier), hide_index=False)
