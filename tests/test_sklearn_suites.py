"""scikit-learn's own test suites for DBSCAN, k-means, Gaussian mixtures and the
silhouette, run from the installed scikit-learn against our estimators.

Each suite runs in a pytest subprocess that loads ``sklearn_suites.plugin``
(see ``tests/sklearn_suites``): our estimators replace scikit-learn's before
the suite is imported, and the tests of features we deliberately lack are
deselected by an explicit list, each with its reason. Nothing of the suites is
copied into this repository. float32 variants run too
(``SKLEARN_RUN_FLOAT32_TESTS``), so that no test passes by being skipped.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sklearn

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SITE_PACKAGES = Path(sklearn.__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))

from sklearn_suites import SUITES  # noqa: E402  (the package only; the plugin patches)

# One suite takes a few seconds here; the limit only stops a hung run.
TIMEOUT_SECONDS = 300


def run_suite(suite: str, workdir: Path) -> subprocess.CompletedProcess:
    """Run one of scikit-learn's test modules under our plugin, from an empty directory.

    An empty ``pytest.ini`` there keeps this project's pytest settings out;
    ``--confcutdir`` lets scikit-learn's own conftest (its fixtures, such as
    ``global_random_seed``) take part.
    """
    (workdir / "pytest.ini").write_text("[pytest]\n")
    command = [
        sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
        "-p", "no:randomly", "-p", "sklearn_suites.plugin",
        "-c", str(workdir / "pytest.ini"), f"--confcutdir={SITE_PACKAGES}",
        "--pyargs", suite,
    ]  # fmt: skip
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)]),
        "SKLEARN_RUN_FLOAT32_TESTS": "1",
    }
    return subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
    )


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_sklearn_suite_passes_on_our_estimators(suite, tmp_path):
    done = run_suite(suite, tmp_path)
    report = done.stdout[-6000:] + done.stderr[-3000:]
    assert done.returncode == 0, report
    assert " passed" in done.stdout and " failed" not in done.stdout, report
    assert " skipped" not in done.stdout, "a test skipped: deselect it with a reason\n" + report


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_every_deselected_test_has_a_one_line_reason(suite):
    try:
        listed = importlib.import_module(SUITES[suite]).DESELECT
    except ModuleNotFoundError:
        pytest.fail(f"{SUITES[suite]} is missing: every suite needs its deselect list")
    for name, reason in listed.items():
        assert name.startswith("test_"), name
        assert isinstance(reason, str) and reason.strip() and "\n" not in reason, name


def test_the_plugin_puts_our_estimators_in_sklearns_place(monkeypatch):
    import sklearn.cluster
    import sklearn.metrics
    import sklearn.mixture
    from sklearn_suites import plugin

    import clustering

    plugin.install(setattr=monkeypatch.setattr)  # undone when this test ends
    assert sklearn.cluster.DBSCAN is clustering.DBSCAN
    assert sklearn.cluster.KMeans is clustering.KMeans
    assert sklearn.mixture.GaussianMixture is clustering.GaussianMixture
    assert sklearn.metrics.silhouette_score is clustering.silhouette_score
    _, labels = sklearn.cluster.dbscan([[0.0], [1.0], [5.0]], eps=1.5, min_samples=2)
    assert labels.tolist() == [0, 0, -1]


def test_a_deselect_key_is_a_name_an_id_or_a_star_pattern():
    from sklearn_suites.plugin import listed_as

    listed = {"test_a": "", "test_b[x-1]": "", "test_*[*sparse*]": ""}
    assert listed_as("test_a[p]", listed) == ["test_a"]
    assert listed_as("test_b[x-1]", listed) == ["test_b[x-1]"]
    assert listed_as("test_b[x-2]", listed) == []
    assert listed_as("test_c[csr-sparse_matrix]", listed) == ["test_*[*sparse*]"]
    assert listed_as("test_b[sparse]", {**listed, "test_b": ""}) == ["test_*[*sparse*]", "test_b"]
    assert listed_as("test_c[dense]", listed) == []
    assert listed_as("test_ab", {"test_a[b]": ""}) == []  # brackets are not a character class
