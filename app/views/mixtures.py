"""Gaussian mixtures: EM's density contours, soft assignments, anomalies and the choice of k."""

import numpy as np
import pandas as pd
import streamlit as st
from components.live_chart import live_chart
from data import cluster_colors
from figures.grid import grid_over, padded_box, shaped
from figures.mixture import (
    GRID_RESOLUTION,
    GRID_SHAPE,
    MARGIN,
    DensityGrid,
    criteria_figure,
    density_figure,
    parameter_rows,
)
from jobs import LatestJobs, rerun_when_done, shared_pool
from layout import FIGURE_AND_SIDE, fit_screen
from limits import DENSITY_GRIDS, FIGURES, K_CURVES, MIXTURE_FITS
from mixture_fits import K_RANGE, criteria, fit_quietly
from plotly.graph_objects import Figure
from state import scenario
from your_data import (
    choices,
    enough_points,
    load_points,
    picture,
    picture_note,
    report,
    sampled,
    source,
)

from clustering import CriterionCurve, density_anomalies
from clustering.mixture import COVARIANCE_TYPES

# The chapter's mixture data first; the names are what a shared link carries.
DATA_NAMES = ("ellipsoidal blobs", "moons", "five blobs")
COVARIANCE_HELP = {
    "full": "each component its own ellipse, any shape and orientation",
    "tied": "one ellipse shape shared by all components",
    "diag": "ellipses aligned with the axes",
    "spherical": "circles, each of its own size",
}
CHAPTER_SETTINGS = ("ellipsoidal blobs", "full", 3, 10, 42)
CHAPTER_WEIGHTS = (0.39025715, 0.40007391, 0.20966893)
CHAPTER_ITERATIONS = 4
SHOWN_CURVE = "gm_shown_curve"  # session state: the settings and figure of the last curve shown


def load_data(name: str) -> np.ndarray:
    return load_points(name)[0]


@st.cache_resource(max_entries=MIXTURE_FITS, show_spinner=False)
def fit_mixture(name: str, covariance_type: str, k: int, n_init: int, seed: int):
    return fit_quietly(load_data(name), covariance_type, k, n_init, seed)


def jobs() -> LatestJobs:
    """The server's worker pool: it fits the BIC/AIC curve while the page stays responsive."""
    return shared_pool()


def shown_mixture(name: str, covariance_type: str, k: int, n_init: int, seed: int):
    """The mixture for these settings: from the finished BIC/AIC curve if any, else fitted."""
    curve = jobs().finished((name, covariance_type, n_init, seed), criteria)
    if curve is not None:
        return curve.model(k)
    return fit_mixture(name, covariance_type, k, n_init, seed)


@st.cache_resource(max_entries=K_CURVES, show_spinner=False)
def bic_aic_figure(name: str, covariance_type: str, n_init: int, seed: int, _curve) -> Figure:
    """The curve's figure, built once per setting: an unchanged figure costs the browser nothing."""
    return criteria_figure(_curve)


@st.cache_data(max_entries=DENSITY_GRIDS, show_spinner=False)
def density_grid(
    name: str, covariance_type: str, k: int, n_init: int, seed: int, _model
) -> DensityGrid:
    """The −log density and most likely component on a grid over the data, once per setting.

    ``_model`` is that setting's fit (not hashed: the settings name it).
    """
    drawn = picture(name)
    grid = grid_over(shaped(padded_box(drawn.points, margin=MARGIN), GRID_SHAPE), GRID_RESOLUTION)
    points = drawn.lift(grid.points)
    neg_log_density = -_model.score_samples(points)
    return DensityGrid(grid, grid.reshape(neg_log_density), grid.reshape(_model.predict(points)))


@st.cache_resource(max_entries=FIGURES, show_spinner=False)
def density_view(scenario_args: tuple, percent: float, n_new: int, _model, _X) -> Figure:
    """The density figure for a setting, percentile and sample size, built once for them.

    ``_model`` and ``_X`` are that setting's fit and data; sampling is seeded,
    so the same inputs always give the same figure.
    """
    is_anomaly, _ = density_anomalies(_model, _X, percent)
    drawn = picture(scenario_args[0])
    samples = _model.sample(n_new) if n_new else None
    figure = density_figure(
        drawn.points,
        _model.predict_proba(drawn.take(_X)),
        drawn.project(_model.means_),
        cluster_colors(scenario_args[0], _model.means_),
        density_grid(*scenario_args, _model),
        anomalies=drawn.take(is_anomaly),
        samples=None if samples is None else (drawn.project(samples[0]), samples[1]),
        max_components=K_RANGE[-1],
        axis_titles=drawn.axis_titles,
    )
    return fit_screen(figure)


