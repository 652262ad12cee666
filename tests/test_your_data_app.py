"""Your data on the four 2-D pages in AppTest: the clustering shown, and every bad input.

A generated table (three features on very different scales and a label
column) is uploaded on each page; the agreement table and the adjusted Rand
index the page shows must be those of our library's clustering of all three
standardised features, scored by scikit-learn, and the figures must draw
them on two principal components, with the model evaluated on that plane.
Each bad input must give its message and keep the data the user had.
"""

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn.decomposition
import sklearn.metrics
import sklearn.preprocessing
from chart_specs import live_chart
from limits import YOUR_DATA_MAX_BYTES
from mixture_fits import fit_quietly
from streamlit.testing.v1 import AppTest
from test_hostile_links import assert_no_live_markup

from clustering import DBSCAN, KMeans, classifier_from_dbscan, make_five_blobs
from clustering.kmeans import init_centroids, lloyd_steps
from clustering.preprocessing import PCA, StandardScaler

VORONOI, STEPS, DBSCAN_PAGE, MIXTURES = (
    "views/kmeans_voronoi.py",
    "views/kmeans_steps.py",
    "views/dbscan.py",
    "views/mixtures.py",
)
PAGES = {  # page: (data-set select box, prefix of the your-data widgets)
    VORONOI: ("vor_data", "vor"),
    STEPS: ("steps_data", "steps"),
    DBSCAN_PAGE: ("db_data", "db"),
    MIXTURES: ("gm_data", "gm"),
}
GOOD_NAME = "blobs.csv"
APP = Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py"


def generated_table(seed: int = 0) -> pd.DataFrame:
    """Three groups in three features measured on scales 1, 100 and 0.01."""
    rng = np.random.default_rng(seed)
    groups = np.repeat([0, 1, 2], [60, 50, 40])
    centres = np.array([[0, 0, 0], [4, 4, 0], [0, 4, 4]])
    points = (centres[groups] + rng.normal(size=(len(groups), 3))) * [1, 100, 0.01]
    table = pd.DataFrame(points, columns=["length", "weight", "ratio"])
    table["kind"] = np.array(["apple", "pear", "plum"])[groups]
    return table


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return generated_table()


@pytest.fixture(scope="module")
def good_csv(table) -> bytes:
    return table.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def expected_X(table) -> np.ndarray:
    """All three standardised features, by our library, which the pages must fit.

    They equal scikit-learn's (up to rounding); our own are used because a
    mixture's component numbers can change with the last bit of its input.
    """
    ours = StandardScaler().fit_transform(table.iloc[:, :3])
    sklearns = sklearn.preprocessing.StandardScaler().fit_transform(table.iloc[:, :3])
    np.testing.assert_allclose(ours, sklearns, atol=1e-12)
    return ours


@pytest.fixture(scope="module")
def feature_plane(expected_X) -> PCA:
    """The plane the figures draw: the first two principal components of the features."""
    ours = PCA(2).fit(expected_X)
    sklearns = sklearn.decomposition.PCA(2).fit(expected_X)
    np.testing.assert_allclose(
        np.abs(ours.transform(expected_X)), np.abs(sklearns.transform(expected_X)), atol=1e-10
    )
    return ours


def array(values) -> np.ndarray:
    """A figure's array, which plotly sends as a list or as base64 ``{"dtype", "bdata"}``."""
    if isinstance(values, dict):
        flat = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        return flat.reshape([int(n) for n in str(values.get("shape", len(flat))).split(",")])
    return np.asarray(values, dtype=float)


def trace(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t.get("name") == name)


def upload(app: AppTest, data: bytes, name: str) -> AppTest:
    prefix = PAGES[app_page(app)][1]
    return app.file_uploader(key=f"{prefix}_yd_file").upload(name, data, "text/csv").run()


def app_page(app: AppTest) -> str:
    return app._your_page  # set by opened_with_data


def widget(app: AppTest, kind: str, suffix: str):
    """The your-data widget of this kind whose key ends in ``suffix``."""
    return next(w for w in getattr(app, kind) if w.key and w.key.endswith(suffix))


def opened_with_data(
    app_at, page: str, data: bytes, name: str = GOOD_NAME, query: dict | None = None
) -> AppTest:
    """``page`` opened by a link choosing "your data" (and ``query``), then ``data`` uploaded."""
    app = app_at(page)
    app._your_page = page
    app.query_params = {PAGES[page][0]: "your data", **(query or {})}
    app.run()
    assert not app.exception
    return upload(app, data, name)


