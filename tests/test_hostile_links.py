"""Tampered links: every query value is checked before it reaches a widget, and shown as text.

A shared link is typed by whoever shares it. Whatever it holds, the page must
open (no traceback), fall back to the widget's default, drop the bad value
from the link and say so; text from the link is never rendered as Markdown.
"""

import re

import pytest
from limits import URL_VALUE_MAX_CHARS
from safe_text import escape_markdown
from state import link_value_problem
from streamlit.testing.v1 import AppTest

# Every number input bound to the link: (page, key, default).
SEED_INPUTS = [
    ("views/kmeans_voronoi.py", "vor_seed", 42),
    ("views/kmeans_steps.py", "steps_seed", 42),
    ("views/dbscan.py", "db_seed", 42),
    ("views/mixtures.py", "gm_seed", 42),
    ("views/segmentation.py", "seg_seed", 42),
    ("views/segmentation.py", "seg_n_init", 10),
    ("views/semi_supervised.py", "semi_seed", 42),
]
HOSTILE = (
    "[click here](http://example.com/x) ![b](http://example.com/x.png) <b>bold</b> "
    "www.example.org a@example.com"
)


def opened(app_at, page: str, params: dict) -> AppTest:
    app = app_at(page)
    app.query_params = params
    return app.run()


def toasts(app: AppTest) -> list[str]:
    return [toast.value for toast in app.toast]


def assert_no_live_markup(markdown: str) -> None:
    """Markdown shown to a user holds no live link, image, HTML tag or bare address.

    Markup needs an unescaped bracket or angle; a bare address becomes a link
    once escapes are resolved, so it is looked for in the resolved text.
    """
    unescaped = re.sub(r"\\.", "", markdown)
    assert "[" not in unescaped and "<" not in unescaped, markdown
    resolved = re.sub(r"\\(.)", r"\1", markdown)
    assert not re.search(r"(?i)https?://|www\.|\w@\w", resolved), resolved


def assert_reset_with_notice(app: AppTest, key: str, default: int) -> None:
    assert not app.exception
    assert app.number_input(key=key).value == default
    assert key not in app.query_params  # removed from the link
    assert app.query_params["unrelated"] == "kept"
    assert any(key in toast and "ignored" in toast for toast in toasts(app))


@pytest.mark.parametrize(("page", "key", "default"), SEED_INPUTS)
@pytest.mark.parametrize("value", ["inf", "-inf"])
def test_infinity_in_the_link_gives_the_default_and_a_notice(app_at, page, key, default, value):
    # Before: OverflowError inside st.number_input, a traceback page.
    app = opened(app_at, page, {key: value, "unrelated": "kept"})
    assert_reset_with_notice(app, key, default)


@pytest.mark.parametrize("value", ["1e400", "nan", "abc", "3.5", "99999999999", "-1"])
def test_any_bad_number_in_the_link_gives_the_default_and_a_notice(app_at, value):
    app = opened(app_at, "views/kmeans_voronoi.py", {"vor_seed": value, "unrelated": "kept"})
    assert_reset_with_notice(app, "vor_seed", 42)


def test_after_a_bad_link_the_widget_is_bound_again(app_at):
    app = opened(app_at, "views/kmeans_voronoi.py", {"vor_seed": "inf"})
    app.number_input(key="vor_seed").set_value(7).run()
    assert not app.exception and not app.toast
    assert app.number_input(key="vor_seed").value == 7


def test_a_good_link_value_is_used_without_a_notice(app_at):
    app = opened(app_at, "views/kmeans_voronoi.py", {"vor_seed": "7"})
    assert app.number_input(key="vor_seed").value == 7
    assert not app.toast


def test_the_notice_shows_the_link_value_as_text(app_at):
    app = opened(app_at, "views/kmeans_voronoi.py", {"vor_seed": HOSTILE})
    assert not app.exception
    (notice,) = toasts(app)
    assert escape_markdown("[click here](http") in notice
    assert_no_live_markup(notice)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e300,0", "too far away"),
        ("1e308,1e308;-1e308,-1e308", "too far away"),
        ("inf, 0", "finite numbers"),
        (HOSTILE, "is not 2 numbers"),
    ],
)
def test_bad_new_points_in_the_link_get_a_message_not_a_traceback(app_at, text, message):
    app = opened(app_at, "views/dbscan.py", {"db_new": text})
    assert not app.exception
    (error,) = [error.value for error in app.error]
    assert message in error
    assert_no_live_markup(error)
    assert app.text_input(key="db_new").value == text  # kept, so it can be corrected
    assert app.metric  # the rest of the page is there


def test_an_over_long_link_value_is_dropped(app_at):
    text = "0, 0; " * (URL_VALUE_MAX_CHARS // 5)
    app = opened(app_at, "views/dbscan.py", {"db_new": text})
    assert not app.exception
    assert "db_new" not in app.query_params
    assert any("characters long" in toast for toast in toasts(app))


def test_bad_labels_in_the_link_are_shown_as_text(app_at):
    app = opened(app_at, "views/semi_supervised.py", {"semi_labels": "[x](y)" + "." * 44})
    assert not app.exception
    (warning,) = [warning.value for warning in app.warning]
    assert "ignored" in warning
    assert_no_live_markup(warning)


@pytest.mark.parametrize(
    ("value", "within", "among", "problem"),
    [
        ("5", (1, 10), None, None),
        ("0.25", (0.0, 1.0), None, None),
        ("moons", None, ["moons", "blobs"], None),
        ("x" * (URL_VALUE_MAX_CHARS + 1), None, None, "characters long"),
        ("inf", None, None, "not a finite number"),
        ("-1e20", None, None, "not a finite number"),
        ("NaN", (0.0, 1.0), None, "not a finite number"),
        ("11", (1, 10), None, "outside 1 to 10"),
        ("2.5", (1, 10), None, "whole number"),
        ("two", (1, 10), None, "whole number"),
        ("squares", None, ["moons", "blobs"], "not one of the choices"),
    ],
)
def test_link_value_problem(value, within, among, problem):
    found = link_value_problem(value, within, among)
    if problem is None:
        assert found is None
    else:
        assert problem in found

