"""Page "k-means step by step": Lloyd's algorithm one half-step at a time.

The half-steps are computed once per scenario; the step player component
shows them and steps through them in the browser. The page only keeps the
position the player reports, so that it survives a rerun and goes in the link.
"""

import plotly.graph_objects as go
import streamlit as st
from components.live_chart import live_chart
from components.step_player import reported_position, step_player
from data import DATASETS, cluster_colors
from figures.kmeans import RESTART_PANEL_POINTS, restarts_figure, step_player_data
from limits import RESTART_SETS, STEP_RUNS
from state import scenario
from your_data import (
    by_nearest_centre,
    choices,
    clicked_start,
    enough_points,
    initial,
    kmeans_code,
    load_points,
    picture,
    picture_note,
    report,
    sampled,
    source,
    start_centres,
    starts_in_words,
    with_clicks,
)

from clustering.kmeans import LloydState, best_of_runs, lloyd_steps

INITS = with_clicks(("random", "k-means++", "unlucky seed"))
# Random initialisation on the five blobs with k = 5 and seed 25 puts two
# starting centroids in the wide right-hand blob, two in the middle blob and
# only one among the three tight blobs on the left. Lloyd's algorithm then
# splits the wide and the middle blob in two each and leaves the three tight
# blobs to share one centroid: inertia about 612 after 15 iterations, against
# about 212 for the best of 10 random starts (seed 42). Found by running
# init_centroids and lloyd_steps for seeds 0-59: 17 of them end more than 5%
# above the best, and 25 ends highest. tests/test_app_kmeans.py checks that it
# still ends in this worse optimum.
UNLUCKY_SEED = 25
UNLUCKY = ("five blobs", 5, "random", UNLUCKY_SEED)
POSITION_KEY = "steps_position"  # the half-step shown, as last reported by the player
RUN_KEY = "steps_run"  # the scenario that position belongs to
PLAYER_KEY = "steps_player"
URL_POSITION = "steps_pos"  # the query parameter that carries the position in a link
WRITTEN_KEY = "steps_pos_written"  # the position this page last put in the link
VISITS_KEY = "steps_visits"  # how many times Back or Forward brought another position


@st.cache_data(max_entries=STEP_RUNS, show_spinner=False)
def lloyd_states(dataset: str, k: int, method: str, seed: int) -> list:
    """Every half-step of Lloyd's algorithm from one random or k-means++ start."""
    X, _ = load_points(dataset)
    centers = start_centres(X, k, method, seed, dataset)
    return list(lloyd_steps(X, centers))


@st.cache_resource(max_entries=STEP_RUNS, show_spinner=False)
def player_data(dataset: str, k: int, method: str, seed: int) -> dict:
    """The run handed to the step player; built once per scenario and never changed."""
    states = lloyd_states(dataset, k, method, seed)
    drawn = picture(dataset)
    shown = [state._replace(centers=drawn.project(state.centers)) for state in states]
    data = step_player_data(drawn.points, shown, cluster_colors(dataset, states[-1].centers))
    if drawn.pca is not None:  # no flat Voronoi diagram shows regions of more features
        data["regions"] = ["rgba(0, 0, 0, 0)"] * len(data["regions"])
    return data


@st.cache_resource(max_entries=RESTART_SETS, show_spinner=False)
def restarts(
    dataset: str, k: int, method: str, seed: int, n_runs: int
) -> tuple[list[LloydState], int]:
    """Every run of ``KMeans(init=method, n_init=n_runs, random_state=seed)`` and the kept one.

    The library's own restart loop (``best_of_runs``), so the panels show
    exactly the runs ``fit`` compares and the one it keeps.
    """
    X, _ = load_points(dataset)
    return best_of_runs(X, k, init=initial(method, dataset), n_init=n_runs, random_state=seed)


@st.cache_resource(max_entries=RESTART_SETS, show_spinner=False)
def restarts_view(dataset: str, k: int, method: str, seed: int, n_runs: int) -> go.Figure:
    """The restarts side by side, the kept run marked; built once per scenario."""
    runs, best = restarts(dataset, k, method, seed, n_runs)
    colors = [cluster_colors(dataset, run.centers) for run in runs]
    drawn = picture(dataset)
    shown = [run._replace(centers=drawn.project(run.centers)) for run in runs]
    return restarts_figure(drawn.points, shown, best, colors)


def scenario_controls() -> tuple[str, int, str, int]:
    """Data set, k, initialisation and seed; the unlucky start fixes the other three.

    With the unlucky start the data set, k and seed shown are the ones it
    uses, greyed out; the user's own choices are kept for when they leave it.
    """
    cols = st.columns([1.3, 2, 1.3, 1])
    init = cols[2].selectbox("Initialisation", INITS, **scenario("steps_init"))
    if init == "unlucky seed":
        fixed_controls(cols, UNLUCKY)
        return UNLUCKY
    dataset = cols[0].selectbox("Data set", choices(DATASETS), **scenario("steps_data"))
    k = cols[1].slider("Number of clusters k", 1, 10, 5, **scenario("steps_k"))
    seed = cols[3].number_input("Seed", 0, 10_000, 42, **scenario("steps_seed", within=(0, 10_000)))
    return dataset, k, init, int(seed)


