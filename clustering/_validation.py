"""Input checks shared by every estimator in :mod:`clustering`.

Bad input should fail early, with a ``ValueError`` that says what is wrong and
what to change, rather than a NumPy traceback from deep inside an algorithm or,
worse, a silent wrong answer. The array checks delegate to scikit-learn's
``validate_data`` so that our estimators raise the same errors (and keep
``n_features_in_`` the same way) as scikit-learn's own; the parameter checks
are ours.

Every message starts with scikit-learn's key phrase for the same problem (so
that code and searches written for scikit-learn still match) and then says
what to do. A bad parameter raises :class:`InvalidParameterError`, a
``ValueError``; for the parameters of KMeans, DBSCAN, GaussianMixture and the
k-means functions (``owner`` below) it opens with scikit-learn's own sentence,
"The 'n_clusters' parameter of KMeans must be an int in the range [1, inf).
Got 0 instead." (``tests/test_library_messages.py`` compares them with the
installed scikit-learn's). The second half of the module serves :mod:`clustering.kmeans`:
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
    "InvalidParameterError",
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
    "check_run_inputs",
    "check_sample_weight",
    "check_weights_and_init",
    "parameter_error",
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


class InvalidParameterError(ValueError, TypeError):
    """A parameter of the wrong type or outside its range.

    Both a ``ValueError`` and a ``TypeError``, as scikit-learn's error of the
    same name, so that code catching either keeps working.
    """


def parameter_error(name: str, owner: str, constraint: str, value, hint: str):
    """The error for a bad parameter: scikit-learn's sentence, then what to do.

    scikit-learn says "The 'n_clusters' parameter of KMeans must be an int in
    the range [1, inf). Got 0 instead."; we say the same, then ``hint``.
    """
    return InvalidParameterError(
        f"The {name!r} parameter of {owner} must be {constraint}. Got {value!r} instead. {hint}"
    )


def check_in_range(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
    low_inclusive: bool = True,
    owner: str | None = None,
) -> None:
    """Raise an :class:`InvalidParameterError` unless ``value`` is a finite number in range.

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
    owner : str or None, default=None
        The estimator or function the parameter belongs to. Given, the
        message is scikit-learn's for the same parameter (see
        :func:`parameter_error`); None, for parameters scikit-learn does not
        have, a shorter "name must be in [low, high]".
    """
    kind = Integral if integer else Real
    if isinstance(value, bool) or not isinstance(value, kind):
        problem = f"{name} must be {'an integer' if integer else 'a number'}, got {value!r}."
    elif not isinstance(value, Integral) and not math.isfinite(value):
        problem = f"{name} must be a finite number, got {value!r}."
    elif (low is not None and (value < low if low_inclusive else value <= low)) or (
        high is not None and value > high
    ):
        left = "[" if low_inclusive else "("
        bounds = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        problem = f"{name} must be in {bounds}, got {value!r}."
    else:
        return
    if owner is None:
        raise InvalidParameterError(problem)
    raise _range_error(value, name, owner, low, high, integer, low_inclusive)


def _range_error(value, name, owner, low, high, integer, low_inclusive):
    """:func:`check_in_range`'s error in scikit-learn's words, then a hint."""
    as_text = int if integer else float
    left = ("[" if low_inclusive else "(") + ("-inf" if low is None else str(as_text(low)))
    right = "inf)" if high is None else f"{as_text(high)}]"
    constraint = f"{'an int' if integer else 'a float'} in the range {left}, {right}"
    if low is None:
        span = "" if high is None else f" of at most {high}"
    elif high is not None:
        span = f" from {low} to {high}"
    else:
        span = f" of at least {low}" if low_inclusive else f" greater than {low}"
    hint = f"Set {name} to a {'whole' if integer else 'finite'} number{span}."
    return parameter_error(name, owner, constraint, value, hint)


def check_one_of(value, name: str, options, *, owner: str | None = None) -> None:
    """Raise an :class:`InvalidParameterError` unless ``value`` is one of ``options``.

    With ``owner``, the message is scikit-learn's (see :func:`parameter_error`).
    """
    if isinstance(value, str) and value in options:
        return
    choices = ", ".join(repr(option) for option in options)
    if owner is None:
        raise InvalidParameterError(f"{name} must be one of {choices}; got {value!r}.")
    hint = f"Choose one of {choices}."
    raise parameter_error(name, owner, f"a str among {{{choices}}}", value, hint)


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


def check_cluster_count(n_clusters, n_samples: int, owner: str) -> None:
    """n_clusters must be a whole number from 1 to the number of samples."""
    check_in_range(n_clusters, "n_clusters", low=1, integer=True, owner=owner)
    if n_clusters > n_samples:
        raise ValueError(
            f"n_samples={n_samples} should be >= n_clusters={n_clusters}. "
            f"Ask for at most {n_samples} clusters, or pass more data."
        )


def check_kmeans_data(X, n_clusters, sample_weight, owner: str) -> tuple[np.ndarray, np.ndarray]:
    """The checked points and weights of a k-means function, ``n_clusters`` checked against them.

    ``owner`` is the function's name, which messages about its parameters give.
    """
    X = check_points(X)
    check_cluster_count(n_clusters, X.shape[0], owner)
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
                f"{expected}. Give one starting centre per cluster, one value per feature: "
                f"shape {(n_clusters, X.shape[1])}."
            )
    return check_array(centers, dtype=X.dtype, order="C", copy=True, input_name="init")


def check_init(init, X: np.ndarray, n_clusters: int, owner: str):
    """An init method's name, checked; or starting centres, checked (see :func:`check_centers`)."""
    if isinstance(init, str):
        check_one_of(init, "init", INIT_METHODS, owner=owner)
        return init
    return check_centers(init, X, n_clusters)


