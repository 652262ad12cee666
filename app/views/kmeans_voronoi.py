"""Page "k-means & Voronoi": fit k-means, see its regions, place new points, choose k."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from components.live_chart import live_chart
from data import DATASETS, cluster_colors
from figures.grid import Grid, grid_over, padded_box, shaped
from figures.kmeans import (
    MAP_SHAPE,
    REGION_RESOLUTION,
    Partition,
    failure_figure,
    score_by_k_figure,
    silhouette_diagram,
    voronoi_figure,
)
from figures.palette import match_colors
from layout import FIGURE_AND_SIDE, MAP_PLOT_WIDTH, fit_screen
from limits import FAILURE_VIEWS, FIGURES, K_CURVES, VORONOI_FITS
from new_points import parse_points
from safe_text import escape_markdown
from state import drop_from_link, scenario
from your_data import (
    choices,
    clicked_start,
    enough_points,
    kmeans_start,
    load_points,
    picture,
    picture_note,
    report,
    sampled,
    shown_name,
    source,
    unclicked,
    with_clicks,
)

from clustering.kmeans import KMeans
from clustering.metrics import cluster_means, partition_inertia, silhouette_samples

K_RANGE = range(1, 11)
N_INIT_CHOICES = ("auto", 1, 3, 10)
# KMeans(n_clusters=5, init="random", n_init=10, random_state=42) on the five
# blobs finds the five centroids the chapter prints.
CHAPTER_SETTINGS = ("five blobs", 5, "random", 10, 42)
# The chapter's four new instances, placed on the map and passed to predict/transform.
CHAPTER_X_NEW = pd.DataFrame({"x1": [0.0, 3.0, -3.0, -3.0], "x2": [2.0, 2.0, 3.0, 2.5]})
CHAPTER_PREDICTION = [1, 1, 2, 2]  # what the chapter's predict prints for its X_new
INTRODUCTION = (
    "k-means places **k centroids** and gives every instance to the nearest one. "
    "Each centroid therefore owns a region of the plane, the set of places closer to "
    "it than to any other centroid: together these regions form a **Voronoi "
    "tessellation**. Move k and watch the regions split and merge."
)
NEW_POINTS_KEY = "vor_new_points_saved"
NEW_POINTS_URL_KEY = "vor_new"  # the new instances in the link: "x1, x2; x1, x2"
# New points far outside the data would shrink the map to a dot: keep them near it.
COORDINATE_RANGE = {"min_value": -20.0, "max_value": 20.0}


@st.cache_resource(max_entries=VORONOI_FITS, show_spinner=False)
def fit(dataset: str, k: int, init: str, n_init: str | int, seed: int) -> KMeans:
    """k-means fitted on a chapter data set (cached: the same settings never fit twice)."""
    X, _ = load_points(dataset)
    return KMeans(n_clusters=k, random_state=seed, **kmeans_start(init, n_init, dataset)).fit(X)


@st.cache_data(max_entries=VORONOI_FITS, show_spinner=False)
def silhouettes(dataset: str, k: int, init: str, n_init: str | int, seed: int) -> np.ndarray:
    """Every point's silhouette coefficient for the clustering with these settings."""
    X, _ = load_points(dataset)
    return silhouette_samples(X, fit(dataset, k, init, n_init, seed).labels_)


@st.cache_data(max_entries=K_CURVES, show_spinner="Fitting k-means for k = 1 to 10 ...")
def scores_by_k(dataset: str, init: str, n_init: str | int, seed: int) -> dict[str, list]:
    """Inertia for every k in 1..10 and the silhouette score (mean coefficient) for 2..10."""
    inertias = [fit(dataset, k, init, n_init, seed).inertia_ for k in K_RANGE]
    ks = [k for k in K_RANGE if k >= 2]
    scores = [float(silhouettes(dataset, k, init, n_init, seed).mean()) for k in ks]
    return {"inertia": inertias, "silhouette_k": ks, "silhouette": scores}


@st.cache_data(max_entries=VORONOI_FITS, show_spinner=False)
def voronoi_regions(
    dataset: str, k: int, init: str, n_init: str | int, seed: int, box: tuple
) -> tuple[Grid, np.ndarray]:
    """The cluster ``predict`` gives each point of a grid over ``box``: the Voronoi cells."""
    grid = grid_over(box, REGION_RESOLUTION)
    regions = fit(dataset, k, init, n_init, seed).predict(picture(dataset).lift(grid.points))
    return grid, grid.reshape(regions)


