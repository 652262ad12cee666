"""AppTest tests of the two k-means pages: every widget, figure content, library values."""

import base64
import json

import numpy as np
import pandas as pd
import pytest
from chart_specs import live_charts
from data import DATASETS
from sklearn.metrics import silhouette_score as sklearn_silhouette_score
from streamlit.proto.WidgetStates_pb2 import WidgetState

from clustering.datasets import make_chapter_moons, make_five_blobs
from clustering.kmeans import KMeans, init_centroids, lloyd_steps

VORONOI = "views/kmeans_voronoi.py"
STEPS = "views/kmeans_steps.py"
X_NEW = np.array([[0, 2], [3, 2], [-3, 3], [-3, 2.5]])
# The centroids the chapter prints for KMeans(n_clusters=5, random_state=42) on the five blobs.
CHAPTER_CENTROIDS = np.array(
    [[-2.80, 1.30], [0.21, 2.26], [-2.79, 2.80], [-1.47, 2.29], [-2.80, 1.80]]
)


def decode(values) -> np.ndarray:
    """A trace's array from a figure spec: a plain list, or plotly's base64 typed array."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.array(values, dtype=float)


def chart(app, key: str) -> dict:
    """The plotly figure spec of the chart with widget key ``key`` (a live chart or not)."""
    charts = live_charts(app)
    if key in charts:
        return charts[key]
    for element in app.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key!r} on the page")


def traces(spec: dict, name_prefix: str) -> list[dict]:
    return [t for t in spec["data"] if str(t.get("name", "")).startswith(name_prefix)]


def metric(app, label_start: str) -> str:
    return next(m.value for m in app.metric if m.label.startswith(label_start))


@pytest.fixture(scope="module")
def blobs():
    return make_five_blobs()[0]


def opened(app_at, page: str):
    """The app run once, straight on ``page`` (no run of the home page first)."""
    app = app_at(page).run()
    assert not app.exception
    return app


@pytest.fixture
def voronoi(app_at):
    return opened(app_at, VORONOI)


@pytest.fixture
def steps(app_at):
    return opened(app_at, STEPS)


# --- page "k-means & Voronoi" ------------------------------------------------


def test_voronoi_defaults_find_the_chapters_centroids(voronoi, blobs):
    centroids = traces(chart(voronoi, "vor_map"), "centroids")[0]
    found = np.column_stack([decode(centroids["x"]), decode(centroids["y"])])
    assert np.allclose(np.sort(found.round(2), axis=0), np.sort(CHAPTER_CENTROIDS, axis=0))
    expected = KMeans(5, init="random", n_init=10, random_state=42).fit(blobs)
    assert metric(voronoi, "Inertia") == f"{expected.inertia_:.2f}"
    assert "the chapter's settings" in voronoi.caption[0].value
    voronoi.slider(key="vor_k").set_value(4).run()
    assert not any("the chapter's settings" in c.value for c in voronoi.caption)


def test_voronoi_map_has_a_trace_per_cluster_the_regions_and_new_points(voronoi, blobs):
    voronoi.slider(key="vor_k").set_value(3).run()
    spec = chart(voronoi, "vor_map")
    clusters = traces(spec, "cluster ")
    shown = [t["name"] for t in clusters if t["showlegend"]]
    assert shown == ["cluster 0", "cluster 1", "cluster 2"]
    assert sum(len(decode(t["x"])) for t in clusters) == len(blobs)
    assert all(len(decode(t["x"])) == 0 for t in clusters[3:])
    assert len(decode(traces(spec, "centroids")[0]["x"])) == 3
    regions = decode(traces(spec, "regions")[0]["z"])
    assert set(np.unique(regions)) == {0, 1, 2}
    assert len(decode(traces(spec, "new instances")[0]["x"])) == len(X_NEW)


def map_structure(app) -> list[tuple[str, str]]:
    return [(t.get("type", "scatter"), t["name"]) for t in chart(app, "vor_map")["data"]]


def test_voronoi_map_keeps_its_height_across_data_sets_and_new_points(voronoi):
    # A chart that changes height is resized in the browser, costing a second draw.
    heights = set()
    for dataset in DATASETS:
        voronoi.selectbox(key="vor_data").set_value(dataset).run()
        heights.add(chart(voronoi, "vor_map")["layout"]["height"])
    voronoi.session_state["vor_new_points_saved"] = pd.DataFrame({"x1": [15.0], "x2": [-15.0]})
    voronoi.run()
    heights.add(chart(voronoi, "vor_map")["layout"]["height"])
    assert not voronoi.exception
    assert len(heights) == 1


def test_voronoi_map_keeps_its_traces_across_k_and_new_points(voronoi):
    """The same traces in the same order, so that the browser updates the map in place."""
    before = map_structure(voronoi)
    assert len(traces(chart(voronoi, "vor_map"), "cluster ")) == 10  # the largest k offered
    voronoi.slider(key="vor_k").set_value(2).run()
    assert map_structure(voronoi) == before
    voronoi.session_state["vor_new_points_saved"] = pd.DataFrame({"x1": [], "x2": []})
    voronoi.slider(key="vor_k").set_value(9).run()
    assert not voronoi.exception
    assert map_structure(voronoi) == before
    assert len(decode(traces(chart(voronoi, "vor_map"), "new instances")[0]["x"])) == 0


def test_voronoi_table_shows_predict_and_transform_of_the_library(voronoi, blobs):
    model = KMeans(5, init="random", n_init=10, random_state=42).fit(blobs)
    table = voronoi.table[0].value
    assert table["cluster (predict)"].tolist() == model.predict(X_NEW).tolist()
    distances = table[[f"distance to {j}" for j in range(5)]].to_numpy()
    assert np.allclose(distances, model.transform(X_NEW).round(2))
    # The chapter: the first new instance is about 0.33 from its nearest centroid.
    assert distances[0].min() == pytest.approx(0.33)


@pytest.mark.parametrize(
    ("key", "value"),
    [("vor_data", "moons"), ("vor_init", "k-means++"), ("vor_n_init", 3), ("vor_seed", 7)],
)
def test_voronoi_each_scenario_widget_refits_with_the_library(voronoi, key, value):
    settings = {"vor_data": "five blobs", "vor_init": "random", "vor_n_init": 10, "vor_seed": 42}
    settings[key] = value
    widget = voronoi.number_input(key=key) if key == "vor_seed" else voronoi.selectbox(key=key)
    widget.set_value(value).run()
    assert not voronoi.exception
    X = make_chapter_moons()[0] if settings["vor_data"] == "moons" else make_five_blobs()[0]
    expected = KMeans(
        5,
        init=settings["vor_init"],
        n_init=settings["vor_n_init"],
        random_state=settings["vor_seed"],
    ).fit(X)
    assert metric(voronoi, "Inertia") == f"{expected.inertia_:.2f}"


def test_voronoi_elbow_and_silhouette_curves_match_the_library(voronoi, blobs):
    elbow = decode(chart(voronoi, "vor_elbow")["data"][0]["y"])
    expected = [
        KMeans(k, init="random", n_init=10, random_state=42).fit(blobs).inertia_
        for k in range(1, 11)
    ]
    assert np.allclose(elbow, expected)
    silhouette = chart(voronoi, "vor_silhouette")["data"][0]
    assert decode(silhouette["x"]).tolist() == list(range(2, 11))
    for k in (2, 5):  # the oracle is scikit-learn's silhouette score
        labels = KMeans(k, init="random", n_init=10, random_state=42).fit(blobs).labels_
        assert decode(silhouette["y"])[k - 2] == pytest.approx(
            sklearn_silhouette_score(blobs, labels)
        )


def test_voronoi_silhouette_diagram_has_a_knife_per_cluster(voronoi):
    voronoi.slider(key="vor_k").set_value(4).run()
    assert len(traces(chart(voronoi, "vor_diagram"), "cluster ")) == 4


def shown_for_k(app) -> tuple:
    """What the map, the two k-curves' rings and the diagram show, to compare settings."""
    curves = ("vor_elbow", "vor_silhouette")
    rings = [decode(chart(app, key)["data"][1]["x"]).tolist() for key in curves]
    return (
        chart(app, "vor_map")["layout"]["title"]["text"],
        rings,
        len(traces(chart(app, "vor_diagram"), "cluster ")),
        len(decode(traces(chart(app, "vor_map"), "centroids")[0]["x"])),
    )