def agreement(app: AppTest) -> tuple[str, pd.DataFrame]:
    """The adjusted Rand index and the table of true groups against clusters the page shows."""
    score = next(m.value for m in app.metric if m.label == "Adjusted Rand index")
    table = next(d.value for d in app.dataframe if str(d.value.columns[-1]).startswith("cluster"))
    return score, table


def assert_shows_clustering(app: AppTest, truth: np.ndarray, labels: np.ndarray) -> None:
    assert not app.exception
    score, table = agreement(app)
    assert score == f"{sklearn.metrics.adjusted_rand_score(truth, labels):.3f}"
    expected = pd.crosstab(pd.Series(truth), pd.Series(labels))
    names = ["noise" if c == -1 else f"cluster {c}" for c in expected.columns]
    assert list(table.columns) == names
    assert list(table.index) == list(expected.index)
    np.testing.assert_array_equal(table.to_numpy(), expected.to_numpy())


def with_label(app: AppTest, label: str = "kind") -> AppTest:
    return widget(app, "selectbox", "_label").set_value(label).run()


def player_data(app: AppTest) -> dict:
    """The run the page hands the step player."""
    (player,) = [e for e in app.get("bidi_component") if e.proto.component_name == "ce_step_player"]
    return json.loads(player.proto.json)


def assert_says_it_is_a_slice(app: AppTest) -> None:
    """The caption under the figure: what it draws of three features, and what it shades."""
    assert any("keep" in c.value and "principal components" in c.value for c in app.caption)
    assert any("a slice through the 3-dimensional space" in c.value for c in app.caption)


def test_voronoi_page_clusters_all_the_standardised_features(
    app_at, good_csv, table, expected_X, feature_plane
):
    app = with_label(opened_with_data(app_at, VORONOI, good_csv))
    app.slider(key="vor_k").set_value(3).run()
    model = KMeans(3, init="random", n_init=10, random_state=42).fit(expected_X)
    assert_shows_clustering(app, table["kind"].to_numpy(), model.labels_)
    # The inertia of a fit on all three features, not on the picture's two.
    assert next(m.value for m in app.metric if m.label == "Inertia") == f"{model.inertia_:.2f}"
    figure = live_chart(app, "vor_map")
    centroids = trace(figure, "centroids")
    drawn = np.column_stack([array(centroids["x"]), array(centroids["y"])])
    np.testing.assert_allclose(drawn, feature_plane.transform(model.cluster_centers_), atol=1e-6)
    # The regions are the model's clusters of the plane's points in feature space.
    regions = next(t for t in figure["data"] if t["type"] == "heatmap")
    xs, ys = array(regions["x"]), array(regions["y"])
    grid = np.column_stack([np.tile(xs, len(ys)), np.repeat(ys, len(xs))])
    expected = model.predict(feature_plane.inverse_transform(grid)).reshape(len(ys), len(xs))
    shown = array(regions["z"]).reshape(len(ys), len(xs))
    np.testing.assert_array_equal(shown, expected)
    assert_says_it_is_a_slice(app)


def test_step_page_clusters_all_the_standardised_features(
    app_at, good_csv, table, expected_X, feature_plane
):
    app = with_label(opened_with_data(app_at, STEPS, good_csv))
    app.slider(key="steps_k").set_value(3).run()
    start = init_centroids(expected_X, 3, method="random", random_state=42)
    last = list(lloyd_steps(expected_X, start))[-1]
    assert_shows_clustering(app, table["kind"].to_numpy(), last.labels)
    data = player_data(app)
    assert data["steps"][-1]["inertia"] == pytest.approx(last.inertia, rel=1e-6)
    np.testing.assert_allclose(
        data["steps"][-1]["centers"], feature_plane.transform(last.centers), atol=1e-3
    )
    # No flat Voronoi diagram of the drawn centroids shows regions in three dimensions.
    assert set(data["regions"]) == {"rgba(0, 0, 0, 0)"}
    assert any("regions are not shaded" in c.value for c in app.caption)


