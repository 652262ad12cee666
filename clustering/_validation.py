"""Input checks shared by every estimator in :mod:`clustering`.

Bad input should fail early, with a ``ValueError`` that says what is wrong and
what to change, rather than a NumPy traceback from deep inside an algorithm or,
worse, a silent wrong answer. The array checks delegate to scikit-learn's
``validate_data`` so that our estimators raise the same errors (and keep
``n_features_in_`` the same way) as scikit-learn's own; the parameter checks
are ours.

Every message starts with scikit-learn's key phrase for the same problem (so
that code and searches written for scikit-learn still match) and then says
what to do. The second half of the module serves :mod:`clustering.kmeans`:
the checks of its functions' inputs, :class:`~clustering.kmeans.KMeans`'
parameters, scikit-learn's rules for ``n_init``, and its warnings.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state
from sklearn.utils.validation import validate_data

__all__ = [
    "INIT_METHODS",
    "check_centers",
    "check_cluster_count",
    "check_data",
    "check_finite_inertia",
    "check_in_range",
    "check_init",
    "check_kmeans_data",
    "check_kmeans_params",
    "check_lloyd_params",
    "check_one_of",
    "check_points",
    "check_random_state",
    "check_sample_weight",
    "resolve_n_init",
    "warn_if_fewer_clusters",
]


def check_data(
    estimator,
    X,
    *,
    reset: bool = True,
    dtype=(np.float64, np.float32),
    min_samples: int = 1,
) -> np.ndarray:
    """Validate a data matrix ``X`` of shape (n_samples, n_features).

    Parameters
    ----------
    estimator : estimator instance
        Where ``n_features_in_`` is recorded (``reset=True``, in ``fit``) or
        checked against (``reset=False``, in ``predict`` and friends).
    X : array-like of shape (n_samples, n_features)
        The data. NaN, infinity, complex numbers, text and 1-D arrays are refused.
    reset : bool, default=True
        True in ``fit``; False when a fitted estimator receives new data.
    dtype : dtype or tuple of dtypes, default=(float64, float32)
        Accepted dtypes; float32 stays float32, anything else becomes float64.
    min_samples : int, default=1
        The fewest rows the caller can work with.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        A C-contiguous floating-point array.
    """
    try:
        return validate_data(
            estimator,
            X,
            reset=reset,
            dtype=dtype,
            order="C",
            accept_sparse=False,
            ensure_min_samples=min_samples,
        )
    except ValueError as error:
        raise ValueError(with_advice(str(error))) from None


# scikit-learn's messages say what is wrong; these say what to do about it.
ADVICE = {
    "infinity": "Replace or drop the infinite values before fitting.",
    "NaN": "Drop or impute the missing values before fitting.",
    "0 sample(s)": "Pass at least one row of data.",
    "0 feature(s)": "Pass data with at least one column.",
}


def with_advice(message: str) -> str:
    """Append a hint on what to change to one of scikit-learn's validation messages."""
    for symptom, advice in ADVICE.items():
        if symptom in message and advice not in message:
            return f"{message} {advice}"
    return message


def check_sample_weight(sample_weight, X: np.ndarray) -> np.ndarray:
    """Return per-sample weights as an array of ``X``'s dtype.

    ``None`` means every sample counts once. Weights must be finite, non-negative,
    one per row of ``X``, and not all zero.
    """
    n_samples = X.shape[0]
    if sample_weight is None:
        return np.ones(n_samples, dtype=X.dtype)
    weights = np.asarray(sample_weight, dtype=X.dtype)
    if weights.ndim == 0:
        return np.full(n_samples, weights, dtype=X.dtype)
    if weights.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {weights.shape}, expected {(n_samples,)}: "
            f"X has {n_samples} samples; pass one weight per row of X."
        )
    rule = "Every weight must be finite and non-negative."
    if not np.all(np.isfinite(weights)):
        what = "NaN" if np.isnan(weights).any() else "infinity"
        raise ValueError(f"Input sample_weight contains {what}. {rule}")
    if np.any(weights < 0):
        raise ValueError(f"Negative values in data passed to sample_weight. {rule}")
    if not np.any(weights > 0):
        raise ValueError(
            "Sample weights must contain at least one non-zero number: sample_weight is "
            "zero everywhere, and at least one sample must count."
        )
    return weights


def check_in_range(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
    low_inclusive: bool = True,
) -> None:
    """Raise a ValueError unless ``value`` is a finite number in ``[low, high]``.

    NaN and infinity are refused whatever the bounds: every comparison with
    NaN is False, so a NaN would otherwise slip through the range test, and no
    parameter here means anything at infinity (use None for "no limit").

    Parameters
    ----------
    value : object
        The parameter as the user set it.
    name : str
        The parameter's name, used in the message.
    low, high : float or None
        Bounds; None means unbounded on that side. ``high`` is inclusive.
    integer : bool, default=False
        Require a whole number (bools are refused either way).
    low_inclusive : bool, default=True
        Whether ``value == low`` is allowed (False for "strictly positive").
    """
    kind = Integral if integer else Real
    if isinstance(value, bool) or not isinstance(value, kind):
        wanted = "an integer" if integer else "a number"
        raise ValueError(f"{name} must be {wanted}, got {value!r}.")
    if not isinstance(value, Integral) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    too_low = low is not None and (value < low if low_inclusive else value <= low)
    too_high = high is not None and value > high
    if too_low or too_high:
        left = "[" if low_inclusive else "("
        bounds = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        raise ValueError(f"{name} must be in {bounds}, got {value!r}.")


