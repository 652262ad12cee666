"""Gaussian mixture models, fitted by expectation-maximisation (EM).

A Gaussian mixture says the data were made in two draws: first a component
``j`` is picked with probability ``weights[j]``, then a point is drawn from the
Gaussian ``N(means[j], covariances[j])``. We see the points but neither the
component behind each one nor the parameters, and EM recovers both in turns:

* **E-step** (expectation): with the current parameters, compute for every point
  the probability that each component made it, its *responsibilities*. This is
  a soft version of k-means' "assign each point to its nearest centre".
* **M-step** (maximisation): re-estimate each component's weight, mean and
  covariance from all points, each point weighted by its responsibility. This is
  the soft version of "move each centre to the mean of its points".

Each round can only raise the likelihood of the data, so the mean
log-likelihood per sample (``lower_bound_``) climbs until it changes by less
than ``tol``. Like k-means, EM finds a local optimum that depends on where it
starts, so ``n_init`` starts are made and the best one is kept.

Two numerical habits keep this stable, as in scikit-learn:

* Densities are handled as logarithms, because the density of a far-away point
  underflows to 0 long before its logarithm causes any trouble. They are added
  up with NumPy's ``logaddexp`` (``log(e^a + e^b)`` without overflow), one
  component at a time: as exact as ``scipy.special.logsumexp`` and far faster on
  the E-step's arrays of a few columns (1250 x 3: 25 µs against 194 µs here).
* A covariance ``S`` is never inverted. We factor ``S = L Lᵀ`` (Cholesky) and keep
  ``P = L⁻ᵀ``, the *Cholesky factor of the precision* ``S⁻¹ = P Pᵀ``; then the
  squared Mahalanobis distance ``(x - μ)ᵀ S⁻¹ (x - μ)`` is ``‖(x - μ) P‖²`` and the
  log-determinant is twice the sum of ``log diag(P)``.

The four covariance types trade flexibility for parameters: ``'full'`` gives
each component its own ellipse of any shape and orientation, ``'tied'`` makes
all components share one, ``'diag'`` keeps ellipses aligned with the axes, and
``'spherical'`` makes every component a circle of its own size.

Data too spread out for floating point (variances beyond 1e308, which happens
from magnitudes around 1e154) cannot be fitted: :func:`estimate_gaussians` and
the EM loop stop with a ``ValueError`` that says to scale the data, rather than
return NaN parameters.

The module reads top to bottom: the M-step (covariances per type, then
:func:`estimate_gaussians`), the E-step (:func:`log_gaussian_densities`,
:func:`log_responsibilities`), the initial guess, the estimator with its short
EM loop (``GaussianMixture._run_em``), then the helpers for anomalies and for
choosing k with BIC and AIC.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import reduce
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from clustering._threads import blas_threads_for
from clustering._validation import check_data, check_in_range, check_one_of, check_random_state
from clustering.kmeans import KMeans, init_centroids

__all__ = [
    "COVARIANCE_TYPES",
    "INIT_PARAMS",
    "CriterionCurve",
    "GaussianMixture",
    "criterion_curve",
    "density_anomalies",
    "information_criteria",
]

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")

TOO_SPREAD_MESSAGE = (
    "Fitting the mixture failed because the data are too spread out for floating point "
    "(a variance or a squared distance exceeds 1e308). Scale the data first, for instance "
    "divide it by a power of two such as 2**600."
)
# sample() refuses to build arrays larger than this many bytes.
SAMPLE_MAX_BYTES = 2**30

# scikit-learn's key phrases come first (users search for them), then ours.
SINGULAR_COVARIANCE_MESSAGE = (
    "Fitting the mixture model failed because some components have ill-defined empirical "
    "covariance (for instance caused by singleton or collapsed samples). Try to decrease "
    "the number of components, increase reg_covar, or scale the input data. "
    "(A component's covariance is not positive definite: it sits on one point or a line; "
    "raise reg_covar or use fewer components.)"
)
NOT_CONVERGED_MESSAGE = (
    "Best performing initialization did not converge. Try different init parameters, "
    "or increase max_iter, tol, or check for degenerate data. "
    "(The best of {n_init} EM runs was still improving after max_iter={max_iter} iterations.)"
)


class MixtureParameters(NamedTuple):
    """Everything that defines a fitted mixture, passed between the EM steps.

    The shapes of ``covariances`` and ``precisions_cholesky`` depend on the
    covariance type: (k, d, d) for 'full', (d, d) for 'tied', (k, d) for 'diag'
    and (k,) for 'spherical'.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    precisions_cholesky: np.ndarray


