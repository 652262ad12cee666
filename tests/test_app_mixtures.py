"""The Gaussian-mixtures page: every widget reruns cleanly and shows what the library computes."""

import base64
import time
import warnings
from concurrent.futures import Future

import mixture_fits
import numpy as np
import pytest
from chart_specs import live_charts
from jobs import LatestJobs
from sklearn.exceptions import ConvergenceWarning

from clustering import (
    GaussianMixture,
    density_anomalies,
    information_criteria,
    make_chapter_moons,
    make_ellipsoidal_blobs,
    make_five_blobs,
)

PAGE = "views/mixtures.py"
DATA = {
    "ellipsoidal blobs": make_ellipsoidal_blobs,
    "moons": make_chapter_moons,
    "five blobs": make_five_blobs,
}
DEFAULTS = dict(data="ellipsoidal blobs", cov="full", k=3, n_init=10, seed=42, percent=2.0)


def library(settings):
    """The data and the mixture the library fits for the page's settings."""
    X = DATA[settings["data"]]()[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = GaussianMixture(
            settings["k"],
            covariance_type=settings["cov"],
            n_init=settings["n_init"],
            random_state=settings["seed"],
        ).fit(X)
    return X, model


def expected_table(model):
    """Weight, mean and covariance entries of each component, from the model's own shapes."""
    k = model.n_components
    cov = model.covariances_
    if model.covariance_type == "full":
        var1, cov12, var2 = cov[:, 0, 0], cov[:, 0, 1], cov[:, 1, 1]
    elif model.covariance_type == "tied":
        var1, cov12, var2 = (np.full(k, cov[i, j]) for i, j in ((0, 0), (0, 1), (1, 1)))
    elif model.covariance_type == "diag":
        var1, cov12, var2 = cov[:, 0], np.zeros(k), cov[:, 1]
    else:
        var1, cov12, var2 = cov, np.zeros(k), cov
    return np.column_stack([model.weights_, model.means_, var1, cov12, var2])


def metric(app, label):
    return next(m.value for m in app.metric if m.label == label)


def chart_traces(app, index):
    return list(live_charts(app).values())[index]["data"]


def density_traces(app):
    return chart_traces(app, 0)


def density_height(app) -> int:
    return next(iter(live_charts(app).values()))["layout"]["height"]


def computing(app) -> bool:
    return any(info.value.startswith("Computing…") for info in app.info)


def settle(app):
    """Rerun, as the page's poller does, until the background BIC/AIC curve is shown."""
    for _ in range(600):
        if not computing(app):
            return app
        time.sleep(0.1)
        app.run()
        assert not app.exception
    raise AssertionError("the BIC/AIC curve never arrived")


def values(array_spec) -> np.ndarray:
    """A trace's array, which plotly sends as a list or as base64 ``{"dtype", "bdata"}``."""
    if isinstance(array_spec, dict):
        raw = base64.b64decode(array_spec["bdata"])
        return np.frombuffer(raw, dtype=np.dtype(array_spec["dtype"]))
    return np.asarray(array_spec)


def assert_page_shows(app, settings):
    """Counts and parameters on the page equal the library's for the same settings."""
    assert not app.exception
    X, model = library(settings)
    table = app.table[0].value
    shown = table[["weight", "mean x₁", "mean x₂", "var x₁", "cov x₁x₂", "var x₂"]].to_numpy()
    np.testing.assert_allclose(shown, expected_table(model), rtol=1e-12)
    assert metric(app, "EM iterations") == str(model.n_iter_)
    assert metric(app, "Converged") == ("yes" if model.converged_ else "no")
    assert metric(app, "Free parameters") == str(model.n_parameters())
    is_anomaly, _ = density_anomalies(model, X, settings["percent"])
    assert metric(app, "Anomalies") == str(is_anomaly.sum())
    anomaly_trace = next(t for t in density_traces(app) if t["name"].startswith("anomalies"))
    assert anomaly_trace["name"] == f"anomalies ({is_anomaly.sum()})"
    assert_curve_shows(settle(app), settings, X)


def assert_curve_shows(app, settings, X):
    """The BIC and AIC drawn for k = 1 … 10 are the library's for the same settings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        curve = information_criteria(
            X,
            range(1, 11),
            settings["cov"],
            n_init=settings["n_init"],
            random_state=settings["seed"],
        )
    lines = {trace["name"]: trace for trace in chart_traces(app, 1)}
    for name, expected in (("BIC", curve.bic), ("AIC", curve.aic)):
        np.testing.assert_array_equal(values(lines[name]["x"]), curve.n_components)
        np.testing.assert_allclose(values(lines[name]["y"]), expected, rtol=1e-12)
    assert f"lowest BIC is at **k = {curve.best_bic}**" in app.markdown[-1].value
    assert f"lowest AIC at **k = {curve.best_aic}**" in app.markdown[-1].value


@pytest.fixture
def page(app_at):
    app = app_at(PAGE).run()
    assert not app.exception
    return settle(app)


def test_defaults_show_the_chapters_fit(page):
    assert_page_shows(page, DEFAULTS)
    assert metric(page, "EM iterations") == "4"  # the chapter's n_iter_
    assert metric(page, "Free parameters") == "17"
    assert metric(page, "Anomalies") == "25"  # 2 % of 1,250 points
    assert "chapter's settings" in page.info[0].value
    criteria_text = page.markdown[-1].value
    assert "lowest BIC is at **k = 3** and the lowest AIC at **k = 3**" in criteria_text
    assert "the three blobs the chapter's data were drawn from" in criteria_text


def test_the_curve_is_computed_in_the_background_and_shown_when_ready(app_at):
    app = app_at(PAGE)
    app.query_params = {"gm_seed": "31337"}  # settings no other test fits
    app.run()
    # The first run shows the mixture at once and says that the curve is coming.
    assert not app.exception
    assert computing(app)
    assert list(live_charts(app)) == ["gm_density"]
    assert_page_shows(app, dict(DEFAULTS, seed=31337))  # waits for the curve, then checks it
    assert not computing(app)


@pytest.mark.parametrize(
    ("kind", "key", "value", "setting"),
    [
        ("selectbox", "gm_data", "moons", "data"),
        ("selectbox", "gm_data", "five blobs", "data"),
        ("radio", "gm_cov", "tied", "cov"),
        ("radio", "gm_cov", "diag", "cov"),
        ("radio", "gm_cov", "spherical", "cov"),
        ("slider", "gm_k", 5, "k"),
        ("slider", "gm_n_init", 3, "n_init"),
        ("number_input", "gm_seed", 7, "seed"),
        ("slider", "gm_anomaly_pct", 5.0, "percent"),
    ],
)
def test_each_scenario_widget_reruns_and_matches_the_library(page, kind, key, value, setting):
    height = density_height(page)
    getattr(page, kind)(key=key).set_value(value).run()
    settings = dict(DEFAULTS, **{setting: value})
    assert_page_shows(page, settings)
    if setting != "k":  # more components, more legend rows
        # The shaded area keeps its shape, so the browser never resizes the chart.
        assert density_height(page) == height
    # The note "this is the chapter's fit" shows for the chapter's model only.
    assert bool(page.info) == (setting == "percent")


def test_switching_covariance_type_changes_the_table(page):
    before = page.table[0].value
    page.radio(key="gm_cov").set_value("spherical").run()
    after = page.table[0].value
    assert not np.allclose(before["var x₁"], after["var x₁"])
    np.testing.assert_array_equal(after["var x₁"], after["var x₂"])
    np.testing.assert_array_equal(after["cov x₁x₂"], 0.0)


def test_sampling_overlays_points_drawn_by_the_library(page):
    page.slider(key="gm_n_new").set_value(200).run()
    assert not page.exception
    _, model = library(DEFAULTS)
    X_new, y_new = model.sample(200)
    (sampled,) = [
        t for t in density_traces(page) if t["name"].startswith("sampled") and "customdata" in t
    ]
    # The trace holds the library's points, each with the component that made it.
    np.testing.assert_allclose(values(sampled["x"]), X_new[:, 0])
    np.testing.assert_allclose(values(sampled["y"]), X_new[:, 1])
    np.testing.assert_array_equal(values(sampled["marker"]["color"]), y_new)
    np.testing.assert_array_equal(values(sampled["customdata"]), y_new)
    assert any("200 points **sampled**" in text.value for text in page.markdown)


def test_a_shared_link_reopens_the_same_view(app_at):
    app = app_at(PAGE)
    app.query_params = {"gm_data": "moons", "gm_cov": "diag", "gm_k": "4", "gm_seed": "3"}
    app.run()
    assert app.selectbox(key="gm_data").value == "moons"
    assert app.radio(key="gm_cov").value == "diag"
    assert app.slider(key="gm_k").value == 4
    assert_page_shows(app, dict(DEFAULTS, data="moons", cov="diag", k=4, seed=3))


def test_a_link_with_impossible_values_falls_back_to_the_defaults(app_at):
    app = app_at(PAGE)
    app.query_params = {"gm_k": "50", "gm_cov": "round", "gm_data": "nowhere"}
    app.run()
    assert app.slider(key="gm_k").value == 3
    assert app.radio(key="gm_cov").value == "full"
    assert_page_shows(app, DEFAULTS)


class RefusingMixture(GaussianMixture):
    def fit(self, X, y=None):
        raise ValueError("a covariance is not positive definite: raise reg_covar")


def test_a_failed_fit_is_explained_and_the_settings_kept(app_at, monkeypatch):
    monkeypatch.setattr(mixture_fits, "GaussianMixture", RefusingMixture)
    app = app_at(PAGE)
    app.query_params = {"gm_k": "5", "gm_seed": "987654"}  # settings no other test fits
    app.run()
    assert not app.exception
    assert app.error[0].value == (
        "The mixture could not be fitted: a covariance is not positive definite: raise reg_covar"
    )
    assert app.slider(key="gm_k").value == 5
    assert app.number_input(key="gm_seed").value == 987654


def test_a_failed_curve_is_explained_and_the_page_kept(app_at, monkeypatch):
    """The worker's error for the k = 1 … 10 fits reaches the page as an explanation."""
    failed = Future()
    failed.set_exception(ValueError("too many components for these points"))
    monkeypatch.setattr(LatestJobs, "request", lambda self, key, func, *args: failed)
    app = app_at(PAGE).run()
    assert not app.exception
    assert app.error[0].value == (
        "Some of the mixtures for k = 1 … 10 could not be fitted: "
        "too many components for these points"
    )
    _, model = library(DEFAULTS)
    np.testing.assert_allclose(
        app.table[0].value["weight"].to_numpy(), model.weights_, rtol=1e-12
    )
