"""Labelling digits in a real browser, as fast as people type and tap, losing nothing.

The truth comes from the library (the page's default scenario: k = 50, seed
42); what the test checks is read back as a person would: the labels on the
tiles, the page's link, and the CSV the export button downloads.
"""

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest
from labelling import to_csv
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.BackMsg_pb2 import BackMsg

from clustering.datasets import load_digits_split
from clustering.semi_supervised import representatives
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

K, SEED = 50, 42
PAGE = "semi_supervised"
GRID = f'.lg[data-grid="semi:{K}:{SEED}"]'
KEY_GAP_MS = 30
TAP_GAP_MS = 60
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}


@pytest.fixture(scope="module")
def rows() -> list[int]:
    """The training rows of the page's 50 representatives, from the library."""
    indices, _ = representatives(load_digits_split().X_train, K, random_state=SEED)
    return indices.tolist()


@pytest.fixture(scope="module")
def truth(rows) -> list[int]:
    """The true labels of the page's 50 representatives."""
    return load_digits_split().y_train[rows].tolist()


@pytest.fixture
def phone(new_tab):
    """A touch-screen phone tab, 390x844."""
    return new_tab(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


def text(labels) -> str:
    """Labels as the link writes them: a digit or '.' each."""
    return "".join("." if label in (-1, "?") else str(label) for label in labels)


def tile_labels(app) -> str:
    """The label each tile shows, as text."""
    return text(app.page.locator(f"{GRID} .lg-label").all_inner_texts())


def url_labels(app) -> str:
    return parse_qs(urlparse(app.page.url).query)["semi_labels"][0]


def csv_labels(app, part: str = "representatives") -> str:
    """The labels in the file the "Export CSV" button downloads: the representatives', or
    with ``part="active"`` the active-learning round's."""
    with app.page.expect_download() as download:
        app.page.get_by_role("button", name="Export CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    representatives = [row for row in rows if row["cluster"] != "active"]
    assert [row["cluster"] for row in representatives] == [str(i) for i in range(K)]
    chosen = representatives if part == "representatives" else rows[K:]
    return "".join(row["label"] or "." for row in chosen)


def wait_for_grid(app, labels: str, cursor: int) -> None:
    """Until the grid shows ``labels`` with the cursor on tile ``cursor``."""
    grid = app.page.locator(f'{GRID}[data-labels="{labels}"][data-cursor="{cursor}"]')
    try:
        grid.wait_for(state="attached", timeout=30_000)
    except PlaywrightTimeout:
        shown = app.page.locator(GRID)
        actual = [shown.get_attribute(name) for name in ("data-labels", "data-cursor")]
        raise AssertionError(f"grid shows {actual}, expected {[labels, str(cursor)]}") from None


def open_grid(app) -> None:
    """Open the page and wait until the grid is on screen, as a person does before typing."""
    app.open(PAGE)
    app.page.locator(f'{GRID}[data-ready="true"]').wait_for(state="attached", timeout=60_000)


def type_digits(app, digits, gap_ms: int = KEY_GAP_MS) -> None:
    """Type ``digits`` as a person does, each key pressed ``gap_ms`` after the last one went
    down (held for that time, then let go). Playwright times the gaps itself: no round trip
    to the test between keys, so the keys come no slower than ``gap_ms`` apart."""
    app.page.keyboard.type("".join(str(digit) for digit in digits), delay=gap_ms)


def assert_everywhere(app, expected: str) -> None:
    """The tiles, the link and the exported CSV all hold ``expected``, once the app is idle."""
    app.wait_idle()
    assert not app.has_exception()
    assert tile_labels(app) == expected
    assert url_labels(app) == expected
    assert csv_labels(app) == expected


def results_caught_up(app) -> None:
    """Until the page is idle and no longer says it is (re)training on the labels."""
    main = app.page.get_by_test_id("stMain")
    for wording in ("Training the classifier", "Retraining on your latest labels"):
        main.get_by_text(wording).first.wait_for(state="detached", timeout=60_000)
    app.wait_idle()


def clear_all(app) -> None:
    app.page.get_by_role("button", name="Clear all").click()
    wait_for_grid(app, "." * K, 0)


def assert_on_first_screen(app, selector: str) -> None:
    """The element lies wholly inside the viewport, below Streamlit's top bar, unscrolled."""
    box = app.page.locator(selector).bounding_box()
    top = app.page.get_by_test_id("stHeader").bounding_box()["height"]
    size = app.page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box
    assert box["y"] >= top and box["y"] + box["height"] <= size["height"], (box, top)


def test_type_all_50_labels_30_ms_apart_five_times(app, truth):
    app.page.set_viewport_size(PROJECTOR)
    open_grid(app)  # no click: the first key must count
    assert_on_first_screen(app, GRID)  # every tile and the pad, as a projector shows them
    for run in range(5):
        if run:
            clear_all(app)
        type_digits(app, truth)
        assert_everywhere(app, text(truth))
    app.page.locator(GRID).scroll_into_view_if_needed()
    app.page.screenshot(path=str(ARTIFACTS / "semi-desktop-1280x720.png"))
    app.screenshot("semi-desktop-full")


def asks_for_a_page_run(frame: bytes | str) -> bool:
    """The websocket frame is a tab's request to run the whole page (not a fragment)."""
    if isinstance(frame, str):
        return False
    message = BackMsg()
    message.ParseFromString(frame)
    return message.WhichOneof("type") == "rerun_script" and not message.rerun_script.fragment_id


def test_while_the_page_runs_the_grid_sends_only_its_newest_labels(app, truth):
    """Keys typed while the page still runs for an earlier one are not each sent: the
    newest vector waits for that run to end. (Each vector sent reruns the page, and one
    sent while it runs stops that run half done.)"""
    open_grid(app)
    sent = []
    app.page.on("websocket", lambda socket: socket.on("framesent", lambda f: sent.append(f)))
    app.page.reload()  # the page's websocket opens again, now watched
    app.page.locator(f'{GRID}[data-ready="true"]').wait_for(state="attached", timeout=60_000)
    app.wait_idle()
    before = len(sent)
    typed = text(truth[:30]) + "." * (K - 30)
    type_digits(app, truth[:30], gap_ms=20)
    app.page.wait_for_url(lambda url: f"semi_labels={typed}" in url, timeout=30_000)
    app.wait_idle()
    reruns = sum(map(asks_for_a_page_run, sent[before:]))
    assert 1 <= reruns <= 15, reruns  # at most one per two keys, here about one per run
    assert_everywhere(app, typed)


# Where tile ``index``, the pad and the pad's ``digit`` key are on screen, in one round trip,
# looked up ``wait`` ms from now (the gap after the previous tap, timed by the page).
PLACES = """async (grid, [index, digit, wait]) => {
    await new Promise((done) => setTimeout(done, wait));
    const box = (node) => node.getBoundingClientRect();
    return {
        tile: box(grid.querySelector(`.lg-tile[data-index="${index}"]`)),
        pad: box(grid.querySelector(".lg-pad")),
        key: box(grid.querySelectorAll(".lg-digits .lg-key")[digit]),
    };
}"""


def centre(box) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_tap_tile_then_pad_60_ms_apart_on_a_phone(phone, truth):
    open_grid(phone)
    page, grid = phone.page, phone.page.locator(GRID)
    for run in range(2):
        if run:
            page.get_by_role("button", name="Clear all").tap()
            wait_for_grid(phone, "." * K, 0)
        grid.evaluate("grid => grid.scrollIntoView()")  # once, to the grid
        page.wait_for_timeout(200)
        top = page.get_by_test_id("stHeader").bounding_box()["height"]  # Streamlit's top bar
        for index, label in enumerate(truth):
            places = grid.evaluate(PLACES, [index, label, TAP_GAP_MS if index else 0])
            # The tile and the whole pad are on screen: no scrolling between taps.
            tile, pad = places["tile"], places["pad"]
            assert pad["y"] + pad["height"] <= PHONE["height"] + 1, index
            assert top <= tile["y"] and tile["y"] + tile["height"] <= pad["y"] + 1, index
            page.touchscreen.tap(*centre(tile))
            page.wait_for_timeout(TAP_GAP_MS)
            page.touchscreen.tap(*centre(places["key"]))  # the next PLACES waits the gap
            if index == K // 2 and run == 0:
                page.screenshot(path=str(ARTIFACTS / "semi-phone-390x844.png"))
        assert_everywhere(phone, text(truth))


def test_undo_and_redo_by_key_and_button_also_undo_a_fill(app, truth):
    open_grid(app)
    type_digits(app, truth[:3])
    first3 = text(truth[:3]) + "." * (K - 3)
    wait_for_grid(app, first3, 3)
    app.page.keyboard.press("u")
    wait_for_grid(app, text(truth[:2]) + "." * (K - 2), 2)
    app.page.keyboard.press("Control+z")
    wait_for_grid(app, text(truth[:1]) + "." * (K - 1), 1)
    app.page.keyboard.press("Shift+U")
    app.page.keyboard.press("Control+Shift+Z")
    wait_for_grid(app, first3, 3)
    pad = app.page.locator(f"{GRID} .lg-pad")
    pad.get_by_role("button", name="Undo").click()
    wait_for_grid(app, text(truth[:2]) + "." * (K - 2), 2)
    pad.get_by_role("button", name="Redo").click()
    wait_for_grid(app, first3, 3)
    assert_everywhere(app, first3)

    app.page.get_by_role("button", name="Fill with the true labels").click()
    wait_for_grid(app, text(truth), 0)
    app.page.keyboard.press("u")  # back to the three typed labels, Python follows
    wait_for_grid(app, first3, 3)
    assert_everywhere(app, first3)
    app.page.keyboard.press("Backspace")  # the selected tile (#3) has no label: nothing
    app.page.keyboard.press("ArrowLeft")
    app.page.keyboard.press("Backspace")
    wait_for_grid(app, text(truth[:2]) + "." * (K - 2), 2)
    assert_everywhere(app, text(truth[:2]) + "." * (K - 2))


def test_import_a_file_then_type_the_rest(app, truth, rows, tmp_path):
    imported = [label if i % 4 else -1 for i, label in enumerate(truth[:20])] + [-1] * 30
    path = tmp_path / "labels.csv"
    path.write_text(to_csv(imported, rows))

    open_grid(app)
    type_digits(app, [7, 7])  # typed before the import, which then replaces them
    wait_for_grid(app, "77" + "." * (K - 2), 2)
    # Picking a file takes a person seconds, and Streamlit's uploader drops a file picked
    # while the page runs: wait until the results have caught up (their poller's last
    # rerun of the page comes after the page first looks idle).
    results_caught_up(app)
    app.page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(path)
    wait_for_grid(app, text(imported), 0)  # the cursor on the first unlabelled digit
    app.wait_idle()
    gaps = [i for i, label in enumerate(imported) if label < 0]
    type_digits(app, [truth[i] for i in gaps])
    assert_everywhere(app, text(truth))


def test_leave_come_back_reload_undo_and_type_on(app, truth):
    open_grid(app)
    type_digits(app, truth[:10])
    app.wait_idle()
    app.go_to("Home")
    app.go_to("Semi-supervised labelling")
    wait_for_grid(app, text(truth[:10]) + "." * (K - 10), 10)
    type_digits(app, truth[10:20])
    app.wait_idle()
    assert url_labels(app) == text(truth[:20]) + "." * (K - 20)

    app.page.reload()  # a fresh session: the link remembers the labels, the tab the undo
    wait_for_grid(app, text(truth[:20]) + "." * (K - 20), 20)
    app.page.keyboard.press("u")
    wait_for_grid(app, text(truth[:19]) + "." * (K - 19), 19)
    app.page.keyboard.press("Shift+U")
    wait_for_grid(app, text(truth[:20]) + "." * (K - 20), 20)
    type_digits(app, truth[20:])  # at once, without waiting for the page to settle
    assert_everywhere(app, text(truth))


def test_keys_go_to_the_grid_touched_last_and_it_says_so(app, truth):
    open_grid(app)
    app.page.get_by_role("button", name="Fill with the true labels").click()
    wait_for_grid(app, text(truth), 0)
    app.page.get_by_role("button", name="Find the 10 digits the model is least sure about").click()
    active = app.page.locator('.lg[data-grid^="semi_active:"]')
    active.wait_for(timeout=60_000)
    main = app.page.locator(GRID)
    assert "Keys type here" in active.locator(".lg-keys").inner_text()  # the new round claims
    assert "Keys type here" not in main.locator(".lg-keys").inner_text()
    type_digits(app, [3, 1])
    active.and_(app.page.locator('[data-labels="31........"]')).wait_for(timeout=30_000)
    assert tile_labels(app) == text(truth)  # the representatives kept theirs

    main.locator('.lg-tile[data-index="5"]').click()
    assert "Keys type here" in main.locator(".lg-keys").inner_text()
    assert "Keys type here" not in active.locator(".lg-keys").inner_text()
    wrong = (truth[5] + 1) % 10
    type_digits(app, [wrong])
    expected = text([*truth[:5], wrong, *truth[6:]])
    wait_for_grid(app, expected, 6)
    assert active.get_attribute("data-labels") == "31........"
    assert_everywhere(app, expected)
    assert csv_labels(app, part="active") == "31........"  # the round's hand labels too
    app.screenshot("two-grids")

    app.page.reload()  # the round and its hand labels come back from the link
    wait_for_grid(app, expected, 0)
    active.and_(app.page.locator('[data-labels="31........"]')).wait_for(timeout=60_000)
