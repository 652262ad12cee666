"""Labelling digits in a real browser: click a tile, type ten digits quickly, keep them."""

import pytest

pytestmark = pytest.mark.e2e

K = 50
FIRST = 3  # the tile clicked
DIGITS = "3141592653"  # repeated digits too: every key press must count
TITLE = "Semi-supervised labelling"


def tile_texts(app) -> list[str]:
    return [
        app.page.locator(f".st-key-semi_tile_{i} button").inner_text().strip() for i in range(K)
    ]


def expected_texts() -> list[str]:
    labels = ["?"] * K
    for offset, digit in enumerate(DIGITS):
        labels[FIRST + offset] = digit
    return [f"#{i} · {label}" for i, label in enumerate(labels)]


def progress_text(app) -> str:
    return app.page.get_by_test_id("stProgress").inner_text()


def assert_labels_shown(app) -> None:
    assert not app.has_exception()
    assert f"{len(DIGITS)}/{K} labelled" in progress_text(app)
    assert tile_texts(app) == expected_texts()


def test_click_a_digit_type_ten_labels_and_keep_them(app):
    app.open("semi_supervised")
    assert not app.has_exception()
    tile = app.page.locator(f".st-key-semi_tile_{FIRST} button")
    box = tile.bounding_box()
    tile.click(position={"x": box["width"] / 2, "y": box["height"] / 3})  # on the picture
    app.wait_idle()
    assert "stBaseButton-primary" == tile.get_attribute("data-testid")

    for digit in DIGITS:
        app.page.keyboard.press(digit)
        app.page.wait_for_timeout(150)
    app.wait_idle()
    app.screenshot("labelled")
    assert_labels_shown(app)
    labels_in_url = "." * FIRST + DIGITS + "." * (K - FIRST - len(DIGITS))
    assert f"semi_labels={labels_in_url}" in app.page.url

    app.go_to("Home")
    app.go_to(TITLE)
    assert_labels_shown(app)

    url = app.page.url
    app.page.goto(url)  # a fresh session: only the link remembers
    app.wait_idle()
    app.screenshot("reloaded")
    assert_labels_shown(app)