def test_voronoi_figures_built_once_per_setting_follow_k_back_and_forth(voronoi):
    """The figures are kept per setting: a setting seen before shows its own figures again."""
    seen = {}
    for k in (3, 6, 3, 6):
        voronoi.slider(key="vor_k").set_value(k).run()
        assert not voronoi.exception
        shown = shown_for_k(voronoi)
        title = f"k-means with k = {k} on the five blobs"
        assert shown == (title, [[float(k)], [float(k)]], k, k)
        assert seen.setdefault(k, shown) == shown


def test_voronoi_with_one_cluster_explains_why_there_is_no_silhouette(voronoi):
    voronoi.slider(key="vor_k").set_value(1).run()
    assert not voronoi.exception
    assert "at least two clusters" in voronoi.info[0].value


def test_voronoi_failure_case_shows_kmeans_beside_the_true_groups(voronoi):
    spec = chart(voronoi, "vor_failure")
    assert len(traces(spec, "cluster ")) == 6  # three k-means clusters + three true groups
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert titles[0].startswith("k-means' clusters") and titles[1].startswith("the true groups")


def test_voronoi_new_instances_go_into_the_link_and_come_back_from_it(app_at, voronoi, blobs):
    assert "vor_new" not in voronoi.query_params  # the chapter's instances need no link value
    edited = pd.DataFrame({"x1": [0.5, -1.25, np.nan], "x2": [2.0, 1.0, 3.0]})
    voronoi.session_state["vor_new_points_saved"] = edited
    voronoi.run()
    link = voronoi.query_params["vor_new"]
    assert link == "0.5, 2; -1.25, 1"  # the incomplete row waits in the table, not in the link

    again = app_at(VORONOI)
    again.query_params = {"vor_new": link}
    again.run()
    assert not again.exception
    assert again.table[0].value[["x1", "x2"]].to_numpy().tolist() == [[0.5, 2.0], [-1.25, 1.0]]
    model = KMeans(5, init="random", n_init=10, random_state=42).fit(blobs)
    shown = again.table[0].value["cluster (predict)"].tolist()
    assert shown == model.predict(np.array([[0.5, 2.0], [-1.25, 1.0]])).tolist()


