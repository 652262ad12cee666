"""Page "k-means step by step": Lloyd's algorithm one half-step at a time."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from data import DATASETS, load_points
from figures.kmeans import inertia_steps_figure, lloyd_figure, restarts_figure
from state import scenario

from clustering.kmeans import KMeans, init_centroids, lloyd_steps

INITS = ("random", "k-means++", "unlucky seed")
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
POSITION_KEY = "steps_position"
SCENARIO_KEY = "steps_scenario"


@st.cache_data(max_entries=64, show_spinner=False)
def lloyd_states(dataset: str, k: int, method: str, seed: int) -> list:
    """Every half-step of Lloyd's algorithm from one random or k-means++ start."""
    X, _ = load_points(dataset)
    centers = init_centroids(X, k, method=method, random_state=seed)
    return list(lloyd_steps(X, centers))


@st.cache_resource(max_entries=32, show_spinner=False)
def restarts(dataset: str, k: int, method: str, seed: int, n_runs: int) -> list[KMeans]:
    """``n_runs`` k-means runs whose starts are drawn one after the other from one seed.

    This is what ``KMeans(n_init=n_runs, random_state=seed)`` does inside
    ``fit``; it keeps the run with the lowest inertia.
    """
    X, _ = load_points(dataset)
    rng = np.random.RandomState(seed)
    runs = []
    for _ in range(n_runs):
        start = init_centroids(X, k, method=method, random_state=rng)
        runs.append(KMeans(n_clusters=k, init=start, n_init=1).fit(X))
    return runs


@st.cache_resource(max_entries=32, show_spinner=False)
def restarts_view(
    dataset: str, k: int, method: str, seed: int, n_runs: int
) -> tuple[go.Figure, int]:
    """The restarts side by side and the best run; built once per scenario, not per half-step."""
    X, _ = load_points(dataset)
    runs = restarts(dataset, k, method, seed, n_runs)
    best = int(np.argmin([run.inertia_ for run in runs]))
    return restarts_figure(X, runs, best), best


def scenario_controls() -> tuple[str, int, str, int]:
    """Data set, k, initialisation and seed; the unlucky start fixes the other three."""
    cols = st.columns([1.3, 2, 1.3, 1])
    init = cols[2].selectbox("Initialisation", INITS, **scenario("steps_init"))
    unlucky = init == "unlucky seed"
    dataset = cols[0].selectbox(
        "Data set", list(DATASETS), disabled=unlucky, **scenario("steps_data")
    )
    k = cols[1].slider("Number of clusters k", 1, 10, 5, disabled=unlucky, **scenario("steps_k"))
    seed = cols[3].number_input(
        "Seed", 0, 10_000, 42, disabled=unlucky, **scenario("steps_seed", within=(0, 10_000))
    )
    if unlucky:
        return "five blobs", 5, "random", UNLUCKY_SEED
    return dataset, k, init, int(seed)


def follow_scenario(settings: tuple) -> None:
    """Go back to the first half-step whenever the scenario changes."""
    if st.session_state.get(SCENARIO_KEY) != settings:
        st.session_state[SCENARIO_KEY] = settings
        st.session_state[POSITION_KEY] = 0


def move(delta: int, last: int) -> None:
    """Button callback: step ``delta`` half-steps, staying within ``0 .. last``."""
    position = st.session_state.get(POSITION_KEY, 0) + delta
    st.session_state[POSITION_KEY] = min(max(position, 0), last)


def step_buttons(last: int) -> None:
    """Back, forward, to the end and reset, each with a keyboard shortcut."""
    position = st.session_state[POSITION_KEY]
    cols = st.columns(4)
    cols[0].button(
        "Back", key="steps_back", shortcut="Left", icon=":material/arrow_back:",
        on_click=move, args=(-1, last), disabled=position == 0, width="stretch",
    )  # fmt: skip
    cols[1].button(
        "Forward", key="steps_forward", shortcut="Right", icon=":material/arrow_forward:",
        on_click=move, args=(1, last), disabled=position == last, width="stretch", type="primary",
    )  # fmt: skip
    cols[2].button(
        "To the end", key="steps_end", shortcut="End", icon=":material/last_page:",
        on_click=move, args=(last, last), disabled=position == last, width="stretch",
    )  # fmt: skip
    cols[3].button(
        "Reset", key="steps_reset", shortcut="Home", icon=":material/first_page:",
        on_click=move, args=(-last, last), disabled=position == 0, width="stretch",
    )  # fmt: skip


st.title("k-means step by step")
st.markdown(
    "Lloyd's algorithm alternates two half-steps until nothing moves: **assign** "
    "every instance to its nearest centroid, then **update** every centroid to the "
    "mean of its instances. Each half-step can only lower the inertia, so the "
    "algorithm always stops, but where it stops depends on where the centroids "
    "started."
)
dataset, k, method, seed = scenario_controls()
X, _ = load_points(dataset)
states = lloyd_states(dataset, k, method, seed)
follow_scenario((dataset, k, method, seed))
last = len(states) - 1

step_buttons(last)
position = st.session_state[POSITION_KEY]
state = states[position]
left, right = st.columns([2.2, 1])
left.plotly_chart(
    lloyd_figure(X, states, position),
    key="steps_map",
    config={"displayModeBar": False},  # it would cover the Play button
)
with right:
    inertia = "—" if np.isnan(state.inertia) else f"{state.inertia:.2f}"
    st.metric(f"Inertia after half-step {position} of {last}", inertia)
    st.plotly_chart(inertia_steps_figure(states, position), key="steps_inertia")
    st.markdown(
        "Keys: **←** back, **→** forward, **End** to the end, **Home** reset. "
        "*Play the rest* under the chart animates the remaining half-steps. "
        "Ringed points just changed cluster; dotted lines trace each centroid's path."
    )
if position == last:
    st.success(f"Converged after {state.iteration} iterations, inertia {state.inertia:.2f}.")
if st.session_state.get("steps_init") == "unlucky seed":
    st.warning(
        f"This start (random, seed {UNLUCKY_SEED}, five blobs, k = 5) converges to a local "
        "optimum: the wide blob and the middle blob are each split between two "
        "centroids, so the three tight blobs on the left must share one. Compare its "
        "final inertia with the best run below."
    )

st.header("Several starts, keep the best")
n_runs = st.slider("Number of runs (n_init)", 2, 6, 4, **scenario("steps_runs"))
figure, best = restarts_view(dataset, k, method, seed, n_runs)
st.plotly_chart(figure, key="steps_restarts")
best_inertia = restarts(dataset, k, method, seed, n_runs)[best].inertia_
st.markdown(
    f"Each panel starts from a different {method} initialisation drawn from seed "
    f"{seed}. `KMeans(init='{method}', n_init={n_runs}, random_state={seed})` runs these "
    f"{n_runs} starts and keeps the one with the lowest inertia, run {best + 1} "
    f"({best_inertia:.1f}): inertia is the measure that decides which "
    "solution is best."
)
