"""DBSCAN on the moons: core, border and anomaly points, the k-distance curve, new points."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from components.live_chart import live_chart
from data import load_points
from figures.dbscan import (
    MAP_SHAPE,
    REGION_RESOLUTION,
    clusters_figure,
    k_distance_figure,
    new_points_table,
)
from figures.grid import Grid, grid_over, padded_box, shaped
from figures.palette import palette_colors
from layout import FIGURE_AND_SIDE, MAP_PLOT_WIDTH, fit_screen
from limits import DBSCAN_DATA, DBSCAN_FITS, FIGURES, NEW_POINTS_MAX_CHARS
from new_points import parse_points
from safe_text import escape_markdown
from state import scenario
from streamlit.delta_generator import DeltaGenerator
from your_data import (
    by_nearest_core,
    choices,
    eps_upper,
    is_yours,
    picture,
    picture_note,
    report,
    sampled,
    source,
)
from your_data import load_points as load_your_points

from clustering import DBSCAN, NeighborsVoteClassifier, classifier_from_dbscan, k_distances
from clustering.dbscan import point_kinds

# The chapter's DBSCAN data first; names from the app's data-set registry.
DATA_NAMES = ("moons", "five blobs", "ellipsoidal blobs")
CHAPTER_NEW_POINTS = "-0.5, 0; 0, 0.5; 1, -0.1; 2, 1"
CHAPTER_MOONS = ("moons", 1000, 0.05, 42)
CHAPTER_RESULTS = {0.05: "7 clusters and many anomalies", 0.2: "the two moons, no anomalies"}


def load_data(data: tuple) -> np.ndarray:
    """The points of a data set; ``data`` is (name, n_samples, noise, seed).

    Each generator gets the settings it takes: the moons all three, the five
    blobs their number and seed, the ellipsoidal blobs their seed.
    """
    name, n_samples, noise, seed = data
    if is_yours(name):
        return load_your_points(name)[0]
    options = {"random_state": seed}
    if name != "ellipsoidal blobs":
        options["n_samples"] = n_samples
    if name == "moons":
        options["noise"] = noise
    return load_points(name, **options)[0]


@st.cache_resource(show_spinner=False, max_entries=DBSCAN_FITS)
def fit_dbscan(data: tuple, eps: float, min_samples: int) -> DBSCAN:
    return DBSCAN(eps=eps, min_samples=min_samples).fit(load_data(data))


@st.cache_data(show_spinner=False, max_entries=DBSCAN_DATA)
def k_distance_curve(data: tuple, k: int) -> np.ndarray:
    return k_distances(load_data(data), k)


@st.cache_resource(show_spinner=False, max_entries=FIGURES)
def k_distance_view(data: tuple, eps: float, min_samples: int) -> go.Figure:
    """The k-distance figure, built once per setting: the chart is sent again only when
    this object changes, and building a figure costs more than the curve."""
    k = min(min_samples, len(load_data(data)))
    return k_distance_figure(k_distance_curve(data, k), eps, min_samples)


@st.cache_resource(show_spinner=False, max_entries=DBSCAN_FITS)
def fit_classifier(data: tuple, eps, min_samples, n_neighbors, max_distance):
    return classifier_from_dbscan(fit_dbscan(data, eps, min_samples), n_neighbors, max_distance)


@st.cache_data(show_spinner=False, max_entries=DBSCAN_FITS)
def decision_regions(
    data: tuple, eps, min_samples, n_neighbors, max_distance, box: tuple
) -> tuple[Grid, np.ndarray]:
    """The cluster the core points' vote gives each point of a grid over ``box`` (-1: anomaly)."""
    grid = grid_over(box, REGION_RESOLUTION)
    classifier = fit_classifier(data, eps, min_samples, n_neighbors, max_distance)
    places = picture(data[0], load_data(data)).lift(grid.points)
    return grid, grid.reshape(classifier.predict(places))


def votes(classifier: NeighborsVoteClassifier, X_new: np.ndarray) -> dict:
    """The vote on each new point: its cluster, its nearest core sample's distance, the shares."""
    distances, _ = classifier.kneighbors(X_new, n_neighbors=1)
    return {
        "clusters": classifier.predict(X_new),
        "nearest": distances[:, 0],
        "proba": classifier.predict_proba(X_new),
        "classes": classifier.classes_,
    }