def check_one_of(value, name: str, options) -> None:
    """Raise a ValueError unless ``value`` is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        choices = ", ".join(repr(option) for option in options)
        raise ValueError(f"{name} must be one of {choices}; got {value!r}.")


# ---------------------------------------------------------------------------
# k-means: the functions' inputs, the estimator's parameters, its messages
# ---------------------------------------------------------------------------

INIT_METHODS = ("k-means++", "random")


def check_points(X) -> np.ndarray:
    """Validate data given to a k-means function: a finite 2-D float array, C order."""
    try:
        return check_array(X, dtype=[np.float64, np.float32], order="C")
    except ValueError as error:
        raise ValueError(with_advice(str(error))) from None


def check_cluster_count(n_clusters, n_samples: int) -> None:
    """n_clusters must be a whole number from 1 to the number of samples."""
    check_in_range(n_clusters, "n_clusters", low=1, integer=True)
    if n_clusters > n_samples:
        raise ValueError(
            f"n_samples={n_samples} should be >= n_clusters={n_clusters}: "
            f"ask for at most {n_samples} clusters, or pass more data."
        )


def check_kmeans_data(X, n_clusters, sample_weight) -> tuple[np.ndarray, np.ndarray]:
    """The checked points and weights of a k-means function, ``n_clusters`` checked against them."""
    X = check_points(X)
    check_cluster_count(n_clusters, X.shape[0])
    return X, check_sample_weight(sample_weight, X)


def check_centers(centers, X: np.ndarray, n_clusters: int) -> np.ndarray:
    """Validate starting centres: finite, shape (n_clusters, n_features), X's dtype (a copy)."""
    centers = np.asarray(centers)
    for axis, (what, expected) in enumerate(
        [("number of clusters", n_clusters), ("number of features of the data", X.shape[1])]
    ):
        if centers.ndim != 2 or centers.shape[axis] != expected:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not match the {what} "
                f"{expected}: give one starting centre per cluster, one value per feature, "
                f"shape {(n_clusters, X.shape[1])}."
            )
    return check_array(centers, dtype=X.dtype, order="C", copy=True, input_name="init")


def check_init(init, X: np.ndarray, n_clusters: int):
    """An init method's name, checked; or starting centres, checked (see :func:`check_centers`)."""
    if isinstance(init, str):
        check_one_of(init, "init", INIT_METHODS)
        return init
    return check_centers(init, X, n_clusters)


def check_lloyd_params(max_iter, tol, n_init=1) -> None:
    """The run parameters of Lloyd's algorithm: whole numbers of runs and iterations, tol >= 0."""
    check_in_range(n_init, "n_init", low=1, integer=True)
    check_in_range(max_iter, "max_iter", low=1, integer=True)
    check_in_range(tol, "tol", low=0)


def check_kmeans_params(n_clusters, init, n_init) -> None:
    """KMeans' own parameters, before any data is looked at.

    The run parameters are checked with the data, by :func:`check_lloyd_params`.
    """
    check_in_range(n_clusters, "n_clusters", low=1, integer=True)
    if callable(init) or (isinstance(init, str) and init not in INIT_METHODS):
        raise ValueError(
            f"init must be 'k-means++', 'random' or an array of starting centres of shape "
            f"(n_clusters, n_features); got {init!r}."
        )
    if n_init != "auto":
        check_in_range(n_init, "n_init", low=1, integer=True)


def resolve_n_init(init, n_init) -> int:
    """The number of runs KMeans makes, by scikit-learn's rules.

    "auto" is 10 runs for "random" and 1 for "k-means++"; an array of
    starting centres is a single start, so it gets one run whatever
    ``n_init`` says (with a warning when it said more).
    """
    if not isinstance(init, str):
        if n_init not in ("auto", 1):
            warnings.warn(
                f"Explicit initial center position passed: performing only one init in "
                f"KMeans instead of n_init={n_init}. An array is a single start: "
                "leave n_init at 'auto' or 1.",
                RuntimeWarning,
                stacklevel=3,
            )
        return 1
    if n_init == "auto":
        return 10 if init == "random" else 1
    return int(n_init)


def check_finite_inertia(value: float) -> None:
    """Refuse a fit whose inertia overflowed float64 (data far too large even once scaled)."""
    if not np.isfinite(value):
        raise ValueError(
            "The inertia (sum of squared distances) exceeds the largest float64: "
            "scale the data down (divide X by a large power of ten) and fit again."
        )


def warn_if_fewer_clusters(labels: np.ndarray, n_clusters: int) -> None:
    """Warn, in scikit-learn's words and then ours, when fewer clusters than asked are used."""
    found = np.unique(labels).size
    if found < n_clusters:
        warnings.warn(
            f"Number of distinct clusters ({found}) found smaller than n_clusters "
            f"({n_clusters}). Possibly due to duplicate points in X: ask for at "
            f"most {found} clusters.",
            ConvergenceWarning,
            stacklevel=3,
        )