def check_lloyd_params(max_iter, tol, owner: str, n_init=1) -> None:
    """The run parameters of Lloyd's algorithm: whole numbers of runs and iterations, tol >= 0."""
    check_in_range(n_init, "n_init", low=1, integer=True, owner=owner)
    check_in_range(max_iter, "max_iter", low=1, integer=True, owner=owner)
    check_in_range(tol, "tol", low=0, owner=owner)


def check_weights_and_init(X: np.ndarray, n_clusters, init, sample_weight, owner: str):
    """For data ``X`` already checked: ``n_clusters`` against its rows; the checked
    weights and init (see :func:`check_init`)."""
    check_cluster_count(n_clusters, X.shape[0], owner)
    return check_sample_weight(sample_weight, X), check_init(init, X, n_clusters, owner)


def check_run_inputs(X, n_clusters, init, sample_weight, owner: str, *, max_iter, tol, n_init=1):
    """Everything given to a k-means function that runs Lloyd's loop (``owner``):
    returns the checked data, weights and init."""
    X = check_points(X)
    weights, init = check_weights_and_init(X, n_clusters, init, sample_weight, owner)
    check_lloyd_params(max_iter, tol, owner, n_init)
    return X, weights, init


def check_kmeans_params(kmeans) -> None:
    """A :class:`~clustering.kmeans.KMeans`' parameters, before any data is looked at."""
    check_in_range(kmeans.n_clusters, "n_clusters", low=1, integer=True, owner="KMeans")
    init = kmeans.init
    if callable(init) or (isinstance(init, str) and init not in INIT_METHODS):
        constraint = "a str among {'k-means++', 'random'} or an array-like"
        hint = "Pass 'k-means++', 'random' or starting centres of shape (n_clusters, n_features)."
        raise parameter_error("init", "KMeans", constraint, init, hint)
    n_init = kmeans.n_init
    if n_init != "auto":
        try:
            check_in_range(n_init, "n_init", low=1, integer=True, owner="KMeans")
        except InvalidParameterError:
            constraint = "a str among {'auto'} or an int in the range [1, inf)"
            hint = "Leave n_init at 'auto' or set it to a whole number of runs, at least 1."
            raise parameter_error("n_init", "KMeans", constraint, n_init, hint) from None
    check_lloyd_params(kmeans.max_iter, kmeans.tol, "KMeans")


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
                "leave n_init at 'auto' or set it to 1.",
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
            f"({n_clusters}). Possibly due to duplicate points in X. Ask for at "
            f"most {found} clusters.",
            ConvergenceWarning,
            stacklevel=3,
        )
