"""A pytest plugin: run scikit-learn's test suites with our estimators in its place.

Loaded with ``-p sklearn_suites.plugin``, it replaces scikit-learn's public
names with ours (:data:`OURS`) in ``pytest_configure``, before pytest imports
any test module, so that a suite's ``from sklearn.cluster import DBSCAN`` gets
our DBSCAN. Importing this module changes nothing by itself. Then
:func:`pytest_collection_modifyitems` leaves out the tests each suite's
deselect list names (see the package's docstring).
"""

from __future__ import annotations

import importlib
import re

import pytest
import sklearn.cluster
import sklearn.metrics
import sklearn.metrics.cluster
import sklearn.mixture

import clustering
from sklearn_suites import SUITES


def dbscan(X, eps: float = 0.5, *, min_samples: int = 5):
    """scikit-learn's function form of DBSCAN, on our estimator.

    Returns the core sample indices and the labels. Parameters we do not
    offer (``metric``, ``algorithm``, ``sample_weight`` ...) are a TypeError.
    """
    model = clustering.DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    return model.core_sample_indices_, model.labels_


# (module, name) -> our object
OURS = {
    (sklearn.cluster, "DBSCAN"): clustering.DBSCAN,
    (sklearn.cluster, "dbscan"): dbscan,
    (sklearn.cluster, "KMeans"): clustering.KMeans,
    (sklearn.mixture, "GaussianMixture"): clustering.GaussianMixture,
    (sklearn.metrics, "silhouette_score"): clustering.silhouette_score,
    (sklearn.metrics, "silhouette_samples"): clustering.silhouette_samples,
    (sklearn.metrics.cluster, "silhouette_score"): clustering.silhouette_score,
    (sklearn.metrics.cluster, "silhouette_samples"): clustering.silhouette_samples,
}



def install(setattr=setattr) -> None:
    """Put our objects in scikit-learn's place (``setattr`` can be monkeypatch's)."""
    for (module, name), ours in OURS.items():
        setattr(module, name, ours)


def pytest_configure(config):
    """Runs before any test module is imported: the suites then import ours."""
    install()


def deselect_list(suite: str) -> dict[str, str]:
    """The suite's ``DESELECT`` dict; empty if its module does not exist yet."""
    try:
        return importlib.import_module(SUITES[suite]).DESELECT
    except ModuleNotFoundError as error:
        if error.name != SUITES[suite]:
            raise
        return {}


def listed_as(test_id: str, listed: dict[str, str]) -> list[str]:
    """The keys of ``listed`` that cover ``test_id`` (``name[parameters]``); empty: it runs.

    A key is a test's name (all its cases), a case's whole id, or a pattern
    over either in which ``*`` stands for any text; every other character,
    brackets included, stands for itself.
    """
    name = test_id.split("[", 1)[0]
    patterns = {key: re.escape(key).replace(r"\*", ".*") for key in listed}
    return [
        key
        for key, pattern in patterns.items()
        if re.fullmatch(pattern, test_id) or re.fullmatch(pattern, name)
    ]


def pytest_collection_modifyitems(config, items):
    """Drop the listed tests; fail the run if a listed name matches nothing."""
    modules = {item.module.__name__ for item in items}
    lists = {suite: deselect_list(suite) for suite in modules & SUITES.keys()}
    used: set[tuple[str, str]] = set()
    kept, dropped = [], []
    for item in items:
        suite = item.module.__name__
        keys = listed_as(item.name, lists.get(suite, {}))
        if keys:
            used.update((suite, key) for key in keys)
            dropped.append(item)
        else:
            kept.append(item)
    stale = [(suite, name) for suite, names in lists.items() for name in names]
    stale = [entry for entry in stale if entry not in used]
    if stale:
        raise pytest.UsageError(f"deselect entries that match no test: {stale}")
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept
