"""The Gaussian-mixtures page in a real browser: switching covariance type refits the model."""

import pytest

pytestmark = pytest.mark.e2e

COLUMNS = 7  # component, weight, mean x₁, mean x₂, var x₁, cov x₁x₂, var x₂


def parameter_table(app) -> list[list[float]]:
    """The parameters table as the browser has it (the grid's accessible cells)."""
    cells = app.page.get_by_test_id("stDataFrame").locator("table td").all_inner_texts()
    values = [float(cell) for cell in cells]
    return [values[i : i + COLUMNS] for i in range(0, len(values), COLUMNS)]


def test_switching_the_covariance_type_changes_the_parameters(app):
    app.open("mixtures")
    assert not app.has_exception()
    main = app.page.get_by_test_id("stMain")
    assert "chapter's settings" in main.inner_text()
    full = parameter_table(app)
    assert len(full) == 3
    assert sorted(round(row[1], 2) for row in full) == [0.21, 0.39, 0.40]  # the chapter's weights

    main.get_by_test_id("stRadio").get_by_text("spherical", exact=True).click()
    app.wait_idle()
    app.screenshot("mixtures-spherical")
    assert not app.has_exception()
    spherical = parameter_table(app)
    assert spherical != full
    for row in spherical:
        assert row[4] == row[6]  # one variance per component
        assert row[5] == 0.0  # no covariance between the features
    assert "gm_cov=spherical" in app.page.url