def show_criteria(future, curve_settings: tuple) -> None:
    """The BIC/AIC chart from the worker's result, and where each criterion is lowest."""
    try:
        curve: CriterionCurve = future.result()
    except ValueError as error:
        st.error(f"Some of the mixtures for k = 1 … {K_RANGE[-1]} could not be fitted: {error}")
        return
    figure = bic_aic_figure(*curve_settings, curve)
    live_chart(figure, key="gm_criteria")
    st.session_state[SHOWN_CURVE] = (curve_settings, figure)
    st.markdown(
        "Both criteria start from the misfit −2 · log-likelihood and add a charge per free "
        "parameter: AIC adds 2, BIC adds log n, so BIC prefers simpler models. "
        f"Here the lowest BIC is at **k = {curve.best_bic}** and the lowest AIC at "
        f"**k = {curve.best_aic}**"
        + (
            ", the three blobs the chapter's data were drawn from."
            if curve_settings[0] == "ellipsoidal blobs" and curve.best_bic == curve.best_aic == 3
            else "."
        )
    )


@st.fragment
def density_panel(model, X: np.ndarray, scenario_args: tuple) -> None:
    """The density figure with the anomaly and sampling sliders and the fit's numbers.

    A fragment: moving the percentile or the number of samples reruns this
    panel alone, not the parameter table or the BIC/AIC curve below.
    """
    figure_column, side_column = st.columns(FIGURE_AND_SIDE)
    with side_column:
        percent = st.slider(
            "Anomalies: lowest-density percentile",
            0.0,
            10.0,
            2.0,
            step=0.5,
            format="%.1f%%",
            **scenario("gm_anomaly_pct"),
        )
        n_new = st.slider(
            "Sample new points from the model", 0, 1000, 0, step=10, **scenario("gm_n_new")
        )
        is_anomaly, threshold = density_anomalies(model, X, percent)

        top, bottom = st.columns(2), st.columns(2)
        top[0].metric("Converged", "yes" if model.converged_ else "no")
        top[1].metric("EM iterations", model.n_iter_)
        bottom[0].metric("Free parameters", model.n_parameters())
        bottom[1].metric("Anomalies", int(is_anomaly.sum()))
        if not model.converged_:
            st.warning(
                f"EM did not converge within {model.max_iter} iterations for the best start: "
                "the parameters shown are where it stopped."
            )
        if scenario_args == CHAPTER_SETTINGS and np.allclose(
            np.sort(model.weights_), np.sort(CHAPTER_WEIGHTS), atol=0.005
        ):
            weights = ", ".join(f"{weight:.2f}" for weight in model.weights_)
            st.info(
                f"These are the chapter's settings, and the fit is the chapter's: weights "
                f"{weights} (the chapter's 0.39, 0.40 and 0.21, in another order; the blobs "
                f"were drawn in proportions 0.4, 0.4 and 0.2), {model.n_iter_} EM iterations "
                f"(the chapter: {CHAPTER_ITERATIONS})."
            )
        st.markdown(
            f"**Anomalies** (black crosses) are the {percent:g}% of points in the least dense "
            f"regions: log density below {threshold:.2f}. Raise the percentile to catch more "
            "outliers at the price of more false alarms."
        )

    with figure_column:
        live_chart(
            density_view(scenario_args, percent, n_new, model, X),
            key="gm_density",
            revision=scenario_args[0],
        )
        picture_note(scenario_args[0], "The shading and the decision boundaries")
        st.markdown(
            "The shading is the mixture's **−log density** on a log scale: darker is denser. "
            "Dashed lines are the **decision boundaries**, where the most likely component "
            "changes; white discs with a cross are the **means**. Hover over a point to see its "
            "`predict_proba`: near a boundary a point is shared between components (soft "
            "clustering)."
            + (
                f" Diamonds are {n_new} points **sampled** from the model, grouped by the "
                "component that made them as the weights say."
                if n_new
                else ""
            )
        )


