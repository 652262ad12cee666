"""The mixtures page's fits, in a module that a worker process can import.

The page fits the mixture it shows itself, and sends the BIC/AIC curve (ten
more fits) to a worker process: a thread would hold Python's global lock
against the page's own reruns, and slow each of them down about twofold.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from clustering import CriterionCurve, GaussianMixture, criterion_curve

K_RANGE = range(1, 11)


def fit_quietly(
    X: np.ndarray, covariance_type: str, k: int, n_init: int, seed: int
) -> GaussianMixture:
    """The fitted mixture, without ConvergenceWarning: the page shows ``converged_``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return GaussianMixture(
            k, covariance_type=covariance_type, n_init=n_init, random_state=seed
        ).fit(X)


def criteria(X: np.ndarray, covariance_type: str, n_init: int, seed: int) -> CriterionCurve:
    """BIC and AIC of the mixtures for k = 1 … 10, each fitted as :func:`fit_quietly` does."""
    models = [fit_quietly(X, covariance_type, k, n_init, seed) for k in K_RANGE]
    return criterion_curve(models, X)
