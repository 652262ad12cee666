"""A tour of the chart pages: every change redraws charts in place, the console stays quiet."""

import re

import pytest

pytestmark = pytest.mark.e2e

# Console messages that are not about these pages, matched on the message's address.
UNRELATED = (
    # Opened at a page's own address, Streamlit first looks for its server under that path.
    re.compile(r"/_stcore/(health|host-config)$"),
)


def slider(label: str, key: str = "ArrowLeft"):
    def move(page) -> None:
        thumb = page.locator(f'input[type="range"][aria-label="{label}"]')
        thumb.focus()
        thumb.press(key)

    return move


def radio(option: str):
    def move(page) -> None:
        page.get_by_test_id("stMain").get_by_test_id("stRadio").get_by_text(
            option, exact=True
        ).click()

    return move


TOUR = [
    ("kmeans_voronoi", slider("Number of clusters k")),
    ("dbscan", slider("eps")),
    ("dbscan", slider("min_samples", "ArrowRight")),
    ("mixtures", radio("spherical")),
    ("mixtures", slider("Components k", "ArrowRight")),
    ("mixtures", slider("Anomalies: lowest-density percentile", "ArrowRight")),
    ("segmentation", slider("Number of colours k")),
]


def test_every_change_redraws_the_charts_in_place_and_logs_nothing(app):
    blank = {}
    for path, move in TOUR:
        if path not in app.page.url:
            app.open(path)
        app.watch_charts()
        move(app.page)
        app.wait_idle()
        watch = app.blank_chart_moments()
        if watch["blank"]:
            blank[f"{path}: {move.__qualname__}"] = watch
        assert not app.has_exception(), path
    assert blank == {}
    problems = [
        (kind, text, url)
        for kind, text, url in app.console
        if not any(pattern.search(url) for pattern in UNRELATED)
    ]
    assert problems == []
