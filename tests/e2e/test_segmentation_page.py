"""The image-segmentation page in Chromium: move k, upload a picture and a broken file."""

import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def segmented_src(app) -> str:
    """The address of the segmented picture (the second image on the page)."""
    images = app.page.get_by_test_id("stImage").locator("img")
    return images.nth(1).get_attribute("src")


def assert_palette_bars(app, count: int) -> None:
    """The palette chart shows ``count`` bars, once Plotly has drawn them (a resize of the tab
    for a screenshot makes the live charts redraw)."""
    bars = app.page.locator(".js-plotly-plot").first.locator("g.point")
    expect(bars).to_have_count(count, timeout=30_000)


def test_moving_k_from_8_to_4_changes_picture_and_palette(app):
    app.open("segmentation")
    assert not app.has_exception()
    assert_palette_bars(app, 8)
    before = segmented_src(app)
    slider = app.page.get_by_role("slider").first
    slider.focus()
    for _ in range(4):
        slider.press("ArrowLeft")
    app.wait_idle()
    app.screenshot("segmentation-k4")
    assert "Segmented into 4 colours" in app.page.get_by_test_id("stMain").inner_text()
    assert_palette_bars(app, 4)
    assert segmented_src(app) != before
    assert not app.has_exception()


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def upload(app, name: str, data: bytes) -> None:
    app.page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "image/png", "buffer": data}]
    )
    app.wait_idle()


def test_upload_a_picture_then_a_broken_file(app):
    app.open("segmentation", query="seg_picture=Upload")
    assert "Upload a picture" in app.page.get_by_test_id("stMain").inner_text()
    stripes = np.zeros((120, 180, 3), dtype=np.uint8)
    for row, colour in enumerate([(230, 60, 40), (40, 160, 70), (50, 90, 200), (240, 220, 60)]):
        stripes[row * 30 : (row + 1) * 30] = colour
    upload(app, "stripes.png", png(stripes))
    app.screenshot("segmentation-upload")
    assert app.page.get_by_test_id("stImage").count() == 2
    assert_palette_bars(app, 4)  # four colours only: k is lowered to 4
    assert "only 4 distinct colours" in app.page.get_by_test_id("stMain").inner_text()

    upload(app, "broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    app.screenshot("segmentation-broken")
    error = app.page.get_by_test_id("stAlertContentError")
    assert error.count() == 1
    assert "broken.png" in error.inner_text() and "not an image" in error.inner_text()
    assert not app.has_exception()
