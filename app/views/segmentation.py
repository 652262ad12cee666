"""Image segmentation: cluster a picture's colours with k-means and repaint every pixel."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import streamlit as st
from components.live_chart import live_chart
from figures.segmentation import highlight_image, inertia_figure, palette_figure, png_bytes
from limits import SEGMENTED_ENTRIES, SERVER_MAX_UPLOAD_MB, UPLOADED_PICTURES
from PIL import Image
from safe_text import escape_markdown
from sklearn.datasets import load_sample_image
from state import scenario

from clustering.images import MAX_FILE_BYTES, MAX_SIDE, ImageLoadError, load_image
from clustering.segmentation import colour_table, segment_colours

ASSETS = Path(__file__).resolve().parents[2] / "assets"
PICTURES = {  # value -> (label, which is also its value in a shared link; caption)
    "ladybug": ("Ladybug", "a dandelion in the grass, drawn for this app"),
    "china": ("China", "scikit-learn's sample photo"),
    "flower": ("Flower", "scikit-learn's sample photo"),
    "upload": ("Upload", "your own picture"),
}
K_RANGE = range(1, 17)
AS_PNG = {"width": "stretch", "output_format": "PNG"}


# -- cached work: once per picture, once per (picture, k, n_init, seed) ----------------


@st.cache_resource(show_spinner=False)
def sample_picture(name: str) -> np.ndarray:
    """The ladybug we drew, or one of scikit-learn's two sample photos."""
    if name == "ladybug":
        return np.asarray(Image.open(ASSETS / "ladybug.png").convert("RGB"))
    return load_sample_image(f"{name}.jpg")


@st.cache_resource(show_spinner=False, max_entries=UPLOADED_PICTURES)
def uploaded_picture(digest: str, _data: bytes):
    """An upload decoded once, keyed on its content's hash: a LoadedImage or the error."""
    try:
        return load_image(_data)
    except ImageLoadError as error:
        return error


@st.cache_resource(show_spinner=False, max_entries=UPLOADED_PICTURES)
def picture_table(picture_id: str, _pixels: np.ndarray):
    """The picture's distinct colours and their coarse-to-fine summaries (any k uses them)."""
    return colour_table(_pixels)


@st.cache_resource(show_spinner=False, max_entries=UPLOADED_PICTURES)
def picture_png(picture_id: str, _pixels: np.ndarray) -> bytes:
    """The picture as PNG bytes, encoded once."""
    return png_bytes(_pixels)


@st.cache_resource(
    show_spinner="Clustering the picture's colours...", max_entries=SEGMENTED_ENTRIES
)
def segmented(picture_id: str, k: int, n_init: int, seed: int, _table):
    """The segmentation for one k, with its PNG ready to show and to download."""
    result = segment_colours(_table, k, n_init=n_init, random_state=seed)
    return result, png_bytes(result.image)


def colour_name(index: int | None) -> str:
    """How the highlight choice names colour ``index`` (counted from 1), also in a link."""
    return "no colour" if index is None else f"colour {index + 1}"


@st.fragment
def palette_and_highlight(
    result, result_png: bytes, pixels: np.ndarray, k: int, picture_name: str
) -> None:
    """The palette chart, the download, the inertia and where one chosen colour is.

    A fragment: choosing a colour to highlight reruns this part alone, not the
    picture's clustering or the inertia curve.
    """
    palette_column, highlight_column = st.columns([3, 2])
    with highlight_column:
        highlight = st.selectbox(
            "Show where one colour is",
            [None, *range(k)],
            format_func=colour_name,
            # Any colour some k can have: one beyond this k is dropped by Streamlit, quietly.
            **scenario("seg_highlight", among=map(colour_name, range(K_RANGE[-1]))),
        )
        st.download_button(
            "Download the segmented PNG",
            result_png,
            file_name=f"{picture_name}-{k}-colours.png",
            mime="image/png",
            key="seg_download",
            icon=":material/download:",
            shortcut="d",
        )
        st.metric(
            "Inertia",
            f"{result.inertia:.4g}",
            help="Sum of squared RGB distances from each "
            "pixel to its cluster's mean colour: what k-means makes as small as it can.",
        )
    with palette_column:
        live_chart(palette_figure(result.palette, result.counts, highlight), key="seg_palette")
        st.caption("Each colour of the palette with its share of the pixels, largest first.")

    if highlight is not None:
        faded, explained = st.columns(2)
        faded.image(
            highlight_image(pixels, result.labels, highlight),
            caption=f"Pixels of colour {highlight + 1} as in the original; "
            "every other pixel faded.",
            **AS_PNG,
        )
        explained.markdown(
            f"Colour {highlight + 1} covers {result.counts[highlight]:,} pixels "
            f"({100 * result.counts[highlight] / result.counts.sum():.1f}% of the picture). "
            "Pixels far apart in the picture share it when their colours are close: k-means "
            "looks only at colours, never at where a pixel is."
        )