@st.cache_resource(max_entries=FAILURE_VIEWS, show_spinner=False)
def failure_view(init: str, seed: int) -> go.Figure:
    """k-means (k = 3, best of 10) on the ellipsoidal blobs beside the true groups.

    It does not depend on k, so it is built once per init and seed, not on
    every move of the k slider. The true groups are scored as k-means scores
    itself: their inertia about their own means.
    """
    name = "ellipsoidal blobs"
    X, groups = load_points(name)
    model = fit(name, 3, init, 10, seed)
    centers = model.cluster_centers_
    grid, regions = voronoi_regions(name, 3, init, 10, seed, padded_box(X, centers))
    colors = cluster_colors(name, centers)
    found = Partition(model.labels_, colors, model.inertia_)
    # Each true group wears the colour of the k-means cluster nearest to it, so the
    # two panels can be compared group by group.
    nearest = match_colors(cluster_means(X, groups), centers, range(len(centers)))
    truth = Partition(groups, [colors[i] for i in nearest], partition_inertia(X, groups))
    return failure_figure(X, found, centers, grid, regions, truth)


@st.cache_resource(max_entries=FIGURES, show_spinner=False)
def map_view(
    dataset: str, k: int, init: str, n_init: str | int, seed: int, new_points: np.ndarray
) -> go.Figure:
    """The Voronoi map for these settings and new instances, built once per setting.

    A setting seen before (k moved back, say) costs the rerun nothing, and the
    browser gets the very figure it already drew.
    """
    model = fit(dataset, k, init, n_init, seed)
    centers = model.cluster_centers_
    drawn = picture(dataset)
    box = shaped(padded_box(drawn.points, drawn.project(centers), new_points), MAP_SHAPE)
    grid, regions = voronoi_regions(dataset, k, init, n_init, seed, box)
    figure = voronoi_figure(
        drawn.points,
        drawn.take(model.labels_),
        drawn.project(centers),
        grid,
        regions,
        cluster_colors(dataset, centers),
        new_points,
        title=f"k-means with k = {k} on {shown_name(dataset)}",
        max_clusters=K_RANGE[-1],
    )
    return fit_screen(figure, plot_width=MAP_PLOT_WIDTH)


@st.cache_resource(max_entries=FIGURES, show_spinner=False)
def k_views(
    dataset: str, k: int, init: str, n_init: str | int, seed: int
) -> tuple[go.Figure, go.Figure, go.Figure | None]:
    """The elbow, the silhouette score against k and the silhouette diagram (None for k = 1)."""
    scores = scores_by_k(dataset, unclicked(init), n_init, seed)
    elbow = score_by_k_figure(list(K_RANGE), scores["inertia"], k, "inertia")
    score = score_by_k_figure(scores["silhouette_k"], scores["silhouette"], k, "silhouette score")
    if k < 2:
        return elbow, score, None
    coefficients = silhouettes(dataset, k, init, n_init, seed)
    model = fit(dataset, k, init, n_init, seed)
    colors = cluster_colors(dataset, model.cluster_centers_)
    diagram = silhouette_diagram(coefficients, model.labels_, float(coefficients.mean()), colors)
    return elbow, score, diagram


def scenario_controls() -> tuple[str, int, str, str | int, int]:
    """The widgets that define what the page shows, bound to the URL."""
    cols = st.columns([1.3, 2, 1.1, 0.9, 1])
    dataset = cols[0].selectbox("Data set", choices(DATASETS), **scenario("vor_data"))
    k = cols[1].slider("Number of clusters k", 1, 10, 5, **scenario("vor_k"))
    init = cols[2].selectbox(
        "Initialisation", with_clicks(("random", "k-means++")), **scenario("vor_init")
    )
    n_init = cols[3].selectbox(
        "n_init",
        N_INIT_CHOICES,
        index=N_INIT_CHOICES.index(10),
        help="How many runs from different starts; the lowest inertia wins. "
        "'auto' is 1 run for k-means++ and 10 for random.",
        **scenario("vor_n_init"),
    )
    seed = cols[4].number_input("Seed", 0, 10_000, 42, **scenario("vor_seed", within=(0, 10_000)))
    return dataset, k, init, n_init, int(seed)