@pytest.mark.parametrize(
    ("value", "why"),
    [("1, 2; oops", "point 2"), ("1, 2; 300, 0", "too far"), ("1, 2, 3", "exactly 2")],
)
def test_voronoi_bad_new_instances_in_a_link_are_named_and_the_chapters_shown(app_at, value, why):
    app = app_at(VORONOI)
    app.query_params = {"vor_new": value}
    app.run()
    assert not app.exception
    assert any(why in toast.value and "new instances" in toast.value for toast in app.toast)
    shown = app.table[0].value[["x1", "x2"]].to_numpy()
    assert shown.tolist() == [[0.0, 2.0], [3.0, 2.0], [-3.0, 3.0], [-3.0, 2.5]]
    assert "vor_new" not in app.query_params


def test_voronoi_an_empty_link_value_means_no_new_instances(app_at):
    app = app_at(VORONOI)
    app.query_params = {"vor_new": ""}
    app.run()
    assert not app.exception
    assert len(app.table) == 0  # no prediction table without instances
    assert len(app.session_state["vor_new_points_saved"]) == 0


def test_voronoi_incomplete_new_point_is_reported_and_kept(voronoi):
    edited = pd.DataFrame({"x1": [0.0, 1.0, np.nan], "x2": [2.0, np.nan, 1.0]})
    voronoi.session_state["vor_new_points_saved"] = edited
    voronoi.run()
    assert not voronoi.exception
    assert "Row(s) 1, 2" in voronoi.error[0].value
    assert len(voronoi.table[0].value) == 1
    assert voronoi.session_state["vor_new_points_saved"].shape == (3, 2)