# --------------------------------------------------------------------------
# M-step: Gaussians from responsibilities
# --------------------------------------------------------------------------


def _add_to_diagonal(matrices: np.ndarray, value: float) -> np.ndarray:
    """Add ``value`` to the diagonal of a matrix, or of each matrix in a stack."""
    diagonal = np.arange(matrices.shape[-1])
    matrices[..., diagonal, diagonal] += value
    return matrices


def _full_covariances(X, resp, counts, means, reg_covar):
    """One covariance matrix per component: the responsibility-weighted scatter."""
    n_components, n_features = means.shape
    covariances = np.empty((n_components, n_features, n_features), dtype=X.dtype)
    for k in range(n_components):
        centred = X - means[k]
        covariances[k] = (resp[:, k] * centred.T) @ centred / counts[k]
    return _add_to_diagonal(covariances, reg_covar)


def _tied_covariance(X, resp, counts, means, reg_covar):
    """One covariance shared by all components: the scatter of every point around its means.

    Since each point's responsibilities sum to 1, the pooled scatter is the
    total second moment ``XᵀX`` minus what the component means explain,
    ``Σ_k n_k μ_k μ_kᵀ``. Both are written as ``AᵀA`` products, which NumPy
    computes exactly symmetric (a float32 asymmetry would leave the Cholesky
    factor, which reads one triangle, disagreeing with the covariance).
    """
    weighted_means = np.sqrt(counts)[:, np.newaxis] * means
    covariance = (X.T @ X - weighted_means.T @ weighted_means) / counts.sum()
    return _add_to_diagonal(covariance, reg_covar)


def _diag_covariances(X, resp, counts, means, reg_covar):
    """Per component, one variance per feature (an axis-aligned ellipse)."""
    mean_squares = (resp.T @ (X * X)) / counts[:, np.newaxis]
    return mean_squares - means**2 + reg_covar


def _spherical_variances(X, resp, counts, means, reg_covar):
    """Per component, a single variance: the average of its per-feature variances."""
    return _diag_covariances(X, resp, counts, means, reg_covar).mean(axis=1)


_COVARIANCE_ESTIMATORS = {
    "full": _full_covariances,
    "tied": _tied_covariance,
    "diag": _diag_covariances,
    "spherical": _spherical_variances,
}


def precision_cholesky(covariances: np.ndarray, covariance_type: str) -> np.ndarray:
    """Cholesky factors of the precisions, computed without inverting a covariance.

    For a matrix ``S = L Lᵀ`` the factor is ``P = L⁻ᵀ``, found by solving the
    triangular system ``L Z = I``; for variances it is ``1 / sqrt(variance)``.

    Raises
    ------
    ValueError
        If a covariance is not positive definite.
    """
    if covariance_type in ("diag", "spherical"):
        if not np.all(covariances > 0):
            raise ValueError(SINGULAR_COVARIANCE_MESSAGE)
        return 1.0 / np.sqrt(covariances)
    stack = covariances[np.newaxis] if covariance_type == "tied" else covariances
    try:
        lower = np.linalg.cholesky(stack)
    except np.linalg.LinAlgError:
        raise ValueError(SINGULAR_COVARIANCE_MESSAGE) from None
    # Solve L Z = I for every component at once (NumPy solves stacks of systems).
    # P = Zᵀ is upper triangular; np.triu clears the rounding noise the general
    # solver leaves below the diagonal.
    identities = np.broadcast_to(np.eye(stack.shape[-1], dtype=stack.dtype), stack.shape)
    factors = np.triu(np.linalg.solve(lower, identities).transpose(0, 2, 1))
    return factors[0] if covariance_type == "tied" else factors