def test_dbscan_page_clusters_all_the_standardised_features(
    app_at, good_csv, table, expected_X, feature_plane
):
    app = with_label(opened_with_data(app_at, DBSCAN_PAGE, good_csv))
    app.slider(key="db_eps").set_value(0.5).run()
    labels = DBSCAN(eps=0.5, min_samples=5).fit(expected_X).labels_
    assert_shows_clustering(app, table["kind"].to_numpy(), labels)
    assert app.metric[0].value == str(labels.max() + 1) == "4"  # the page's cluster count
    assert_says_it_is_a_slice(app)
    # The chapter's new points are places on the drawn plane: the core points vote on them there.
    X_new = np.array([[-0.5, 0.0], [0.0, 0.5], [1.0, -0.1], [2.0, 1.0]])
    classifier = classifier_from_dbscan(DBSCAN(eps=0.5).fit(expected_X), 50, None)
    votes = next(d.value for d in app.table if "nearest core sample" in d.value.columns)
    lifted = feature_plane.inverse_transform(X_new)
    np.testing.assert_array_equal(votes["cluster"], classifier.predict(lifted))
    np.testing.assert_allclose(
        votes["nearest core sample"], classifier.kneighbors(lifted, 1)[0][:, 0]
    )


def test_dbscan_eps_reaches_the_clusters_of_many_features(app_at):
    """Six standardised features sit far apart: eps up to 0.5 would find only noise."""
    rng = np.random.default_rng(1)
    centres = rng.normal(0, 6, (3, 6))
    X = np.vstack([centre + rng.normal(0, 1, (100, 6)) for centre in centres])
    csv = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)]).to_csv(index=False).encode()
    app = opened_with_data(app_at, DBSCAN_PAGE, csv, name="six.csv")
    standardised = StandardScaler().fit_transform(X)
    eps = app.slider(key="db_eps")
    assert eps.max > 1.0
    assert DBSCAN(eps=0.5, min_samples=5).fit(standardised).labels_.max() + 1 != 3
    eps.set_value(1.0).run()
    labels = DBSCAN(eps=1.0, min_samples=5).fit(standardised).labels_
    assert labels.max() + 1 == 3
    assert app.metric[0].value == "3"


def test_mixtures_page_clusters_all_the_standardised_features(
    app_at, good_csv, table, expected_X, feature_plane
):
    app = with_label(opened_with_data(app_at, MIXTURES, good_csv))
    model = fit_quietly(expected_X, "full", 3, 10, 42)
    assert_shows_clustering(app, table["kind"].to_numpy(), model.predict(expected_X))
    assert sklearn.metrics.adjusted_rand_score(table["kind"], model.predict(expected_X)) > 0.9
    assert any(f"{model.lower_bound_:.4f}" in m.value for m in app.markdown)
    means = trace(live_chart(app, "gm_density"), "component means")
    drawn = np.column_stack([array(means["x"]), array(means["y"])])
    np.testing.assert_allclose(drawn, feature_plane.transform(model.means_), atol=1e-6)
    learned = next(d.value for d in app.table if "weight" in d.value.columns)
    means_shown = learned[["mean x₁", "mean x₂", "mean x₃"]].to_numpy()
    np.testing.assert_allclose(means_shown, model.means_, atol=1e-9)  # every feature's mean
    layout = live_chart(app, "gm_density")["layout"]
    assert layout["xaxis"]["title"]["text"] == "principal component 1"  # not x₁ of three
    assert_says_it_is_a_slice(app)


def test_the_data_follow_the_user_to_another_page(app_at, good_csv):
    app = with_label(opened_with_data(app_at, DBSCAN_PAGE, good_csv))
    app.switch_page(VORONOI).run()
    app.selectbox(key="vor_data").set_value("your data").run()
    assert not app.exception
    assert any(f"Using {GOOD_NAME}" in c.value for c in app.caption)
    assert widget(app, "selectbox", "_label").value == "kind"
    assert agreement(app)[0]  # scored against the label chosen on the other page


def test_without_standardising_the_largest_scale_dominates(app_at, good_csv, table):
    app = with_label(opened_with_data(app_at, VORONOI, good_csv))
    app.slider(key="vor_k").set_value(3).run()
    standardised = agreement(app)[0]
    widget(app, "toggle", "_scale").set_value(False).run()
    raw = table.iloc[:, :3].to_numpy()
    labels = KMeans(3, init="random", n_init=10, random_state=42).fit(raw).labels_
    assert_shows_clustering(app, table["kind"].to_numpy(), labels)
    assert float(agreement(app)[0]) < float(standardised)