@st.cache_resource(show_spinner=False, max_entries=FIGURES)
def clusters_view(settings: tuple, _figure_inputs: tuple) -> go.Figure:
    """The clusters figure, built once per setting.

    ``settings`` is everything that decides the fit, the vote, the shading and
    the new points (data, eps, min_samples, voters, max distance, new-points
    text, regions shown); ``_figure_inputs`` are the results those give, passed
    on to the builder. A setting seen before does not build or serialise again.
    The figure is sized to sit on the first screen beside the side column.
    """
    return fit_screen(clusters_figure(*_figure_inputs), plot_width=MAP_PLOT_WIDTH)


def show_counts(kinds: np.ndarray, n_clusters: int) -> None:
    """What the fit found: clusters, and how many points of each kind."""
    counts = st.columns(2)
    counts[0].metric("Clusters", n_clusters)
    counts[1].metric("Anomalies", int(np.sum(kinds == "anomaly")))
    counts[0].metric("Core points", int(np.sum(kinds == "core")))
    counts[1].metric("Border points", int(np.sum(kinds == "border")))


def vote_settings() -> tuple[str, int, float | None, bool]:
    """The widgets of the vote: new points' text, voters k, max distance (None: off), shading."""
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
    limit = round(float(max_distance), 2) if use_max else None
    return new_text, n_neighbors, limit, show_regions


def new_points_or_error(text: str) -> tuple[np.ndarray | None, str | None]:
    """The new points typed, or None and what is wrong with the text."""
    try:
        return parse_points(text), None
    except ValueError as error:
        return None, f"New points: {error} Separate points with ';' and coordinates with ','."


def show_votes(
    n_neighbors: int,
    X_new: np.ndarray | None,
    new_points_error: str | None,
    classifier: NeighborsVoteClassifier | None,
    new_votes: dict | None,
) -> None:
    """How the core points vote, and the vote on each new point (or why there is none)."""
    st.markdown(
        "DBSCAN has no `predict`. As in the chapter, the core points vote: a new point joins "
        f"the cluster most common among its {n_neighbors} nearest core points, and each "
        "cluster's share of those votes is its probability. Far from every core point the "
        "vote still picks a cluster, unless a max distance marks such points as anomalies (-1)."
    )
    if new_points_error:
        st.error(escape_markdown(new_points_error))
    elif classifier is None:
        st.warning("No core points at these settings, so nothing can vote: raise eps or lower "
                   "min_samples.")  # fmt: skip
    elif new_votes is not None:
        # A plain table, drawn with the rest of the page (a data grid fills its
        # cells a moment later, one more redraw on every change).
        st.table(new_points_table(X_new, **new_votes), hide_index=False)


def map_and_votes(
    name: str, data: tuple, eps: float, min_samples: int, votes_section: DeltaGenerator
) -> None:
    """The clusters map beside the fit's counts and the vote's settings; the vote below,
    written into ``votes_section`` further down the page.

    Not a fragment: a fragment that writes into a section outside itself left
    a browser tab disconnected for good once in a CI run, when its rerun and a
    whole page's met. Every figure here is cached per setting, so a whole run
    sends the browser only what changed.
    """
    dbscan = fit_dbscan(data, eps, min_samples)
    kinds = point_kinds(dbscan)
    n_clusters = int(dbscan.labels_.max()) + 1
    drawn = picture(data[0], load_data(data))
    main, side = st.columns(FIGURE_AND_SIDE)
    with side:
        show_counts(kinds, n_clusters)
        new_text, n_neighbors, limit, show_regions = vote_settings()
    X_new, new_points_error = new_points_or_error(new_text)

    classifier, regions, new_votes = None, None, None
    box = shaped(padded_box(drawn.points, X_new), MAP_SHAPE)
    if len(dbscan.core_sample_indices_):
        classifier = fit_classifier(data, eps, min_samples, n_neighbors, limit)
        if show_regions:
            regions = decision_regions(data, eps, min_samples, n_neighbors, limit, box)
        if X_new is not None and len(X_new):
            new_votes = votes(classifier, drawn.lift(X_new))

    with main:
        settings = (data, eps, min_samples, n_neighbors, limit, new_text, show_regions)
        figure_inputs = (
            drawn.points,
            drawn.take(dbscan.labels_),
            drawn.take(kinds),
            palette_colors(range(n_clusters)),
            box,
            regions,
            X_new,
            None if new_votes is None else new_votes["clusters"],
        )
        live_chart(clusters_view(settings, figure_inputs), key="db_clusters_chart", revision=data)
        st.caption(
            "Large dots are core points, small dots border points, black crosses anomalies; "
            "black stars are the new points, numbered as in the table below. The chapter, on "
            "1,000 moons with noise 0.05: eps = 0.05 gives 7 clusters and many anomalies, "
            "eps = 0.2 gives the two moons."
        )
        picture_note(name, "The shaded decision regions")
        chapter_result = CHAPTER_RESULTS.get(eps)
        if data == CHAPTER_MOONS and min_samples == 5 and chapter_result:
            st.info(
                f"These are the chapter's settings for eps = {eps:g}: it finds {chapter_result}."
            )
    with votes_section:
        show_votes(n_neighbors, X_new, new_points_error, classifier, new_votes)


st.title("DBSCAN")

controls = st.columns([1.5, 1.2, 1.2, 1, 1.2, 1.2])
name = controls[0].selectbox("Data set", choices(DATA_NAMES), **scenario("db_data"))
n_samples, noise = 1250, 0.0
if name == "moons":
    n_samples = controls[1].slider("Points", 100, 5000, 1000, step=100, **scenario("db_n"))
    noise = controls[2].slider("Noise", 0.0, 0.3, 0.05, step=0.01, **scenario("db_noise"))
elif name == "five blobs":
    n_samples = controls[1].slider("Points", 100, 5000, 2000, step=100, **scenario("db_blobs_n"))
seed = controls[3].number_input(
    "Seed", 0, 2**31 - 1, 42, step=1, **scenario("db_seed", within=(0, 2**31 - 1))
)
min_samples = controls[5].slider("min_samples", 1, 30, 5, **scenario("db_min_samples"))

name = source(name, "db")
data = (sampled(name), int(n_samples), float(noise), int(seed))  # a large table's sample
X = load_data(data)
# The chapter's sets need eps up to 0.5; a user's many features sit further apart.
eps_top = eps_upper(X) if is_yours(name) else 0.5
eps = controls[4].slider(
    "eps",
    0.01,
    eps_top,
    0.2,
    step=0.01,
    format="%.2f",
    **scenario("db_eps", within=(0.01, eps_top)),
)
eps = round(float(eps), 2)
dbscan = fit_dbscan(data, eps, min_samples)

# The sections in page order; the map is filled first (the main figure starts
# drawing first) and writes the vote into its section at the bottom.
map_section, eps_section = st.container(), st.container()
st.subheader("Which cluster would a new point join?")
vote_section = st.container()
with map_section:
    map_and_votes(name, data, eps, min_samples, vote_section)

with eps_section:
    st.markdown(
        "DBSCAN calls a point a **core point** when at least `min_samples` points (itself "
        "included) lie within `eps` of it. Chains of core points closer than `eps` form one "
        "cluster, of any shape; a **border point** is within `eps` of a core point without "
        "being one; every other point is an **anomaly**."
    )
    report(name, dbscan.labels_, prefix="db", extension=by_nearest_core(dbscan))

    st.subheader("Choosing eps: the k-distance curve")
    curve, explanation = st.columns([2, 1], gap="large")
    with curve:
        live_chart(k_distance_view(data, eps, min_samples), key="db_kdist_chart")
    with explanation:
        st.markdown(
            f"Each point's distance to its k-th nearest point, k = min_samples = {min_samples} "
            "(the point itself counts as the first, as in `min_samples`), sorted. "
            "Points under the dashed `eps` line are core points. "
            "Inside dense clusters the curve stays low and flat; it shoots up at the anomalies. "
            "An `eps` just below that bend keeps the clusters and leaves out the sparse points."
        )
