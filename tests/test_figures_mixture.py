"""The mixture page's figure builders draw what the fitted model says."""

import numpy as np
import pytest
from figures.mixture import criteria_figure, density_figure, evaluate_on_grid, grid_around

from clustering import density_anomalies, information_criteria, make_ellipsoidal_blobs


@pytest.fixture(scope="module")
def X():
    return make_ellipsoidal_blobs()[0]


@pytest.fixture(scope="module")
def curve(X):
    return information_criteria(X, range(1, 6), n_init=3, random_state=42)


def traces_named(figure, prefix):
    return [trace for trace in figure.data if (trace.name or "").startswith(prefix)]


def test_density_figure_shows_the_models_density_and_responsibilities(X, curve):
    model = curve.model(3)
    is_anomaly, _ = density_anomalies(model, X)
    X_new, y_new = model.sample(50)
    grid = evaluate_on_grid(model, X, resolution=60)
    figure = density_figure(model, X, grid=grid, anomalies=is_anomaly, samples=(X_new, y_new))

    contour = figure.data[0]
    xs, ys = grid_around(X, 60)
    xx, yy = np.meshgrid(xs, ys)
    neg_log = -model.score_samples(np.column_stack([xx.ravel(), yy.ravel()]))
    expected = np.log10(np.clip(neg_log, 1, 100)).reshape(xx.shape)
    np.testing.assert_allclose(contour.z, expected, rtol=1e-6)

    proba = model.predict_proba(X)
    for component in range(3):
        (trace,) = [t for t in figure.data if t.name == f"component {component}"]
        mine = model.predict(X) == component
        np.testing.assert_allclose(trace.x, X[mine, 0])
        np.testing.assert_allclose(trace.customdata, proba[mine])
    (means,) = traces_named(figure, "component means")
    np.testing.assert_allclose(np.column_stack([means.x, means.y]), model.means_)
    (anomalies,) = traces_named(figure, "anomalies")
    np.testing.assert_allclose(anomalies.x, X[is_anomaly, 0])
    assert sum(len(trace.x) for trace in traces_named(figure, "sampled")) == 50
    boundaries = traces_named(figure, "decision boundary")
    labels = model.predict(np.column_stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
    for component, boundary in enumerate(boundaries):
        np.testing.assert_array_equal(boundary.z, labels == component)
    assert len(boundaries) == 3


def test_criteria_figure_marks_each_minimum(curve):
    figure = criteria_figure(curve)
    (best_bic,) = traces_named(figure, "lowest BIC")
    (best_aic,) = traces_named(figure, "lowest AIC")
    assert best_bic.x[0] == curve.n_components[np.argmin(curve.bic)]
    assert best_bic.y[0] == curve.bic.min()
    assert best_aic.y[0] == curve.aic.min()