def test_the_page_asks_for_a_file_first(app_at):
    app = app_at(DBSCAN_PAGE).run()
    app.selectbox(key="db_data").set_value("your data").run()
    assert not app.exception
    assert any("Upload a CSV" in info.value for info in app.info)


# -- bad input: a message, and the data the user had stay -------------------------------------


def many_rows(n_rows: int) -> bytes:
    return b"a,b\n" + b"1,2\n" * n_rows


BAD_FILES = {
    "non-numeric columns": (b"name,colour\npear,green\nplum,blue\n", "hold numbers"),
    "all-empty columns": (b"a,b,c\n1,,\n2,,\n3,,\n", "Not numeric or all empty: b, c"),
    "fewer than 2 rows": (b"a,b\n1,2\n", "1 row(s) of data"),
    "a single column": (b"a\n1\n2\n3\n", "a single column"),
    "duplicate headers": (b"a,b,a\n1,2,3\n4,5,6\n", "more than once"),
    "Excel renamed .csv": (b"PK\x03\x04\x14\x00\x06\x00" + bytes(300), "Excel workbook"),
    "image renamed .csv": (b"\x89PNG\r\n\x1a\n" + bytes(300), "a PNG picture"),
    "0-byte file": (b"", "empty (0 bytes)"),
    "over the size limit": (many_rows(YOUR_DATA_MAX_BYTES // 4 + 10), "the limit is 20 MB"),
    "10 million rows": (b"a\n" + b"1\n" * 10_000_000, "the app takes at most 1,000,000"),
    "not UTF-8": ("größe,wert\n1,2\n3,4\n".encode("latin-1"), "not UTF-8 text"),
    "only constant columns": (b"a,b,c\n1,2,3\n1,2,4\n", "take more than one value"),
}


def scored_dbscan(app_at, data: bytes) -> AppTest:
    """The DBSCAN page on ``data`` with its label, at an eps that finds its groups in 3-D."""
    return with_label(opened_with_data(app_at, DBSCAN_PAGE, data, query={"db_eps": "0.5"}))


@pytest.fixture
def scored_app(app_at, good_csv):
    """The DBSCAN page on the good table with its label: what bad input must not lose."""
    app = scored_dbscan(app_at, good_csv)
    assert agreement(app)[0]
    return app


@pytest.fixture(scope="module")
def page_for_bad_files(good_csv):
    """One scored DBSCAN page that every bad file is tried on: each must leave it as it was."""

    def open_page(page: str) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=60)
        app.switch_page(page)
        return app

    app = scored_dbscan(open_page, good_csv)
    assert agreement(app)[0]
    return app


def assert_kept(app: AppTest, before: tuple[str, pd.DataFrame]) -> None:
    assert not app.exception
    assert any(f"Using {GOOD_NAME}" in c.value for c in app.caption)
    score, table = agreement(app)
    assert score == before[0]
    pd.testing.assert_frame_equal(table, before[1])


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_gives_its_message_and_keeps_the_data(page_for_bad_files, case):
    data, message = BAD_FILES[case]
    before = agreement(page_for_bad_files)
    app = upload(page_for_bad_files, data, "bad.csv")
    errors = [e.value for e in app.error]
    assert any(
        message in re.sub(r"\\(.)", r"\1", e) and "previous data are kept" in e for e in errors
    ), errors
    assert_kept(app, before)


def test_fewer_rows_than_k_asks_for_a_smaller_k_and_keeps_the_data(app_at):
    app = opened_with_data(app_at, STEPS, b"a,b\n1,2\n3,1\n5,7\n", "three.csv")
    app.slider(key="steps_k").set_value(5).run()
    assert not app.exception
    assert any("3 usable rows" in e.value and "Lower k" in e.value for e in app.error)
    app.slider(key="steps_k").set_value(3).run()
    assert not app.error and not app.exception
    assert any("three.csv" in c.value for c in app.caption)


def test_a_page_that_fits_k_up_to_10_asks_for_10_rows(app_at):
    app = opened_with_data(app_at, VORONOI, b"a,b\n1,2\n3,1\n5,7\n", "three.csv")
    app.slider(key="vor_k").set_value(2).run()
    assert not app.exception
    assert any("needs at least 10" in e.value for e in app.error)


def test_choosing_a_constant_column_is_refused_and_the_last_choice_kept(app_at, table):
    with_constant = table.assign(batch=7).to_csv(index=False).encode()
    app = scored_dbscan(app_at, with_constant)
    features = widget(app, "multiselect", "_features")
    assert "batch" not in features.value  # left out at first: it never varies
    before = agreement(app)
    features.select("batch").run()
    assert any(
        "“batch” has the same value in every row" in e.value.replace("\\", "") for e in app.error
    )
    assert agreement(app)[0] == before[0]


def test_a_single_feature_is_refused_and_the_last_choice_kept(scored_app):
    before = agreement(scored_app)
    widget(scored_app, "multiselect", "_features").set_value(["length"]).run()
    assert any("at least two feature columns" in e.value for e in scored_app.error)
    assert_kept(scored_app, before)


def test_a_label_column_with_hundreds_of_classes_is_refused(app_at, table):
    with_ids = table.assign(serial=np.arange(len(table))).to_csv(index=False).encode()
    app = scored_dbscan(app_at, with_ids)
    before = agreement(app)
    with_label(app, "serial")
    assert not app.exception
    assert any("150 different values" in e.value for e in app.error)
    assert agreement(app)[0] == before[0]


def test_column_names_with_html_and_links_are_shown_as_text(app_at, table):
    hostile = ["<b>len</b>", "[w](http://example.com)", "<img src=x onerror=alert(1)>", "kind"]
    data = table.set_axis(hostile, axis=1).assign(**{"<i>same</i>": 1}).to_csv(index=False).encode()
    app = opened_with_data(app_at, DBSCAN_PAGE, data)
    widget(app, "multiselect", "_features").select("<i>same</i>").run()
    assert app.error  # the constant column, named in the message
    shown = (
        [e.value for e in app.error]
        + [c.value for c in app.caption]
        + [m.value for m in app.markdown]
    )
    for text in shown:
        assert_no_live_markup(text)
    assert not app.get("html")


# -- drawing -----------------------------------------------------------------------------------


def plane(app: AppTest) -> dict:
    """The data the page hands the clickable plane."""
    (element,) = [
        e for e in app.get("bidi_component") if e.proto.component_name == "ce_click_plane"
    ]
    return json.loads(element.proto.json)


def draw(app: AppTest, points: np.ndarray) -> AppTest:
    """What the browser sends after clicks: the plane's whole list, over the revision it saw.

    AppTest cannot run the component's JavaScript; the page reads the state a
    test sets in session_state as it reads the browser's.
    """
    data = plane(app)
    report = {"plane": data["plane"], "revision": data["revision"], "points": points.tolist()}
    app.session_state["yd_plane_db"] = {"points": report}
    app.run()
    assert not app.exception
    return app


def three_clouds() -> np.ndarray:
    rng = np.random.default_rng(5)
    centres = np.array([[-2.0, 0.0], [0.0, 1.2], [2.0, -1.0]])
    return (np.repeat(centres, 25, axis=0) + 0.12 * rng.normal(size=(75, 2))).round(2)


@pytest.fixture
def drawing_page(app_at) -> AppTest:
    app = app_at(DBSCAN_PAGE).run()
    app.selectbox(key="db_data").set_value("your data").run()
    app.radio(key="db_yd_from").set_value("drawing").run()
    assert any("Click on the plane" in info.value for info in app.info)
    return app


def test_three_drawn_clouds_are_three_clusters_and_travel_in_the_link(drawing_page, app_at):
    points = three_clouds()
    app = draw(drawing_page, points)
    assert app.metric[0].value == "3"
    assert DBSCAN(eps=0.2, min_samples=5).fit(points).labels_.max() == 2  # the library agrees
    link = app.query_params["yd_points"]
    reopened = app_at(DBSCAN_PAGE)
    reopened.query_params = {"db_data": "your data", "yd_points": link}
    reopened.run()
    assert not reopened.exception
    np.testing.assert_allclose(plane(reopened)["points"], points)
    assert reopened.metric[0].value == "3"


def test_a_tampered_drawing_in_the_link_gives_an_empty_plane_and_a_notice(app_at):
    app = app_at(DBSCAN_PAGE)
    app.query_params = {"db_data": "your data", "yd_points": "[x](http://example.com)"}
    app.run()
    assert not app.exception
    assert plane(app)["points"] == []
    notices = [toast.value for toast in app.toast]
    assert any("drawing" in t and "ignored" in t for t in notices), notices
    for text in notices:
        assert_no_live_markup(text)
    assert "yd_points" not in app.query_params


def test_a_drawing_can_start_from_a_chapter_data_set(drawing_page):
    app = drawing_page
    app.selectbox(key="db_yd_start").set_value("moons").run()
    app.button(key="db_yd_restart").click().run()
    data = plane(app)
    assert len(data["points"]) == 300 and data["revision"] == 1
    edited = draw(app, three_clouds())  # the browser's list over the new revision is taken
    assert len(plane(edited)["points"]) == 75


# -- starting centroids placed by clicking -------------------------------------------------------


def test_lloyds_algorithm_starts_from_the_clicked_centroids(app_at):
    app = app_at(STEPS).run()
    app.selectbox(key="steps_init").set_value("my clicks").run()
    app.slider(key="steps_k").set_value(3).run()
    assert any("Click 3 more place(s)" in info.value for info in app.info)
    data = plane(app)
    assert data["mode"] == "centroids" and data["limit"] == 3 and data["background"]
    clicks = [[-3.0, 2.0], [0.0, 2.0], [1.0, 1.5]]
    app.session_state["yd_centroids_steps"] = {
        "points": {"plane": data["plane"], "revision": 0, "points": clicks}
    }
    app.run()
    assert not app.exception and not app.info
    steps = player_data(app)["steps"]
    X = make_five_blobs()[0]
    expected = list(lloyd_steps(X, np.array(clicks)))
    np.testing.assert_allclose(steps[0]["centers"], clicks)
    np.testing.assert_allclose(steps[-1]["centers"], expected[-1].centers, atol=1e-5)
    assert len(steps) == len(expected)


def test_the_voronoi_page_fits_from_the_clicked_centroids(app_at):
    app = app_at(VORONOI).run()
    app.slider(key="vor_k").set_value(3).run()
    app.selectbox(key="vor_init").set_value("my clicks").run()
    assert any("Click 3 more place(s)" in info.value for info in app.info)
    clicks = [[-2.5, 2.5], [-1.5, 2.0], [0.5, 1.5]]
    app.session_state["yd_centroids_vor"] = {
        "points": {"plane": plane(app)["plane"], "revision": 0, "points": clicks}
    }
    app.run()
    assert not app.exception and not app.info
    model = KMeans(3, init=np.array(clicks), n_init=1).fit(make_five_blobs()[0])
    assert next(m.value for m in app.metric if m.label == "Inertia") == f"{model.inertia_:.2f}"


def test_moving_a_slider_does_not_prepare_the_table_again(app_at, good_csv, monkeypatch):
    import your_data

    calls = []
    original = your_data.prepare

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(your_data, "prepare", counted)
    app = with_label(opened_with_data(app_at, DBSCAN_PAGE, good_csv))
    prepared = len(calls)  # the file's first choice, then the label
    for eps in (0.3, 0.4, 0.5):
        app.slider(key="db_eps").set_value(eps).run()
    assert not app.exception
    assert len(calls) == prepared == 2


# -- a table larger than the rows a page draws -------------------------------------------------


@pytest.fixture
def downloads(monkeypatch) -> list[pd.DataFrame]:
    """Pages draw 100 rows of a larger table; every download the pages offer, read back.

    The page hands the button a function that makes the CSV when clicked;
    here it is made at once and kept.
    """
    import streamlit
    import your_data

    monkeypatch.setattr(your_data, "YOUR_DATA_WORKING_ROWS", 100)
    offered = []
    button = streamlit.download_button

    def recorded(label, data, *args, **kwargs):
        made = data() if callable(data) else data
        offered.append(pd.read_csv(io.BytesIO(made)))
        return button(label, made, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recorded)
    return offered


@pytest.fixture(scope="module")
def large_table() -> pd.DataFrame:
    """150 rows (another seed than the other tests', so no cached figure of them is reused)."""
    return generated_table(seed=7)


def opened_large(app_at, table, page: str, query: dict) -> tuple[AppTest, np.ndarray, np.ndarray]:
    """``page`` on the large ``table``; its standardised features, and the rows the page draws.

    The drawn rows are the app's fixed random sample of 100 of them.
    """
    import your_data

    X = StandardScaler().fit_transform(table.iloc[:, :3])
    app = opened_with_data(app_at, page, table.to_csv(index=False).encode(), query=query)
    return app, X, your_data.sample_rows(len(X))


def test_a_large_table_is_fitted_whole_and_drawn_through_a_sample(app_at, large_table, downloads):
    app, X, _ = opened_large(app_at, large_table, VORONOI, {"vor_k": "3"})
    model = KMeans(3, init="random", n_init=10, random_state=42).fit(X)
    assert next(m.value for m in app.metric if m.label == "Inertia") == f"{model.inertia_:.2f}"
    figure = live_chart(app, "vor_map")
    drawn = sum(len(array(t["x"])) for t in figure["data"] if t["name"].startswith("cluster"))
    assert drawn == 100
    assert any("150 complete rows" in c.value and "sample of 100" in c.value for c in app.caption)
    back = downloads[-1]
    assert len(back) == 150
    np.testing.assert_array_equal(back["cluster"], model.labels_)
    np.testing.assert_allclose(back[["length", "weight", "ratio"]], large_table.iloc[:, :3])


def test_dbscan_on_a_large_table_clusters_the_sample_and_labels_every_row(
    app_at, large_table, downloads
):
    app, X, shown = opened_large(app_at, large_table, DBSCAN_PAGE, {"db_eps": "0.5"})
    dbscan = DBSCAN(eps=0.5, min_samples=5).fit(X[shown])
    assert app.metric[0].value == str(dbscan.labels_.max() + 1)
    labels = downloads[-1]["cluster"].to_numpy()
    assert len(labels) == 150
    np.testing.assert_array_equal(labels[shown], dbscan.labels_)
    # Every other row: its nearest core point's cluster within eps, else noise.
    cores = X[shown][dbscan.core_sample_indices_]
    others = np.setdiff1d(np.arange(150), shown)
    distances = np.linalg.norm(X[others, None] - cores[None], axis=2)
    nearest = dbscan.labels_[dbscan.core_sample_indices_][distances.argmin(axis=1)]
    expected = np.where(distances.min(axis=1) <= 0.5, nearest, -1)
    np.testing.assert_array_equal(labels[others], expected)
    rule = "other 50 rows takes the cluster of its nearest core point"
    assert any(rule in c.value for c in app.caption)


def test_steps_on_a_large_table_run_on_the_sample_and_every_row_is_downloaded(
    app_at, large_table, downloads
):
    app, X, shown = opened_large(app_at, large_table, STEPS, {"steps_k": "3"})
    start = init_centroids(X[shown], 3, method="random", random_state=42)
    last = list(lloyd_steps(X[shown], start))[-1]
    assert len(player_data(app)["points"]) == 100
    assert any(f"the {len(shown):,}-row sample" in code.value for code in app.code)
    labels = downloads[-1]["cluster"].to_numpy()
    assert len(labels) == 150
    np.testing.assert_array_equal(labels[shown], last.labels)
    nearest = np.linalg.norm(X[:, None] - last.centers[None], axis=2).argmin(axis=1)
    others = np.setdiff1d(np.arange(150), shown)
    np.testing.assert_array_equal(labels[others], nearest[others])


def test_the_code_under_clicked_centroids_runs_and_gives_the_players_result(
    app_at, good_csv, expected_X, feature_plane
):
    app = opened_with_data(app_at, STEPS, good_csv)
    app.slider(key="steps_k").set_value(3).run()
    app.selectbox(key="steps_init").set_value("my clicks").run()
    clicks = [[-1.5, 1.0], [0.25, -1.25], [2.0, 0.5]]
    app.session_state["yd_centroids_steps"] = {
        "points": {"plane": plane(app)["plane"], "revision": 0, "points": clicks}
    }
    app.run()
    assert not app.exception
    (code,) = [c.value for c in app.code]
    assert "[-1.5, 1.0], [0.25, -1.25], [2.0, 0.5]" in code and len(code.splitlines()) == 3
    assert not any("my clicks" in m.value for m in app.markdown)  # the method's inner name
    names = {"np": np, "KMeans": KMeans, "PCA": PCA, "X": expected_X}
    exec(code, names)  # it runs as printed; its last line is the estimator
    model = eval(code.splitlines()[-1], names).fit(expected_X)
    last = player_data(app)["steps"][-1]["centers"]
    np.testing.assert_allclose(feature_plane.transform(model.cluster_centers_), last, atol=1e-3)
