"""scikit-learn's own test suites, run against our estimators.

The suites are not copied here: ``tests/test_sklearn_suites.py`` runs each one
from the installed scikit-learn, in a pytest subprocess that loads
:mod:`sklearn_suites.plugin`. The plugin puts our estimators where the suites
import scikit-learn's from, and leaves out the tests listed in the deselect
modules, one per suite:

* ``dbscan_deselect.py``, ``mixture_deselect.py``, ``silhouette_deselect.py``
  and ``kmeans_deselect.py``, each defining ``DESELECT``: a dict from a test's
  name (``test_x`` for every parametrisation, or ``test_x[params]`` for one) to
  a one-line reason, nearly always a feature we deliberately do not offer;
  ``*`` in a key stands for any text (``test_*[*sparse*]``).

A listed name that matches no test makes the run fail, so the lists cannot go
stale silently.
"""

# Each suite's module, and the module holding its deselect list. (Importing
# this package changes nothing; only the plugin puts our estimators in place.)
SUITES = {
    "sklearn.cluster.tests.test_dbscan": "sklearn_suites.dbscan_deselect",
    "sklearn.cluster.tests.test_k_means": "sklearn_suites.kmeans_deselect",
    "sklearn.mixture.tests.test_gaussian_mixture": "sklearn_suites.mixture_deselect",
    "sklearn.metrics.cluster.tests.test_unsupervised": "sklearn_suites.silhouette_deselect",
}