def show_previous_criteria_while_computing(covariance_type: str, n_init: int) -> None:
    """Say the new curve is coming; until then keep the last curve on screen, not a hole."""
    previous = st.session_state.get(SHOWN_CURVE)
    if previous is not None:
        live_chart(previous[1], key="gm_criteria")
    shown = (
        "Until then the chart shows the curve for "
        + ", ".join(str(value) for value in previous[0])
        + "."
        if previous is not None
        else "The chart appears here when they are done."
    )
    st.info(
        f"Computing… fitting k = 1 … {K_RANGE[-1]} with {covariance_type} covariances "
        f"and {n_init} starts each. {shown}",
        icon=":material/hourglass_top:",
    )


st.title("Gaussian mixtures")

controls = st.columns([1.6, 2.2, 1.2, 1.2, 0.8])
data_name = controls[0].selectbox(
    "Data set",
    choices(DATA_NAMES),
    help="The ellipsoidal blobs are the chapter's: three blobs of different shapes, "
    "sizes and densities.",
    **scenario("gm_data"),
)
covariance_type = controls[1].radio(
    "Covariance type",
    COVARIANCE_TYPES,
    horizontal=True,
    help="; ".join(f"{name}: {text}" for name, text in COVARIANCE_HELP.items()),
    **scenario("gm_cov"),
)
k = controls[2].slider("Components k", K_RANGE[0], K_RANGE[-1], 3, **scenario("gm_k"))
n_init = controls[3].slider("Starts (n_init)", 1, 20, 10, **scenario("gm_n_init"))
seed = controls[4].number_input(
    "Seed", 0, 2**31 - 1, 42, **scenario("gm_seed", within=(0, 2**31 - 1))
)

data_name = source(data_name, "gm")
enough_points(data_name, K_RANGE[-1])
X = load_data(data_name)
scenario_args = (data_name, covariance_type, k, n_init, int(seed))
try:
    with st.spinner("Fitting the mixture by EM…"):
        model = shown_mixture(*scenario_args)
except ValueError as error:
    st.error(f"The mixture could not be fitted: {error}")
    st.stop()

density_panel(model, X, scenario_args)
report(data_name, model.predict(X), model.predict_proba(X), prefix="gm")
st.markdown(
    "A Gaussian mixture imagines that each point was made by picking one of k Gaussians "
    "(component j with probability equal to its *weight*) and drawing the point from it. "
    "EM recovers the weights, means and covariances: the E-step gives every point its "
    "*responsibilities* (the probability that each component made it), the M-step refits "
    "each Gaussian to all points weighted by those responsibilities, until the "
    "log-likelihood stops rising."
)

table_column, criteria_column = st.columns(2)
with table_column:
    st.subheader("What EM learned")
    # A plain table, drawn with the rest of the page (a data grid fills its cells a
    # moment later: one more redraw on every change). It scrolls sideways when a
    # table of many features is wider than the column.
    parameters = pd.DataFrame(parameter_rows(model))
    numbers = parameters.columns.drop("component")
    st.table(parameters.style.format("{:.3f}", subset=numbers), hide_index=True)
    st.markdown(
        f"Covariance type **{covariance_type}**: {COVARIANCE_HELP[covariance_type]}. "
        f"Mean log-likelihood per point (`lower_bound_`): {model.lower_bound_:.4f}. "
        "Switch the type and watch the covariance columns: 'tied' repeats one matrix, "
        "'diag' zeroes the covariance, 'spherical' also makes both variances equal."
    )

with criteria_column:
    st.subheader("How many components? BIC and AIC")
    curve_data = sampled(data_name)  # a large table's sample
    curve_settings = (curve_data, covariance_type, n_init, int(seed))
    future = jobs().request(curve_settings, criteria, load_data(curve_data), *curve_settings[1:])
    if future.done():
        show_criteria(future, curve_settings)
    else:
        show_previous_criteria_while_computing(covariance_type, n_init)
        rerun_when_done(future)