# -- the page --------------------------------------------------------------------------

st.title("Image segmentation")

controls = st.columns([4, 3, 1, 1])
choice = controls[0].radio(
    "Picture",
    list(PICTURES),
    format_func=lambda name: PICTURES[name][0],
    horizontal=True,
    **scenario("seg_picture"),
)
k = controls[1].slider("Number of colours k", 1, 16, 8, **scenario("seg_k"))
n_init = controls[2].number_input("n_init", 1, 20, 10, **scenario("seg_n_init", within=(1, 20)))
seed = controls[3].number_input("seed", 0, 10_000, 42, **scenario("seg_seed", within=(0, 10_000)))


def choose_picture() -> tuple[str, np.ndarray, tuple[str, ...]] | None:
    """The picture to segment: its id, pixels and conversion notes; None while none is ready."""
    if choice != "upload":
        return choice, sample_picture(choice), ()
    upload = st.file_uploader(
        f"PNG, JPEG, WebP, BMP or TIFF, up to {MAX_FILE_BYTES // 2**20} MB. Pictures larger "
        f"than {MAX_SIDE} pixels on a side are shrunk to that size for clustering.",
        type=["png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff"],
        key="seg_upload",
        max_upload_size=SERVER_MAX_UPLOAD_MB,
    )
    if upload is None:
        st.info("Upload a picture to segment it.")
        return None
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    loaded = uploaded_picture(digest, data)
    if isinstance(loaded, ImageLoadError):
        st.error(escape_markdown(f"{upload.name}: {loaded}"))
        return st.session_state.get("seg_last_good_upload")  # keep showing the last good one
    st.session_state["seg_last_good_upload"] = (f"upload-{digest}", loaded.pixels, loaded.notes)
    return st.session_state["seg_last_good_upload"]


picked = choose_picture()
if picked is None:
    st.stop()
picture_id, pixels, notes = picked
for note in notes:
    st.caption(note)

table = picture_table(picture_id, pixels)
if k > table.n_colours:
    st.warning(f"This picture has only {table.n_colours} distinct colours: k is {table.n_colours}.")
    k = table.n_colours
result, result_png = segmented(picture_id, k, n_init, seed, table)

left, right = st.columns(2)
# PNG bytes go to the browser as they are: no re-encoding on each rerun, no JPEG blur.
left.image(picture_png(picture_id, pixels), caption=f"Original: {PICTURES[choice][1]}", **AS_PNG)
right.image(result_png, caption=f"Segmented into {k} colours", **AS_PNG)

palette_and_highlight(result, result_png, pixels, k, choice)
st.markdown(
    "Every pixel is a point in RGB space. k-means groups those colours into *k* "
    "clusters and each pixel is repainted with its cluster's mean colour: this is "
    "**colour segmentation**, the simplest kind of image segmentation."
)

if choice == "ladybug":
    st.markdown(
        f"**What to look for.** The ladybug is tiny next to the grass and the flower. "
        f"k-means lowers the inertia most by splitting the big green and yellow areas into "
        f"shades, so with fewer than about eight colours the ladybug's red gets no cluster "
        f"of its own and is painted with a colour of its surroundings. Slide k from 8 down "
        f"to 4 and watch it fade; highlight a colour to see which pixels share it. "
        f"You are at k = {k}."
    )
else:
    st.markdown(
        "**What to look for.** Large areas get several shades of their own while small, "
        "distinct objects are merged into a neighbour's colour: k-means prefers clusters of "
        "similar sizes, not the most striking colours."
    )

st.subheader("Inertia against k")
if st.toggle(
    "Compute the inertia for every k from 1 to 16",
    **scenario("seg_curve", among=("true", "false")),
):
    ks = [value for value in K_RANGE if value <= table.n_colours]
    progress = st.progress(0.0, text="Clustering the picture for every k...")
    inertias = []
    for done, value in enumerate(ks, start=1):
        inertias.append(segmented(picture_id, value, n_init, seed, table)[0].inertia)
        progress.progress(done / len(ks), text=f"k = {value} done")
    progress.empty()
    live_chart(inertia_figure(ks, inertias, k), key="seg_inertia")
    st.caption(
        "The inertia always falls as k grows, so it cannot choose k on its own; look for "
        "the elbow where adding a colour stops paying off. Every k is now cached: moving "
        "the slider is instant."
    )