def test_voronoi_settings_survive_switching_pages(voronoi):
    voronoi.slider(key="vor_k").set_value(3).run()
    voronoi.switch_page(STEPS).run()
    voronoi.switch_page(VORONOI).run()
    assert voronoi.slider(key="vor_k").value == 3


# --- page "k-means step by step" ---------------------------------------------


def library_states(X, k=5, method="random", seed=42):
    return list(lloyd_steps(X, init_centroids(X, k, method=method, random_state=seed)))


def player_element(app):
    """The step player among the page's components (the live charts are components too)."""
    components = app.get("bidi_component")
    (element,) = [e for e in components if e.proto.component_name == "ce_step_player"]
    return element


def player(app) -> dict:
    """The data the page handed to the step player component."""
    return json.loads(player_element(app).proto.json)


def report(app, value) -> None:
    """Rerun as the browser does when the player reports its state ``at``.

    AppTest has no widget class for components v2, so the widget state the
    browser would send is added to those of the other widgets by hand.
    """
    element = player_element(app)
    states = app._tree.get_widget_states()
    states.widgets.append(WidgetState(id=element.proto.id, json_value=json.dumps({"at": value})))
    app._run(states)
    assert not app.exception


def test_steps_start_before_any_assignment(steps, blobs):
    data = player(steps)
    assert data["start"] == 0
    assert data["steps"][0]["labeling"] is None  # unassigned points are grey
    assert data["unassigned"] == "#A0A0A0"
    start = init_centroids(blobs, 5, method="random", random_state=42)
    assert np.allclose(data["steps"][0]["centers"], start, atol=1e-5)
    assert steps.query_params["steps_pos"] == "0"


@pytest.mark.parametrize("dataset", list(DATASETS))
@pytest.mark.parametrize("init", ["random", "k-means++", "unlucky seed"])
def test_steps_hand_the_player_every_half_step_of_the_library(steps, dataset, init):
    steps.selectbox(key="steps_init").set_value(init).run()
    if init != "unlucky seed":
        steps.selectbox(key="steps_data").set_value(dataset).run()
    assert not steps.exception
    if init == "unlucky seed":
        X, k, method, seed = make_five_blobs()[0], 5, "random", 25
    else:
        X, k, method, seed = DATASETS[dataset]()[0], 5, init, 42
    states = library_states(X, k=k, method=method, seed=seed)
    data = player(steps)
    assert len(data["steps"]) == len(states)
    assert np.allclose(data["points"], X, atol=1e-5)
    for step, state in zip(data["steps"][1:], states[1:], strict=True):
        assert step["inertia"] == pytest.approx(state.inertia, rel=1e-12)
        assert data["labelings"][step["labeling"]] == state.labels.tolist()
        assert np.allclose(step["centers"], state.centers, atol=1e-5)
    assert data["converged"].startswith(f"Converged after {states[-1].iteration} iteration")


def test_steps_position_reported_by_the_player_goes_into_the_link(steps):
    run = player(steps)["run"]
    report(steps, {"run": run, "step": 3})
    assert steps.query_params["steps_pos"] == "3"
    assert player(steps)["start"] == 3
    report(steps, {"run": "another scenario", "step": 5})  # late, for a scenario left behind
    assert steps.query_params["steps_pos"] == "3"
    for crafted in ({"run": run, "step": "5"}, {"run": run}, [run, 5], None):
        report(steps, crafted)
        assert steps.query_params["steps_pos"] == "3"


