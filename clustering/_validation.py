"""Input checks shared by every estimator in :mod:`clustering`.

Bad input should fail early, with a ``ValueError`` that says what is wrong and
what to change, rather than a NumPy traceback from deep inside an algorithm or,
worse, a silent wrong answer. The array checks delegate to scikit-learn's
``validate_data`` so that our estimators raise the same errors (and keep
``n_features_in_`` the same way) as scikit-learn's own; the parameter checks
are ours.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_array, check_random_state
from sklearn.utils.validation import validate_data

__all__ = [
    "check_data",
    "check_in_range",
    "check_one_of",
    "check_random_state",
    "check_sample_weight",
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
            f"sample_weight has shape {weights.shape}, but X has {n_samples} samples: "
            "pass one weight per row of X."
        )
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError("sample_weight must be finite and non-negative.")
    if not np.any(weights > 0):
        raise ValueError("sample_weight is zero everywhere: at least one sample must count.")
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
# Checks for the k-means functions (estimators use check_data)
# ---------------------------------------------------------------------------


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