def estimate_gaussians(
    X: np.ndarray, resp: np.ndarray, reg_covar: float, covariance_type: str
) -> MixtureParameters:
    """M-step: the weights, means and covariances that best explain ``X`` given ``resp``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    resp : ndarray of shape (n_samples, n_components)
        How much each component is responsible for each point (rows sum to 1).
    reg_covar : float
        Added to every variance (the covariance diagonal) so that a component
        collapsed onto one point still has a usable, invertible covariance.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}

    Returns
    -------
    MixtureParameters
        ``weights`` here are the soft counts of points per component; the
        caller normalises them.
    """
    # A tiny floor keeps an empty component from dividing by zero.
    counts = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
    means = (resp.T @ X) / counts[:, np.newaxis]
    with np.errstate(over="ignore", invalid="ignore"):
        covariances = _COVARIANCE_ESTIMATORS[covariance_type](X, resp, counts, means, reg_covar)
    if not np.all(np.isfinite(covariances)):
        raise ValueError(TOO_SPREAD_MESSAGE)
    return MixtureParameters(
        counts, means, covariances, precision_cholesky(covariances, covariance_type)
    )


# --------------------------------------------------------------------------
# E-step: log densities and responsibilities
# --------------------------------------------------------------------------


def as_matrix_stack(
    values: np.ndarray, covariance_type: str, n_components: int, n_features: int
) -> np.ndarray:
    """Covariances (or precision factors) of any type as a stack of k (d, d) matrices.

    Every type is a special case of 'full': a tied mixture repeats its one
    matrix for every component, and 'diag' or 'spherical' values are diagonal
    matrices (a spherical one has the same value all along its diagonal).
    """
    shape = (n_components, n_features, n_features)
    if covariance_type in ("full", "tied"):
        return np.broadcast_to(values, shape)
    diagonals = np.broadcast_to(values.reshape(n_components, -1), (n_components, n_features))
    return diagonals[:, :, np.newaxis] * np.eye(n_features, dtype=diagonals.dtype)


def log_gaussian_densities(
    X: np.ndarray, means: np.ndarray, precisions_cholesky: np.ndarray, covariance_type: str
) -> np.ndarray:
    """``log N(x | μ_k, Σ_k)`` for every point and component, shape (n_samples, n_components).

    The density is ``-½ (d log 2π + ‖(x - μ) P‖²) + log det P`` with ``P`` the
    precision's Cholesky factor (triangular, so its determinant is the product
    of its diagonal).
    """
    n_components, n_features = means.shape
    factors = as_matrix_stack(precisions_cholesky, covariance_type, n_components, n_features)
    # One matrix product for all components: columns k*d .. (k+1)*d hold x·P_k.
    all_factors = factors.transpose(1, 0, 2).reshape(n_features, -1)
    shift = np.einsum("kd,kde->ke", means, factors).reshape(-1)
    whitened = (X @ all_factors - shift).reshape(len(X), n_components, n_features)
    squared_distances = np.einsum("nkd,nkd->nk", whitened, whitened)
    log_det = np.log(np.diagonal(factors, axis1=1, axis2=2)).sum(axis=1)
    return -0.5 * (n_features * math.log(2 * math.pi) + squared_distances) + log_det


