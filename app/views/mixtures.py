"""Gaussian mixtures: EM's density contours, soft assignments, anomalies and the choice of k."""

import warnings

import streamlit as st
from figures.mixture import criteria_figure, density_figure, parameter_rows
from sklearn.exceptions import ConvergenceWarning
from state import scenario

from clustering import (
    CriterionCurve,
    GaussianMixture,
    density_anomalies,
    information_criteria,
    make_chapter_moons,
    make_ellipsoidal_blobs,
    make_five_blobs,
)
from clustering.mixture import COVARIANCE_TYPES

DATASETS = {
    "ellipsoids": ("Ellipsoidal blobs (chapter)", make_ellipsoidal_blobs),
    "moons": ("Moons", make_chapter_moons),
    "blobs": ("Five blobs", make_five_blobs),
}
COVARIANCE_HELP = {
    "full": "each component its own ellipse, any shape and orientation",
    "tied": "one ellipse shape shared by all components",
    "diag": "ellipses aligned with the axes",
    "spherical": "circles, each of its own size",
}
CHAPTER_SETTINGS = ("ellipsoids", "full", 3, 10, 42)
CRITERIA_KS = range(1, 11)


@st.cache_data(show_spinner=False)
def load_data(name: str):
    return DATASETS[name][1]()[0]


@st.cache_resource(max_entries=64, show_spinner=False)
def fit_mixture(name: str, covariance_type: str, k: int, n_init: int, seed: int):
    """The fitted mixture; its ``converged_`` says whether EM settled (no warning needed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return GaussianMixture(
            k, covariance_type=covariance_type, n_init=n_init, random_state=seed
        ).fit(load_data(name))


@st.cache_data(max_entries=32, show_spinner=False)
def criteria(name: str, covariance_type: str, n_init: int, seed: int) -> CriterionCurve:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return information_criteria(
            load_data(name), CRITERIA_KS, covariance_type, n_init=n_init, random_state=seed
        )


st.title("Gaussian mixtures")
st.markdown(
    "A Gaussian mixture imagines that each point was made by picking one of k Gaussians "
    "(component j with probability equal to its *weight*) and drawing the point from it. "
    "EM recovers the weights, means and covariances: the E-step gives every point its "
    "*responsibilities* (the probability that each component made it), the M-step refits "
    "each Gaussian to all points weighted by those responsibilities, until the "
    "log-likelihood stops rising."
)

controls = st.columns([1.3, 2.2, 1.2, 1.2, 0.8])
data_name = controls[0].selectbox(
    "Data set", list(DATASETS), format_func=lambda name: DATASETS[name][0], **scenario("gm_data")
)
covariance_type = controls[1].radio(
    "Covariance type",
    COVARIANCE_TYPES,
    horizontal=True,
    help="; ".join(f"{name}: {text}" for name, text in COVARIANCE_HELP.items()),
    **scenario("gm_cov"),
)
k = controls[2].slider("Components k", 1, 10, 3, **scenario("gm_k"))
n_init = controls[3].slider("Starts (n_init)", 1, 20, 10, **scenario("gm_n_init"))
seed = controls[4].number_input("Seed", 0, 2**31 - 1, 42, **scenario("gm_seed"))

X = load_data(data_name)
try:
    with st.spinner("Fitting the mixture by EM…"):
        model = fit_mixture(data_name, covariance_type, k, n_init, int(seed))
except ValueError as error:
    st.error(f"The mixture could not be fitted: {error}")
    st.stop()

figure_column, side_column = st.columns([3, 2])
with side_column:
    percent = st.slider(
        "Anomaly threshold (percentile of density)",
        0.0,
        10.0,
        2.0,
        step=0.5,
        format="%.1f%%",
        **scenario("gm_anomaly_pct"),
    )
    n_new = st.slider("Sample new points from the model", 0, 1000, 0, step=10, **scenario("gm_n_new"))
    is_anomaly, threshold = density_anomalies(model, X, percent)
    samples = model.sample(n_new) if n_new else None

    metrics = st.columns(4)
    metrics[0].metric("Converged", "yes" if model.converged_ else "no")
    metrics[1].metric("EM iterations", model.n_iter_)
    metrics[2].metric("Free parameters", model.n_parameters())
    metrics[3].metric("Anomalies", int(is_anomaly.sum()))
    st.dataframe(
        parameter_rows(model),
        hide_index=True,
        column_config={
            name: st.column_config.NumberColumn(format="%.3f")
            for name in ("weight", "mean x₁", "mean x₂", "var x₁", "cov x₁x₂", "var x₂")
        },
        key="gm_parameters",
    )
    st.caption(
        f"Mean log-likelihood per point (lower_bound_): {model.lower_bound_:.4f}. "
        f"Covariance type '{covariance_type}': {COVARIANCE_HELP[covariance_type]}."
    )
    if not model.converged_:
        st.warning(
            f"EM did not converge within {model.max_iter} iterations for the best start: "
            "the parameters shown are where it stopped."
        )
    if (data_name, covariance_type, k, n_init, int(seed)) == CHAPTER_SETTINGS:
        weights = ", ".join(f"{weight:.2f}" for weight in model.weights_)
        st.info(
            f"These are the chapter's settings, and the fit is the chapter's: weights "
            f"{weights} (true proportions 0.4, 0.4 and 0.2), converged in {model.n_iter_} "
            "iterations."
        )

with figure_column:
    st.plotly_chart(
        density_figure(model, X, anomalies=is_anomaly, samples=samples),
        key="gm_density",
        config={"displaylogo": False},
    )
    st.markdown(
        "The shading is the mixture's **−log density** on a log scale: dark is dense. "
        "Dashed lines are the **decision boundaries**, where the most likely component "
        "changes; black crosses are the **means**. Hover over a point to see its "
        "`predict_proba`: near a boundary a point is shared between components (soft "
        f"clustering). Red stars are the **anomalies**: the {percent:g}% of points in the "
        f"least dense regions (log density below {threshold:.2f})."
        + (
            f" Diamonds are {n_new} points **sampled** from the model, coloured by the "
            "component that made them."
            if n_new
            else ""
        )
    )

st.subheader("How many components? BIC and AIC")
with st.spinner(f"Fitting k = 1 … {CRITERIA_KS[-1]} ({covariance_type} covariances)…"):
    curve = criteria(data_name, covariance_type, n_init, int(seed))
st.plotly_chart(criteria_figure(curve), key="gm_criteria", config={"displaylogo": False})
st.markdown(
    "Both criteria start from the misfit −2 · log-likelihood and add a charge per free "
    "parameter: AIC adds 2, BIC adds log n, so BIC prefers simpler models. "
    f"Here the lowest BIC is at **k = {curve.best_bic}** and the lowest AIC at "
    f"**k = {curve.best_aic}**"
    + (
        ", the three blobs the chapter's data were drawn from."
        if data_name == "ellipsoids" and curve.best_bic == curve.best_aic == 3
        else "."
    )
)
