"""The image-segmentation page in AppTest: widgets, uploads and what the page shows."""

import io

import numpy as np
import pytest
from chart_specs import live_chart
from PIL import Image

PAGE = "views/segmentation.py"


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def palette_bars(app) -> list:
    """The palette chart's bars, one per colour: their colours as drawn."""
    spec = live_chart(app, "seg_palette")
    return spec["data"][0]["marker"]["color"]


def images(app) -> list:
    return app.get("image")


@pytest.fixture
def page(app_at):
    app = app_at(PAGE).run()
    assert not app.exception
    return app


def test_page_opens_on_the_ladybug_with_eight_colours(page):
    assert page.title[0].value == "Image segmentation"
    assert page.radio(key="seg_picture").value == "ladybug"
    assert page.slider(key="seg_k").value == 8
    assert len(images(page)) == 2  # original and segmented, side by side
    assert len(palette_bars(page)) == 8
    assert any("fewer than about eight colours" in md.value for md in page.markdown)


def test_moving_k_from_8_to_4_changes_picture_and_palette(page):
    before = images(page)[1].proto.imgs[0].url, palette_bars(page)
    page.slider(key="seg_k").set_value(4).run()
    assert not page.exception
    after = images(page)[1].proto.imgs[0].url, palette_bars(page)
    assert len(after[1]) == 4
    assert after[0] != before[0]
    assert "Segmented into 4 colours" in images(page)[1].proto.imgs[0].caption


@pytest.mark.parametrize("name", ["china", "flower"])
def test_sample_photos_segment(page, name):
    page.radio(key="seg_picture").set_value(name)
    page.slider(key="seg_k").set_value(3).run()
    assert not page.exception
    assert len(palette_bars(page)) == 3


def test_highlighting_a_colour_shows_its_pixels(page):
    page.selectbox(key="seg_highlight").set_value(0).run()
    assert not page.exception
    assert len(images(page)) == 3
    assert "Pixels of colour 1" in images(page)[2].proto.imgs[0].caption


def test_download_offers_the_segmented_png(page):
    button = page.get("download_button")[0]
    assert "Download the segmented PNG" in button.proto.label


def test_inertia_curve_covers_every_k_and_marks_the_current_one(page):
    page.number_input(key="seg_n_init").set_value(1).run()
    page.toggle(key="seg_curve").set_value(True).run()
    assert not page.exception
    curve = live_chart(page, "seg_inertia")["data"]
    assert curve[0]["x"] == list(range(1, 17))
    inertias = curve[0]["y"]
    assert inertias[-1] < inertias[0] / 10  # 16 colours fit far better than 1
    assert curve[1]["x"] == [8] and curve[1]["y"] == [inertias[7]]


def test_scenario_comes_from_the_url(app_at):
    app = app_at(PAGE)
    app.query_params["seg_picture"] = "Flower"
    app.query_params["seg_k"] = "5"
    app.run()
    assert not app.exception
    assert app.radio(key="seg_picture").value == "flower"
    assert app.slider(key="seg_k").value == 5
    assert len(palette_bars(app)) == 5


@pytest.fixture
def upload_page(page):
    page.radio(key="seg_picture").set_value("upload").run()
    assert not page.exception
    return page


def upload(app, name: str, data: bytes, mime: str = "image/png"):
    app.file_uploader(key="seg_upload").upload(name, data, mime).run()
    assert not app.exception
    return app


def test_upload_asks_for_a_file_first(upload_page):
    assert any("Upload a picture" in info.value for info in upload_page.info)
    assert len(images(upload_page)) == 0


def test_uploaded_png_is_segmented(upload_page):
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, size=(40, 60, 3), dtype=np.uint8)
    app = upload(upload_page, "noise.png", encode(Image.fromarray(pixels), "PNG"))
    assert not app.error
    assert len(images(app)) == 2
    assert len(palette_bars(app)) == 8


def test_large_upload_is_shrunk_and_the_page_says_so(upload_page):
    big = Image.fromarray(np.full((1200, 1600, 3), 90, dtype=np.uint8))
    big.paste((200, 30, 20), (0, 0, 800, 600))
    app = upload(upload_page, "big.png", encode(big, "PNG"))
    assert any("Shrunk from 1600×1200 to 800×600" in note.value for note in app.caption)
    assert images(app)[1].proto.imgs[0].caption.startswith("Segmented")


def test_picture_with_fewer_colours_than_k_lowers_k_and_says_so(upload_page):
    two_colours = np.zeros((30, 40, 3), dtype=np.uint8)
    two_colours[:, 20:] = (200, 30, 20)
    app = upload(upload_page, "flag.png", encode(Image.fromarray(two_colours), "PNG"))
    assert any("only 2 distinct colours" in warning.value for warning in app.warning)
    assert len(palette_bars(app)) == 2


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "not an image"),
        ("empty.png", b"", "empty"),
        ("notes.txt.png", b"just some text", "not an image"),
    ],
)
def test_broken_upload_shows_an_error_and_the_page_keeps_working(upload_page, name, data,
                                                                 message):
    app = upload(upload_page, name, data)
    assert len(app.error) == 1 and message in app.error[0].value
    assert name in app.error[0].value
    app.radio(key="seg_picture").set_value("ladybug").run()  # nothing lost: carry on
    assert not app.exception and not app.error
    assert len(images(app)) == 2


def test_transparent_upload_is_laid_on_white_and_says_so(upload_page):
    pixels = np.zeros((20, 20, 4), dtype=np.uint8)
    pixels[:10] = (0, 0, 255, 255)
    app = upload(upload_page, "clear.png", encode(Image.fromarray(pixels, "RGBA"), "PNG"))
    assert any("white background" in note.value for note in app.caption)