def log_responsibilities(
    X: np.ndarray, params: MixtureParameters, covariance_type: str
) -> tuple[np.ndarray, np.ndarray]:
    """E-step: each point's log density under the mixture and its log responsibilities.

    Returns
    -------
    log_density : ndarray of shape (n_samples,)
        ``log p(x) = log Σ_k w_k N(x | μ_k, Σ_k)``.
    log_resp : ndarray of shape (n_samples, n_components)
        ``log P(component k | x)``, Bayes' rule in logarithms.
    """
    weighted = log_gaussian_densities(
        X, params.means, params.precisions_cholesky, covariance_type
    ) + np.log(params.weights)
    log_density = reduce(np.logaddexp, weighted.T)  # log Σ_k exp(weighted[:, k])
    with np.errstate(under="ignore"):
        return log_density, weighted - log_density[:, np.newaxis]


# --------------------------------------------------------------------------
# Initialisation: a first guess of the responsibilities
# --------------------------------------------------------------------------


def _one_hot(n_samples: int, n_components: int, rows, columns, dtype) -> np.ndarray:
    resp = np.zeros((n_samples, n_components), dtype=dtype)
    resp[rows, columns] = 1
    return resp


def initial_responsibilities(X, n_components: int, init_params: str, random_state):
    """A first guess of the responsibilities, from which the first M-step starts.

    * 'kmeans': each point belongs wholly to its k-means cluster (one k-means run).
    * 'k-means++': only the k seeds k-means++ would pick, one per component.
    * 'random_from_data': k distinct points drawn at random, one per component.
    * 'random': random responsibilities for every point.
    """
    n_samples = X.shape[0]
    if init_params == "kmeans":
        kmeans = KMeans(n_clusters=n_components, n_init=1, random_state=random_state)
        labels = kmeans.fit(X).labels_
        return _one_hot(n_samples, n_components, np.arange(n_samples), labels, X.dtype)
    if init_params == "k-means++":
        seeds = init_centroids(X, n_components, random_state=random_state)
        # The seeds are rows of X: each component starts from the point its seed is.
        rows = [np.flatnonzero((X == seed).all(axis=1))[0] for seed in seeds]
        return _one_hot(n_samples, n_components, rows, np.arange(n_components), X.dtype)
    if init_params == "random_from_data":
        seeds = random_state.choice(n_samples, size=n_components, replace=False)
        return _one_hot(n_samples, n_components, seeds, np.arange(n_components), X.dtype)
    resp = random_state.uniform(size=(n_samples, n_components)).astype(X.dtype)
    return resp / resp.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------


