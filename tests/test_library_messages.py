"""Our errors and warnings carry scikit-learn's key phrase, then a hint of ours.

Each row of the table is one bad use of an estimator. It is run against the
installed scikit-learn and against ``clustering``: both must fail (or warn)
with the same kind of exception (or warning), and our message must contain
scikit-learn's, so that code and searches written for scikit-learn still
match. Where we deliberately accept less (no callable ``init``), or where
scikit-learn's sentence ends in a "!", the row cuts scikit-learn's message
at that point: what comes before is the key phrase.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import sklearn.cluster
import sklearn.mixture

import clustering
from clustering._validation import InvalidParameterError

X = np.random.default_rng(0).uniform(size=(100, 2))
TWO_POINTS_REPEATED = np.array([[0.0, 0.0], [1.0, 1.0]] * 5)

LIBRARIES = {
    "sklearn": {
        "KMeans": sklearn.cluster.KMeans,
        "DBSCAN": sklearn.cluster.DBSCAN,
        "GaussianMixture": sklearn.mixture.GaussianMixture,
    },
    "ours": {
        "KMeans": clustering.KMeans,
        "DBSCAN": clustering.DBSCAN,
        "GaussianMixture": clustering.GaussianMixture,
    },
}


def fit(**params):
    return lambda Estimator: Estimator(**params).fit(X)


# (id, estimator, bad use, where scikit-learn's key phrase ends or None for all of it)
ERRORS = [
    ("n_clusters=0", "KMeans", fit(n_clusters=0), None),
    ("n_clusters=2.5", "KMeans", fit(n_clusters=2.5), None),
    ("n_clusters>n_samples", "KMeans", fit(n_clusters=101), None),
    ("init unknown", "KMeans", fit(init="foo"), ", a callable"),
    ("n_init=0", "KMeans", fit(n_init=0), None),
    ("n_init text", "KMeans", fit(n_init="many"), None),
    ("max_iter=0", "KMeans", fit(max_iter=0), None),
    ("tol<0", "KMeans", fit(tol=-1), None),
    ("tol=nan", "KMeans", fit(tol=np.nan), None),
    ("init rows", "KMeans", fit(n_clusters=2, init=np.zeros((3, 2))), None),
    ("init columns", "KMeans", fit(n_clusters=2, init=np.zeros((2, 3))), None),
    ("X with NaN", "KMeans", lambda E: E(2).fit(np.where(X > 0.99, np.nan, X)), None),
    ("X empty", "KMeans", lambda E: E(2).fit(np.empty((0, 2))), None),
    ("X 1-D", "KMeans", lambda E: E(2).fit(X[:, 0]), "Reshape"),
    ("weights shape", "KMeans", lambda E: E(2).fit(X, sample_weight=np.ones(3)), "!"),
    ("new features", "KMeans", lambda E: E(2).fit(X).predict(np.zeros((2, 3))), None),
    ("eps=0", "DBSCAN", fit(eps=0), None),
    ("eps<0", "DBSCAN", fit(eps=-1), None),
    ("eps=inf", "DBSCAN", fit(eps=np.inf), None),
    ("min_samples=0", "DBSCAN", fit(min_samples=0), None),
    ("min_samples=1.5", "DBSCAN", fit(min_samples=1.5), None),
    ("n_components=0", "GaussianMixture", fit(n_components=0), None),
    ("covariance_type", "GaussianMixture", fit(covariance_type="ful"), None),
    ("gmm tol<0", "GaussianMixture", fit(tol=-1), None),
    ("reg_covar<0", "GaussianMixture", fit(reg_covar=-1), None),
    ("gmm max_iter<0", "GaussianMixture", fit(max_iter=-1), None),
    ("gmm n_init=0", "GaussianMixture", fit(n_init=0), None),
    ("init_params", "GaussianMixture", fit(init_params="x"), None),
    ("components>samples", "GaussianMixture", fit(n_components=101), None),
    ("gmm new features", "GaussianMixture", lambda E: E(2).fit(X).predict(X[:, :1]), None),
]

WARNINGS = [
    ("fewer clusters", "KMeans", lambda E: E(4, n_init=1).fit(TWO_POINTS_REPEATED), None),
    ("array init n_init", "KMeans", fit(n_clusters=2, init=X[:2], n_init=3), None),
    ("did not converge", "GaussianMixture", fit(n_components=3, max_iter=1), None),
]


def with_sorted_sets(message: str) -> str:
    """``{'b', 'a'}`` -> ``{'a', 'b'}``: scikit-learn prints sets in hash order."""
    return re.sub(
        r"\{([^{}]*)\}",
        lambda found: "{" + ", ".join(sorted(found.group(1).split(", "))) + "}",
        message,
    )


def key_phrase(message: str, cut: str | None) -> str:
    return with_sorted_sets(message if cut is None else message.split(cut)[0]).strip()


def raised(library: str, estimator: str, use) -> BaseException:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as caught:
            use(LIBRARIES[library][estimator])
    return caught.value


def warned(library: str, estimator: str, use) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        use(LIBRARIES[library][estimator])
    return [w for w in caught if not issubclass(w.category, DeprecationWarning)]


@pytest.mark.parametrize(
    ("estimator", "use", "cut"), [row[1:] for row in ERRORS], ids=[row[0] for row in ERRORS]
)
def test_error_starts_with_sklearns_key_phrase(estimator, use, cut):
    theirs, ours = raised("sklearn", estimator, use), raised("ours", estimator, use)
    phrase = key_phrase(str(theirs), cut)
    assert len(phrase) > 15  # a sentence, not an empty cut
    assert phrase in with_sorted_sets(str(ours))
    assert isinstance(ours, ValueError)
    if type(theirs).__name__ == "InvalidParameterError":
        assert isinstance(ours, InvalidParameterError)
        assert isinstance(ours, TypeError)  # as scikit-learn's, both kinds
        assert len(str(ours)) > len(phrase) + 10  # then our hint


@pytest.mark.parametrize(
    ("estimator", "use", "cut"), [row[1:] for row in WARNINGS], ids=[row[0] for row in WARNINGS]
)
def test_warning_carries_sklearns_key_phrase(estimator, use, cut):
    theirs = warned("sklearn", estimator, use)
    assert len(theirs) == 1
    phrase = key_phrase(str(theirs[0].message), cut)
    ours = [w for w in warned("ours", estimator, use) if w.category is theirs[0].category]
    assert [phrase in str(w.message) for w in ours] == [True]