def points_from_link() -> pd.DataFrame:
    """The new instances the link names, or the chapter's when it names none or bad ones.

    A link whose value is not a list of points within the editor's range is
    dropped with a message saying why, and the chapter's instances are shown.
    """
    text = st.query_params.get(NEW_POINTS_URL_KEY)
    if text is None:
        return CHAPTER_X_NEW
    try:
        points = parse_points(text, max_coordinate=COORDINATE_RANGE["max_value"])
    except ValueError as problem:
        drop_from_link(NEW_POINTS_URL_KEY)
        st.toast(
            f"The link's new instances were ignored: {escape_markdown(str(problem))}", icon="⚠️"
        )
        return CHAPTER_X_NEW
    return pd.DataFrame(points, columns=["x1", "x2"])


def points_to_link(points: np.ndarray) -> None:
    """Write the complete new instances into the link; the chapter's need no link value."""
    if np.array_equal(points, CHAPTER_X_NEW.to_numpy()):
        if NEW_POINTS_URL_KEY in st.query_params:
            del st.query_params[NEW_POINTS_URL_KEY]
        return
    text = "; ".join(f"{x1:.12g}, {x2:.12g}" for x1, x2 in points)
    if st.query_params.get(NEW_POINTS_URL_KEY) != text:
        st.query_params[NEW_POINTS_URL_KEY] = text


def new_points_editor() -> np.ndarray:
    """Let the user edit the new instances; return the complete rows as an array.

    The table is kept in ``st.session_state`` so edits survive page switches,
    and its complete rows are in the link, so a reload or a shared link shows
    them too. Rows with an empty cell are reported and left out, never
    dropped from the table: the user can finish typing them.
    """
    if NEW_POINTS_KEY not in st.session_state:
        st.session_state[NEW_POINTS_KEY] = points_from_link()
    saved = st.session_state[NEW_POINTS_KEY]
    edited = st.data_editor(
        saved,
        key="vor_new_points",
        num_rows="dynamic",
        column_config={
            "x1": st.column_config.NumberColumn("x1", format="%.2f", **COORDINATE_RANGE),
            "x2": st.column_config.NumberColumn("x2", format="%.2f", **COORDINATE_RANGE),
        },
        width="stretch",
    )
    st.session_state[NEW_POINTS_KEY] = edited
    incomplete = edited[["x1", "x2"]].isna().any(axis=1)
    if incomplete.any():
        rows = ", ".join(str(i) for i in np.flatnonzero(incomplete))
        st.error(f"Row(s) {rows} miss a coordinate: fill in both x1 and x2 to place them.")
    complete = edited.loc[~incomplete, ["x1", "x2"]].to_numpy(dtype=float)
    points_to_link(complete)
    return complete


def prediction_table(model: KMeans, points: np.ndarray, lifted: np.ndarray) -> pd.DataFrame:
    """``predict`` and ``transform`` for the new instances (``lifted``: in feature space)."""
    table = pd.DataFrame(points, columns=["x1", "x2"])
    table["cluster (predict)"] = model.predict(lifted)
    distances = model.transform(lifted)
    for j in range(distances.shape[1]):
        table[f"distance to {j}"] = distances[:, j].round(2)
    return table


def chapter_caption(model: KMeans) -> str:
    """The chapter's result, numbered as on the map, and why the chapter's numbers may differ.

    The centroids are listed by the numbers this fit gives them, which the map
    and the table use; the chapter's print may number the same centroids in
    another order, and the caption says so when its ``predict`` differs.
    """
    centers = ", ".join(
        f"{number}: ({x:.2f}, {y:.2f})".replace("-", "−")
        for number, (x, y) in enumerate(model.cluster_centers_)
    )
    X_new = CHAPTER_X_NEW.to_numpy()
    predicted = model.predict(X_new).tolist()
    nearest = float(model.transform(X_new)[0].min())
    text = (
        f"These are the chapter's settings and its five centroids, numbered as on the map: "
        f"{centers}. The first new instance is {nearest:.2f} from its centroid, as in the "
        f"chapter. `predict` on the chapter's X_new gives {', '.join(map(str, predicted))}"
    )
    if predicted == CHAPTER_PREDICTION:
        return text + ", as the chapter prints."
    return text + (
        f" where the chapter prints {', '.join(map(str, CHAPTER_PREDICTION))}: the same "
        "clusters under other numbers. A cluster's number is only a name, given by the "
        "order in which the winning start happened to place its centroids, so it can "
        "change between libraries and versions while the clusters stay the same."
    )