class GaussianMixture(DensityMixin, BaseEstimator):
    """A mixture of Gaussians fitted by expectation-maximisation.

    Parameters
    ----------
    n_components : int, default=1
        The number k of Gaussians.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        The shape each Gaussian may take: any ellipse of its own ('full'), one
        ellipse shared by all ('tied'), ellipses aligned with the axes ('diag'),
        or circles ('spherical').
    tol : float, default=1e-3
        EM stops when the mean log-likelihood per sample changes by less.
    reg_covar : float, default=1e-6
        Added to the diagonal of every covariance so that it stays invertible.
    max_iter : int, default=100
        The most EM iterations per start (0 keeps the initial guess).
    n_init : int, default=1
        The number of starts; the one with the highest likelihood is kept.
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, default='kmeans'
        How each start guesses the first responsibilities.
    random_state : int, RandomState instance or None, default=None
        Seeds the starts, and :meth:`sample`.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
        The probability that a point comes from each component.
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray
        (k, d, d) for 'full', (d, d) for 'tied', (k, d) for 'diag', (k,) for 'spherical'.
    precisions_ : ndarray
        The inverse covariances, same shapes.
    precisions_cholesky_ : ndarray
        Their Cholesky factors ``P`` with ``precision = P Pᵀ``, same shapes.
    converged_ : bool
        Whether the best start stopped because the change fell below ``tol``.
    n_iter_ : int
        EM iterations of the best start.
    lower_bound_ : float
        Mean log-likelihood per sample of the best start at its last E-step.
    lower_bounds_ : list of float
        That value after each iteration of the best start.
    n_features_in_ : int
    """

    def __init__(
        self,
        n_components: int = 1,
        *,
        covariance_type: str = "full",
        tol: float = 1e-3,
        reg_covar: float = 1e-6,
        max_iter: int = 100,
        n_init: int = 1,
        init_params: str = "kmeans",
        random_state=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.random_state = random_state

    # ---- fitting -------------------------------------------------------

    def _check_parameters(self) -> None:
        owner = "GaussianMixture"
        check_in_range(self.n_components, "n_components", low=1, integer=True, owner=owner)
        check_one_of(self.covariance_type, "covariance_type", COVARIANCE_TYPES, owner=owner)
        check_in_range(self.tol, "tol", low=0, owner=owner)
        check_in_range(self.reg_covar, "reg_covar", low=0, owner=owner)
        check_in_range(self.max_iter, "max_iter", low=0, integer=True, owner=owner)
        check_in_range(self.n_init, "n_init", low=1, integer=True, owner=owner)
        check_one_of(self.init_params, "init_params", INIT_PARAMS, owner=owner)

    def _initial_parameters(self, X, random_state) -> MixtureParameters:
        resp = initial_responsibilities(X, self.n_components, self.init_params, random_state)
        params = estimate_gaussians(X, resp, self.reg_covar, self.covariance_type)
        return params._replace(weights=params.weights / X.shape[0])

    def _run_em(self, X, params: MixtureParameters):
        """EM from ``params`` until the lower bound settles or ``max_iter`` runs out.

        Returns the final parameters, the lower bound after each iteration and
        whether it converged.
        """
        lower_bounds: list[float] = []
        lower_bound = -np.inf
        for _ in range(self.max_iter):
            previous = lower_bound
            log_density, log_resp = log_responsibilities(X, params, self.covariance_type)
            lower_bound = float(log_density.mean())
            if not math.isfinite(lower_bound):  # some log density overflowed, or is NaN
                raise ValueError(TOO_SPREAD_MESSAGE)
            params = estimate_gaussians(X, np.exp(log_resp), self.reg_covar, self.covariance_type)
            params = params._replace(weights=params.weights / params.weights.sum())
            lower_bounds.append(lower_bound)
            if abs(lower_bound - previous) < self.tol:
                return params, lower_bounds, True
        return params, lower_bounds, False

    def fit(self, X, y=None) -> GaussianMixture:
        """Fit the mixture to ``X`` with EM, keeping the best of ``n_init`` starts.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self : GaussianMixture
        """
        self._check_parameters()
        X = check_data(self, X, min_samples=2)
        if X.shape[0] < self.n_components:
            raise ValueError(
                f"Expected n_samples >= n_components but got n_components = "
                f"{self.n_components}, n_samples = {X.shape[0]}. A mixture needs at least "
                "one sample per component: use fewer components."
            )
        random_state = check_random_state(self.random_state)
        best = None
        # Thin matrix products: threads cost more than they save on small data.
        with blas_threads_for(X.shape, self.n_components):
            for _ in range(self.n_init):
                params, lower_bounds, converged = self._run_em(
                    X, self._initial_parameters(X, random_state)
                )
                lower_bound = lower_bounds[-1] if lower_bounds else -np.inf
                if best is None or lower_bound > best[1]:
                    best = (params, lower_bound, lower_bounds, converged)
        params, self.lower_bound_, self.lower_bounds_, self.converged_ = best
        self.n_iter_ = len(self.lower_bounds_)
        self._set_parameters(params)
        if not self.converged_ and self.max_iter > 0:
            warnings.warn(
                NOT_CONVERGED_MESSAGE.format(n_init=self.n_init, max_iter=self.max_iter),
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def _set_parameters(self, params: MixtureParameters) -> None:
        self.weights_, self.means_, self.covariances_, self.precisions_cholesky_ = params
        factors = self.precisions_cholesky_
        if self.covariance_type == "full":
            self.precisions_ = factors @ factors.transpose(0, 2, 1)
        elif self.covariance_type == "tied":
            self.precisions_ = factors @ factors.T
        else:
            self.precisions_ = factors**2

    def fit_predict(self, X, y=None) -> np.ndarray:
        """Fit the mixture, then return each point's most likely component."""
        return self.fit(X).predict(X)

    # ---- using a fitted mixture ----------------------------------------

    def _parameters(self) -> MixtureParameters:
        check_is_fitted(self)
        return MixtureParameters(
            self.weights_, self.means_, self.covariances_, self.precisions_cholesky_
        )

    def _weighted_log_densities(self, X) -> np.ndarray:
        params = self._parameters()
        X = check_data(self, X, reset=False)
        with blas_threads_for(X.shape, self.n_components):
            log_densities = log_gaussian_densities(
                X, params.means, params.precisions_cholesky, self.covariance_type
            )
        return log_densities + np.log(params.weights)

    def score_samples(self, X) -> np.ndarray:
        """The log of the mixture's density at each point, ``log p(x)``.

        Low values mean the point is unlikely under the model: an anomaly.
        """
        return reduce(np.logaddexp, self._weighted_log_densities(X).T)

    def score(self, X, y=None) -> float:
        """The mean log-likelihood per sample of ``X``."""
        return float(self.score_samples(X).mean())

    def predict(self, X) -> np.ndarray:
        """Hard clustering: the component most likely to have made each point."""
        return self._weighted_log_densities(X).argmax(axis=1)

    def predict_proba(self, X) -> np.ndarray:
        """Soft clustering: the probability that each component made each point."""
        params = self._parameters()
        X = check_data(self, X, reset=False)
        with blas_threads_for(X.shape, self.n_components):
            _, log_resp = log_responsibilities(X, params, self.covariance_type)
        return np.exp(log_resp)

    def sample(self, n_samples: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Draw new points from the fitted mixture, the way the model says data are made.

        The number of points per component is drawn first (multinomial with the
        weights), then each component's points from its Gaussian; so the points
        come grouped by component, in component order. ``random_state`` seeds the
        draw, so with an integer seed every call returns the same points.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,)
            The component of each point.
        """
        params = self._parameters()
        try:
            check_in_range(n_samples, "n_samples", low=1, integer=True)
        except ValueError as error:
            raise ValueError(f"Invalid value for 'n_samples': {error}") from None
        n_bytes = n_samples * (params.means.shape[1] + 1) * 8
        if n_bytes > SAMPLE_MAX_BYTES:
            raise ValueError(
                f"n_samples={n_samples} would take {n_bytes / 2**30:.3g} GiB, more than the "
                f"{SAMPLE_MAX_BYTES / 2**30:g} GiB allowed: draw fewer points at a time."
            )
        rng = check_random_state(self.random_state)
        counts = rng.multinomial(n_samples, params.weights)
        n_components, n_features = params.means.shape
        covariances = params.covariances
        if self.covariance_type == "tied":
            covariances = np.broadcast_to(covariances, (n_components, n_features, n_features))
        blocks = []
        for mean, covariance, count in zip(params.means, covariances, counts, strict=True):
            if self.covariance_type in ("full", "tied"):
                blocks.append(rng.multivariate_normal(mean, covariance, count))
            else:
                noise = rng.standard_normal(size=(count, n_features))
                blocks.append(mean + noise * np.sqrt(covariance))
        labels = np.repeat(np.arange(n_components), counts)
        return np.vstack(blocks), labels

    # ---- model selection -------------------------------------------------

    def n_parameters(self) -> int:
        """The number of free parameters: weights (k - 1), means (k·d) and covariances.

        A symmetric d×d covariance has d(d + 1)/2 free entries; 'full' has k of
        them, 'tied' one, 'diag' k·d variances and 'spherical' k.
        """
        check_is_fitted(self)
        k, d = self.means_.shape
        covariance_counts = {
            "full": k * d * (d + 1) // 2,
            "tied": d * (d + 1) // 2,
            "diag": k * d,
            "spherical": k,
        }
        return (k - 1) + k * d + covariance_counts[self.covariance_type]

    def _log_likelihood(self, X) -> float:
        return float(self.score_samples(X).sum())

    def bic(self, X) -> float:
        """Bayesian information criterion: ``-2 log L + p log n``; lower is better.

        It rewards fitting the data (the log-likelihood ``L``) and charges for
        every free parameter ``p``, more so as the data grow.
        """
        return -2 * self._log_likelihood(X) + self.n_parameters() * math.log(len(X))

    def aic(self, X) -> float:
        """Akaike information criterion: ``-2 log L + 2p``; lower is better."""
        return -2 * self._log_likelihood(X) + 2 * self.n_parameters()


# --------------------------------------------------------------------------
# Helpers for anomaly detection and choosing k
# --------------------------------------------------------------------------


def density_anomalies(model: GaussianMixture, X, percent: float = 2.0) -> tuple[np.ndarray, float]:
    """Flag the points in the lowest-density ``percent`` of ``X`` as anomalies.

    The density threshold is the ``percent``-th percentile of
    ``model.score_samples(X)``: with 2 %, about one point in fifty is called an
    anomaly. Lower the percentage for fewer false alarms, raise it to miss fewer.

    Returns
    -------
    is_anomaly : ndarray of bool, shape (n_samples,)
    threshold : float
        The log density under which a point is an anomaly.
    """
    check_in_range(percent, "percent", low=0, high=100)
    log_density = model.score_samples(X)
    threshold = float(np.percentile(log_density, percent))
    return log_density < threshold, threshold


@dataclass(frozen=True)
class CriterionCurve:
    """BIC and AIC of a mixture for each number of components tried, and the fitted models."""

    n_components: np.ndarray
    bic: np.ndarray
    aic: np.ndarray
    models: tuple[GaussianMixture, ...]

    def model(self, n_components: int) -> GaussianMixture:
        """The mixture fitted with ``n_components`` components.

        Raises
        ------
        ValueError
            If no mixture with that many components was fitted.
        """
        tried = self.n_components.tolist()
        if n_components not in tried:
            raise ValueError(
                f"No mixture with n_components={n_components!r} was fitted; "
                f"choose one of {tried}."
            )
        return self.models[tried.index(n_components)]

    @property
    def best_bic(self) -> int:
        """The number of components with the lowest BIC."""
        return int(self.n_components[np.argmin(self.bic)])

    @property
    def best_aic(self) -> int:
        """The number of components with the lowest AIC."""
        return int(self.n_components[np.argmin(self.aic)])


def criterion_curve(models, X) -> CriterionCurve:
    """BIC and AIC on ``X`` of mixtures already fitted, one per number of components."""
    models = tuple(models)
    if not models:
        raise ValueError("no models given: fit at least one mixture first.")
    return CriterionCurve(
        n_components=np.array([model.n_components for model in models]),
        bic=np.array([model.bic(X) for model in models]),
        aic=np.array([model.aic(X) for model in models]),
        models=models,
    )


def information_criteria(
    X, n_components_range, covariance_type: str = "full", **mixture_params
) -> CriterionCurve:
    """Fit one mixture per number of components; return them with their BIC and AIC.

    Both criteria add a penalty for the parameters to the misfit ``-2 log L``;
    the k where they are lowest is a good number of clusters (BIC's heavier
    penalty tends to pick fewer). ``mixture_params`` (``n_init``,
    ``random_state`` ...) go to every :class:`GaussianMixture`.
    """
    ks = [int(k) for k in n_components_range]
    if not ks:
        raise ValueError("n_components_range is empty: give at least one number of components.")
    models = [
        GaussianMixture(k, covariance_type=covariance_type, **mixture_params).fit(X) for k in ks
    ]
    return criterion_curve(models, X)