@pytest.mark.parametrize(("asked", "opened"), [("4", 4), ("999", "last"), ("-2", 0), ("x", 0)])
def test_steps_open_at_the_links_position_clamped_to_the_run(app_at, blobs, asked, opened):
    last = len(library_states(blobs)) - 1
    app = app_at().run()
    app.query_params = {"steps_pos": asked}
    app.switch_page(STEPS).run()
    assert not app.exception
    expected = last if opened == "last" else opened
    assert player(app)["start"] == expected
    assert app.query_params["steps_pos"] == str(expected)


def test_steps_changing_the_scenario_restarts_from_the_first_half_step(steps):
    report(steps, {"run": player(steps)["run"], "step": 3})
    steps.slider(key="steps_k").set_value(3).run()
    data = player(steps)
    assert data["start"] == 0 and "k=3" in data["run"]
    assert steps.query_params["steps_pos"] == "0"
    assert len(data["colors"]) == 3
    for key, value in (("steps_data", "moons"), ("steps_init", "k-means++")):
        steps.selectbox(key=key).set_value(value).run()
        assert not steps.exception
    steps.number_input(key="steps_seed").set_value(3).run()
    moons = make_chapter_moons()[0]
    final = library_states(moons, k=3, method="k-means++", seed=3)[-1]
    assert player(steps)["steps"][-1]["inertia_text"] == f"{final.inertia:.2f}"


def test_unlucky_seed_shows_its_settings_and_ends_in_a_worse_local_optimum(steps, blobs):
    steps.slider(key="steps_k").set_value(3).run()
    steps.selectbox(key="steps_init").set_value("unlucky seed").run()
    shown = {
        "data": steps.selectbox(key="steps_data_fixed"),
        "k": steps.slider(key="steps_k_fixed"),
        "seed": steps.number_input(key="steps_seed_fixed"),
    }
    assert {name: widget.value for name, widget in shown.items()} == {
        "data": "five blobs",
        "k": 5,
        "seed": 25,
    }
    assert all(widget.disabled for widget in shown.values())
    unlucky = player(steps)["steps"][-1]["inertia"]
    best = KMeans(5, init="random", n_init=10, random_state=42).fit(blobs).inertia_
    assert unlucky > 2 * best
    assert "local optimum" in steps.warning[0].value
    # The three tight blobs on the left share one cluster.
    final = library_states(blobs, seed=25)[-1]
    true_blobs = make_five_blobs()[1]
    assert len(np.unique(final.labels[np.isin(true_blobs, [2, 3, 4])])) == 1
    steps.selectbox(key="steps_init").set_value("random").run()
    assert steps.slider(key="steps_k").value == 3  # the user's own k is back


def test_restarts_keep_the_run_kmeans_n_init_keeps(steps, blobs):
    steps.slider(key="steps_runs").set_value(5).run()
    spec = chart(steps, "steps_restarts")
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert len(titles) == 5
    kept = [t for t in titles if t.startswith("★ run")]
    assert len(kept) == 1
    expected = KMeans(5, init="random", n_init=5, random_state=42).fit(blobs).inertia_
    assert kept[0].endswith(f"inertia {expected:.1f}")


@pytest.mark.parametrize("page, prefix", [(VORONOI, "vor_"), (STEPS, "steps_")])
def test_each_page_opens_from_a_shared_link(app_at, page, prefix):
    app = app_at().run()
    app.query_params = {f"{prefix}k": "3", f"{prefix}seed": "7"}
    app.switch_page(page).run()
    assert app.slider(key=f"{prefix}k").value == 3
    assert app.number_input(key=f"{prefix}seed").value == 7