@st.fragment
def map_and_new_points(model: KMeans, settings: tuple) -> None:
    """The Voronoi map, the inertia and the new-instances editor beside it, their predictions.

    A fragment: editing the new instances reruns this part of the page alone,
    not the k curves and diagrams below it.
    """
    dataset, k = settings[:2]
    left, right = st.columns(FIGURE_AND_SIDE)
    with right:
        st.metric("Inertia", f"{model.inertia_:.2f}")
        st.markdown(
            "**Inertia** is the sum of squared distances from each instance to its "
            "centroid: the quantity k-means makes as small as it can."
        )
        st.subheader("New instances")
        st.caption("The chapter's X_new; edit a cell or add a row to place your own points.")
        new_points = new_points_editor()
    with left:
        live_chart(map_view(*settings, new_points), key="vor_map", revision=dataset)
        picture_note(dataset, "The coloured regions")
        st.markdown(INTRODUCTION)
        if settings == CHAPTER_SETTINGS:
            st.caption(chapter_caption(model))
        if dataset == "five blobs" and k == 5:
            st.markdown(
                "Look at the border between the wide blob and the middle one: a few "
                "instances land in the wrong cluster, because k-means only compares "
                "distances to centroids and ignores that one blob is much wider than "
                "the other."
            )
    if len(new_points):
        st.markdown(
            "`predict` gives each new instance the cluster of its nearest centroid; "
            "`transform` gives its distance to every centroid, a k-dimensional "
            "description of the instance (soft clustering)."
        )
        lifted = picture(dataset).lift(new_points)
        st.table(
            prediction_table(model, new_points, lifted).style.format(precision=2), hide_index=True
        )


st.title("k-means & Voronoi")
dataset, k, init, n_init, seed = scenario_controls()
dataset = source(dataset, "vor")
enough_points(dataset, K_RANGE[-1])
init = clicked_start(init, dataset, k, "vor")
model = fit(dataset, k, init, n_init, seed)

map_and_new_points(model, (dataset, k, init, n_init, seed))
report(dataset, model.labels_, prefix="vor")

st.header("Choosing k")
scores = scores_by_k(sampled(dataset), unclicked(init), n_init, seed)
elbow, silhouette, diagram = st.columns(3)
elbow_figure, score_figure, diagram_figure = k_views(sampled(dataset), k, init, n_init, seed)
with elbow:
    live_chart(elbow_figure, key="vor_elbow")
with silhouette:
    live_chart(score_figure, key="vor_silhouette")
if diagram_figure is not None:
    with diagram:
        live_chart(diagram_figure, key="vor_diagram")
else:
    diagram.info("The silhouette needs at least two clusters: move k to 2 or more.")
best_k = scores["silhouette_k"][int(np.argmax(scores["silhouette"]))]
st.markdown(
    "Inertia always drops as k grows (more centroids, shorter distances), so its "
    "minimum says nothing; look for the **elbow** where adding a cluster stops "
    "paying much. The **silhouette coefficient** of an instance is (b − a) / max(a, b), "
    "with a its mean distance to its own cluster and b to the nearest other cluster: "
    "close to 1 well inside its cluster, near 0 on a border, negative probably in the "
    "wrong one. The silhouette score is their mean; here it is highest at "
    f"k = {best_k}. The diagram shows more than the score: each knife is one "
    "cluster, its thickness the cluster's size; knives that stop short of the dashed "
    "mean line mark a poor cluster."
)
if dataset == "five blobs" and best_k == 4:
    st.markdown(
        "On the five blobs the elbow and the best score both point to k = 4, because "
        "two of the tight blobs on the left sit close together. Compare the diagrams "
        "for k = 4 and k = 5: at 4 one knife is twice as thick as the others (two "
        "blobs merged into one cluster); at 5 the knives are of similar thickness and "
        "all reach past the mean line, so k = 5 is the better choice."
    )

st.header("Where k-means fails")
live_chart(failure_view(unclicked(init), seed), key="vor_failure")
st.markdown(
    "Three clusters of different sizes, densities and orientations, k = 3, best of "
    "10 runs. Voronoi borders are straight lines halfway between centroids, so "
    "k-means cuts the plane into convex cells suited to round clusters of similar "
    "size: here it slices the long ellipses across and hands part of one to its "
    "neighbour. More runs will not help: compare the titles, the true groups have "
    "a *higher* inertia than k-means' answer, so by the only measure k-means knows, "
    "its wrong answer is the better one. A Gaussian mixture, which learns each "
    "cluster's shape, separates them."
)