def fixed_controls(cols: list, settings: tuple[str, int, str, int]) -> None:
    """Disabled copies of the scenario widgets that show ``settings``."""
    dataset, k, _, seed = settings
    names = list(DATASETS)
    cols[0].selectbox(
        "Data set", names, index=names.index(dataset), disabled=True, key="steps_data_fixed"
    )
    cols[1].slider("Number of clusters k", 1, 10, k, disabled=True, key="steps_k_fixed")
    cols[3].number_input("Seed", 0, 10_000, seed, disabled=True, key="steps_seed_fixed")
    st.caption(
        f"The unlucky start fixes the data set ({dataset}), k = {k} and seed {seed}: "
        "choose another initialisation to set them yourself."
    )


def url_position(last: int) -> int:
    """The half-step a shared link asks for, clamped to ``0 .. last``; 0 if it is no integer."""
    try:
        step = int(st.query_params.get(URL_POSITION, "0"))
    except ValueError:
        return 0
    return min(max(step, 0), last)


def current_position(run: str, last: int, from_link: bool) -> int:
    """The half-step to show for ``run``: the link's on opening, 0 after a scenario change.

    ``from_link`` says the browser moved the link's half-step (Back or Forward):
    the link's position is then the one to show.
    """
    if st.session_state.get(RUN_KEY) != run:
        opening = RUN_KEY not in st.session_state
        st.session_state[RUN_KEY] = run
        st.session_state[POSITION_KEY] = url_position(last) if opening or from_link else 0
    return min(max(st.session_state[POSITION_KEY], 0), last)


def browsed() -> bool:
    """Whether the link's half-step differs from the one this page last put there.

    Every position the page writes to the link makes a browser-history entry
    (Streamlit pushes query changes made in Python); Back and Forward then
    bring an earlier position back, which the page must follow, not overwrite.
    A link without a half-step (the page opened again from the menu) keeps
    the position the session had.
    """
    written, in_link = st.session_state.get(WRITTEN_KEY), st.query_params.get(URL_POSITION)
    return None not in (written, in_link) and in_link != written


def remember_position() -> None:
    """Player callback: keep the half-step it reports, if it is about the current run."""
    value = st.session_state[PLAYER_KEY].get("at")
    step = reported_position(value, st.session_state.get(RUN_KEY))
    if step is not None:
        st.session_state[POSITION_KEY] = step


@st.fragment
def player(dataset: str, k: int, method: str, seed: int) -> None:
    """The step player on this scenario, and its position in the URL.

    A fragment: when the player reports a position only this part reruns.
    """
    data = player_data(dataset, k, method, seed)
    from_link = browsed()
    # The player keeps its own position while the run's name stays the same: a visit
    # number makes it open at the link's position after Back or Forward.
    visits = st.session_state[VISITS_KEY] = st.session_state.get(VISITS_KEY, 0) + int(from_link)
    run = f"{dataset} · k={k} · {method} · seed {seed} · visit {visits}"
    position = current_position(run, len(data["steps"]) - 1, from_link)
    st.session_state[WRITTEN_KEY] = st.query_params[URL_POSITION] = str(position)
    step_player(
        data,
        run=run,
        start=position,
        key=PLAYER_KEY,
        on_change=remember_position,
    )


@st.fragment
def restarts_section(dataset: str, steps_data: str, k: int, method: str, seed: int) -> None:
    """Several starts side by side and the one ``n_init`` keeps.

    A fragment: the number of runs changes only this part, so moving it
    neither reruns the page nor hands the step player its run again.
    ``steps_data`` is the set the steps run on (a large table's drawn sample).
    """
    st.header("Several starts, keep the best")
    n_runs = st.slider("Number of runs (n_init)", 2, 6, 4, **scenario("steps_runs"))
    live_chart(restarts_view(steps_data, k, method, seed, n_runs), key="steps_restarts")
    runs, best = restarts(steps_data, k, method, seed, n_runs)
    n_points = len(load_points(steps_data)[0])
    sampled_note = (
        f" Each panel draws the same {RESTART_PANEL_POINTS:,} of the {n_points:,} points."
        if n_points > RESTART_PANEL_POINTS
        else ""
    )
    st.markdown(
        f"{starts_in_words(method, seed, n_runs)} It keeps the run with the lowest inertia, "
        f"run {best + 1} ★ ({runs[best].inertia:.1f}): inertia is the measure that decides "
        f"which solution is best.{sampled_note}"
    )
    st.code(kmeans_code(method, dataset, k, n_runs, seed), language="python")


st.title("k-means step by step")
dataset, k, method, seed = scenario_controls()
dataset = source(dataset, "steps")
enough_points(dataset, k)
method = clicked_start(method, dataset, k, "steps")
steps_data = sampled(dataset)  # a large table's steps run on its drawn sample
player(steps_data, k, method, seed)
picture_note(dataset, None)
last = lloyd_states(steps_data, k, method, seed)[-1]
report(dataset, last.labels, prefix="steps", extension=by_nearest_centre(last.centers))
st.markdown(
    "Lloyd's algorithm alternates two half-steps until nothing moves: **assign** "
    "every instance to its nearest centroid, then **update** every centroid to the "
    "mean of its instances. Each half-step can only lower the inertia, so the "
    "algorithm always stops, but where it stops depends on where the centroids "
    "started."
)
if (dataset, k, method, seed) == UNLUCKY:
    st.warning(
        f"This start (random, seed {UNLUCKY_SEED}, five blobs, k = 5) converges to a local "
        "optimum: the wide blob and the middle blob are each split between two "
        "centroids, so the three tight blobs on the left must share one. Compare its "
        "final inertia with the best run below."
    )

restarts_section(dataset, steps_data, k, method, seed)
