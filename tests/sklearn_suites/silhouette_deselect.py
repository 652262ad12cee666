"""Tests of scikit-learn's silhouette suite that do not apply to our estimators, and why."""

DESELECT: dict[str, str] = {}
