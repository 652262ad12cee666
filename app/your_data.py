"""Your own data on the 2-D pages: an uploaded table or points drawn by clicking.

Every 2-D page offers "your data" beside the chapter's data sets. A page hooks
in with a few calls:

- :func:`choices` adds "your data" to its data-set select box;
- :func:`source` turns the choice into a data-set name: a chapter set's name
  unchanged, or, for "your data", the panel where a table is uploaded and its
  columns chosen, or points are drawn on a clickable plane, and a name for the
  prepared points (``"your data 1a2b3c4d"``, from their content, so caches
  keyed on it never mix two tables);
- :func:`load_points` gives the points ``X`` and the true groups ``y`` of any
  such name (``y`` is None without a label column);
- :func:`report` shows, under the clustering, its agreement with the label
  column and a download of the data with the clusters;
- on the k-means pages, :func:`with_clicks` and :func:`clicked_start` add the
  initialisation "my clicks": k centres clicked on the plane, carried in the
  method's name (``"my clicks (x, y) ..."``) so that caches tell starts apart.

A file is checked before use (:func:`read_table`, :func:`prepare`): any problem
raises :class:`DataProblem` with a message saying what to do, the page shows
it, and the table and choices the user had stay in use. Nothing from the file
is ever shown as Markdown without :func:`safe_text.escape_markdown`.

The accepted table and the choices live in ``st.session_state`` (one record
for all pages, so the same data follows the user from page to page); the
prepared points also sit in a small shared store, bounded by
``limits.YOUR_DATA_SETS``, from which the pages' cached functions load them
by name.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st
from components.click_plane import click_plane, reported_points
from data import DATASETS
from data import load_points as load_chapter_points
from limits import (
    DRAWN_MAX_POINTS,
    DRAWN_START_POINTS,
    EPS_PAIRS,
    PLANE_BACKGROUND_POINTS,
    SERVER_MAX_UPLOAD_MB,
    URL_VALUE_MAX_CHARS,
    YOUR_DATA_MAX_BYTES,
    YOUR_DATA_MAX_CLASSES,
    YOUR_DATA_MAX_ROWS,
    YOUR_DATA_SETS,
    YOUR_DATA_STORE_BYTES,
    YOUR_DATA_WORKING_ROWS,
)
from safe_text import escape_markdown, shorten

from clustering import DBSCAN, classifier_from_dbscan
from clustering.kmeans import assign, init_centroids
from clustering.metrics import adjusted_rand_score, contingency_matrix
from clustering.preprocessing import PCA, StandardScaler

YOURS = "your data"
UPLOAD, DRAW = "a file", "drawing"
RECORD = "your_data"  # session state: the accepted table, the choices, the prepared points
NO_LABEL = "(none)"
SHOWN_NAME_CHARS = 40
SAMPLE_SEED = 0
SAMPLE_SUFFIX = " sample"  # ends the name of a large table's sample (see sampled)
# The first bytes of files people rename to .csv by mistake, and what they are.
SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip archive",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"\x89PNG": "a PNG picture",
    b"\xff\xd8\xff": "a JPEG picture",
    b"GIF8": "a GIF picture",
    b"%PDF": "a PDF document",
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
DELIMITERS = (",", "\t", ";")
WHERE_THE_PANEL_IS = (
    "Bring your data in the sidebar, under the pages: upload a table or draw points. "
    "On a phone, open the sidebar with the arrow at the top left."
)
WHY_STANDARDISE = (
    "k-means, DBSCAN and the mixtures compare distances, so a feature measured in "
    "thousands would outvote one measured in fractions; standardising puts every "
    "feature in the same units (mean 0, standard deviation 1) so each one counts alike."
)


class DataProblem(ValueError):
    """A file or a choice of columns that cannot be used, with what to do about it."""


@dataclass(frozen=True)
class Picture:
    """How points with any number of features are drawn in the plane of a figure.

    Two features are the plane itself. More are drawn on the plane through
    their mean spanned by their first two principal components: a point of
    feature space is drawn at its coordinates along them (:meth:`project`),
    and a place on the figure stands for the point of that plane
    (:meth:`lift`), where a page evaluates its model to shade regions or
    densities. Only the rows in ``shown`` are drawn when a table is large.

    Attributes
    ----------
    points : ndarray of shape (n_shown, 2)
        The drawn rows, in the figure's coordinates.
    shown : ndarray of shape (n_shown,) or None
        Which rows of the clustered points are drawn; None for all of them.
    pca : PCA or None
        The projection, for more than two features; None when the features
        are the plane's coordinates.
    """

    points: np.ndarray
    shown: np.ndarray | None = None
    pca: PCA | None = None

    def project(self, X: np.ndarray) -> np.ndarray:
        """Points of feature space (centroids, means, samples) in the figure's coordinates."""
        return np.asarray(X) if self.pca is None else self.pca.transform(X)

    def lift(self, grid: np.ndarray) -> np.ndarray:
        """Places on the figure as points of feature space: ``mean + grid @ components``."""
        return np.asarray(grid) if self.pca is None else self.pca.inverse_transform(grid)

    @property
    def axis_titles(self) -> tuple[str, str]:
        """What the figure's axes measure: the two features, or the two principal components."""
        if self.pca is None:
            return ("x₁", "x₂")
        return ("principal component 1", "principal component 2")

    def take(self, values: np.ndarray) -> np.ndarray:
        """The entries of a per-row array (labels, kinds, probabilities) for the drawn rows."""
        return np.asarray(values) if self.shown is None else np.asarray(values)[self.shown]


@dataclass(frozen=True)
class Prepared:
    """The points a page clusters, made from the table and the user's choices.

    Attributes
    ----------
    name : str
        ``"your data"`` and a digest of the points: the data-set name pages use.
    X : ndarray of shape (n, n_features)
        Every chosen feature of every complete row, standardised if asked:
        what the pages fit.
    y : ndarray of shape (n,) or None
        The label column as text, when one was chosen.
    rows : ndarray of shape (n,)
        Which rows of the table the points are (after dropping incomplete rows).
    picture : Picture
        How the points are drawn: projected on two principal components
        beyond two features, and sampled beyond ``YOUR_DATA_WORKING_ROWS``.
    notes : tuple of str
        What was done to the table, in words, for the page to show.
    sample : Prepared or None
        For a large table, the drawn rows as a data set of their own, which
        the pages' slow parts work on (see :func:`sampled`).
    """

    name: str
    X: np.ndarray
    y: np.ndarray | None
    rows: np.ndarray
    picture: Picture
    notes: tuple[str, ...] = field(default=())
    sample: Prepared | None = None


# -- reading a file ---------------------------------------------------------------------


def read_table(data: bytes, file_name: str) -> pd.DataFrame:
    """The table in an uploaded CSV or TSV file, or a :class:`DataProblem` saying why not.

    Cheap checks run first (size, kind of file, encoding, number of rows), so
    a file that is too large is refused before anything parses it.
    """
    check_size(data)
    text = decode(data)
    check_row_count(text)
    delimiter = "\t" if file_name.lower().endswith(".tsv") else guess_delimiter(text)
    check_header(text, delimiter)
    try:
        table = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataProblem(
            f"The file could not be read as a table: {shorten(str(error).strip(), 200)} "
            "Check that every row has as many fields as the header."
        ) from error
    if len(table) < 2:
        raise DataProblem(
            f"The file has {len(table)} row(s) of data under its header; clustering needs at "
            "least 2."
        )
    if table.shape[1] < 2:
        raise DataProblem(
            "The file has a single column; clustering in the plane needs at least two "
            "numeric feature columns. If it has more, check the separator (comma, "
            "semicolon or tab)."
        )
    numeric_columns(table)  # refuses a table with fewer than two usable ones
    return table


def check_size(data: bytes) -> None:
    """Refuse an empty file, one over the limit, and files that are not text at all."""
    if not data:
        raise DataProblem("The file is empty (0 bytes): choose a CSV file with a header row.")
    if len(data) > YOUR_DATA_MAX_BYTES:
        raise DataProblem(
            f"The file is {len(data) / 2**20:.1f} MB; the limit is "
            f"{YOUR_DATA_MAX_BYTES / 2**20:.0f} MB. Upload fewer rows or columns."
        )
    for signature, kind in SIGNATURES.items():
        if data.startswith(signature):
            raise DataProblem(
                f"This file is {kind}, not a CSV, whatever its name says. In a "
                "spreadsheet program, save the sheet as 'CSV UTF-8' and upload that."
            )


def decode(data: bytes) -> str:
    """The file's text: UTF-8 with or without a byte-order mark, or UTF-16 with one."""
    if data.startswith(UTF16_BOMS):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise DataProblem("This file is not text (it holds zero bytes): upload a CSV or TSV file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataProblem(
            f"The file is not UTF-8 text (byte {data[error.start]:#04x} at position "
            f"{error.start:,}); it was probably saved as Latin-1 or Windows-1252. "
            "Save it as 'CSV UTF-8' and upload it again."
        ) from error


def check_row_count(text: str) -> None:
    """Refuse a file with too many rows by counting lines, before any parsing."""
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines - 1 > YOUR_DATA_MAX_ROWS:
        raise DataProblem(
            f"The file has {lines - 1:,} rows; the app takes at most {YOUR_DATA_MAX_ROWS:,}. "
            "Upload a random sample of the rows."
        )


def guess_delimiter(text: str) -> str:
    """The separator used most often in the header line: comma, tab or semicolon."""
    header = text.split("\n", 1)[0]
    return max(DELIMITERS, key=header.count)


def check_header(text: str, delimiter: str) -> None:
    """Refuse a header with an empty or a repeated column name."""
    header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")], delimiter=delimiter), [])
    names = [name.strip() for name in header]
    for position, name in enumerate(names, start=1):
        if not name:
            raise DataProblem(f"Column {position} of the header has no name: give it one.")
    seen = set()
    for name in names:
        if name in seen:
            raise DataProblem(
                f"The header names the column “{shorten(name, SHOWN_NAME_CHARS)}” more than "
                "once: give every column its own name."
            )
        seen.add(name)


def numeric_columns(table: pd.DataFrame) -> list[str]:
    """The columns that hold numbers in at least one row; at least two, or a DataProblem."""
    numeric = [
        name
        for name in table.columns
        if pd.api.types.is_numeric_dtype(table[name]) and table[name].notna().any()
    ]
    if len(numeric) < 2:
        others = [
            shorten(str(name), SHOWN_NAME_CHARS) for name in table.columns if name not in numeric
        ]
        raise DataProblem(
            f"Only {len(numeric)} column(s) hold numbers in every filled cell; clustering "
            f"needs at least two. Not numeric or all empty: {', '.join(others)}."
        )
    return numeric


# -- preparing the points -----------------------------------------------------------------


def prepare(
    table: pd.DataFrame, features: list[str], label: str | None, standardise: bool
) -> Prepared:
    """The points to cluster from ``table``: complete rows, scaled, every chosen feature.

    Rows missing a feature or the label are dropped and counted. The pages fit
    every feature of every remaining row; what they draw is the picture
    (:func:`picture_of`): more than two features projected on their first
    two principal components, with the share of the variance kept stated,
    and a table larger than ``YOUR_DATA_WORKING_ROWS`` drawn through a fixed
    random sample, which the pages' slow parts also use.
    """
    if len(features) < 2:
        raise DataProblem("Choose at least two feature columns.")
    used = list(dict.fromkeys([*features, label] if label else features))  # once each
    complete = table[used].dropna()
    notes = []
    if len(complete) < len(table):
        notes.append(f"{len(table) - len(complete):,} row(s) with a missing value were left out.")
    if len(complete) < 2:
        raise DataProblem(
            f"Only {len(complete)} complete row(s) remain; clustering needs at least 2."
        )
    X = complete[features].to_numpy(dtype=np.float64)
    if standardise:
        check_not_constant(X, features)
        X = StandardScaler().fit_transform(X)
    y = label_values(complete[label]) if label else None
    picture, picture_notes = picture_of(X)
    name = digest_name(X, y)
    rows = complete.index.to_numpy()
    sample = None
    if picture.shown is not None:
        chosen = picture.shown
        sample = Prepared(
            name + SAMPLE_SUFFIX,
            X[chosen],
            None if y is None else y[chosen],
            rows[chosen],
            Picture(picture.points, None, picture.pca),
        )
    return Prepared(name, X, y, rows, picture, (*notes, *picture_notes), sample)


def picture_of(X: np.ndarray) -> tuple[Picture, list[str]]:
    """How to draw ``X`` in the plane, and notes saying what was projected or sampled."""
    notes = []
    pca = None
    if X.shape[1] > 2:
        pca = PCA(2).fit(X)
        notes.append(
            f"All {X.shape[1]} features are clustered; the figures draw them on their first "
            f"two principal components (PCA), which keep "
            f"{pca.explained_variance_ratio_.sum():.0%} of the variance."
        )
    shown = sample_rows(len(X))
    if shown is not None:
        notes.append(
            f"The table has {len(X):,} complete rows. k-means and the mixtures are fitted on "
            f"all of them; the figures draw a random sample of {YOUR_DATA_WORKING_ROWS:,}, "
            "and the slow parts (the silhouette, the curves over k, the step player, "
            "DBSCAN) work on that sample, so the pages stay quick. The download gives "
            "every row its cluster."
        )
    drawn = X if shown is None else X[shown]
    points = drawn if pca is None else pca.transform(drawn)
    return Picture(points, shown, pca), notes


def check_not_constant(values: np.ndarray, features: list[str]) -> None:
    """Refuse a feature with one value in every row: standardising would divide by zero."""
    constant = [
        name for name, spread in zip(features, values.std(axis=0), strict=True) if spread == 0
    ]
    if constant:
        shown = ", ".join(f"“{shorten(str(name), SHOWN_NAME_CHARS)}”" for name in constant)
        raise DataProblem(
            f"The column {shown} has the same value in every row, so standardising would "
            "divide by zero (and it tells the clusters nothing): leave it out of the features."
        )


def label_values(column: pd.Series) -> np.ndarray:
    """The label column as text, refused when it names too many groups to be a label."""
    labels = column.astype(str).to_numpy()
    n_classes = len(np.unique(labels))
    if n_classes > YOUR_DATA_MAX_CLASSES:
        raise DataProblem(
            f"The label column “{shorten(str(column.name), SHOWN_NAME_CHARS)}” has "
            f"{n_classes:,} different values; a label column names a few groups (at most "
            f"{YOUR_DATA_MAX_CLASSES}). Choose another column, or none."
        )
    return labels


def sample_rows(n_rows: int) -> np.ndarray | None:
    """Sorted row positions of a fixed random sample when there are too many rows, else None."""
    if n_rows <= YOUR_DATA_WORKING_ROWS:
        return None
    generator = np.random.default_rng(SAMPLE_SEED)
    return np.sort(generator.choice(n_rows, YOUR_DATA_WORKING_ROWS, replace=False))


def digest_name(X: np.ndarray, y: np.ndarray | None) -> str:
    """A data-set name that changes whenever the points or their labels do."""
    digest = hashlib.sha256(np.ascontiguousarray(X).tobytes())
    if y is not None:
        digest.update("\n".join(y).encode())
    return f"{YOURS} {digest.hexdigest()[:8]}"


# -- the store that cached page functions load from ------------------------------------------

_store: OrderedDict[str, Prepared] = OrderedDict()
_store_lock = threading.Lock()


def keep(prepared: Prepared) -> None:
    """Put prepared points where :func:`stored` finds them (the oldest leave first).

    At most ``YOUR_DATA_SETS`` of them, and at most ``YOUR_DATA_STORE_BYTES``
    of points: a large table's points take megabytes.
    """
    with _store_lock:
        _store[prepared.name] = prepared
        _store.move_to_end(prepared.name)
        while len(_store) > 1 and (
            len(_store) > YOUR_DATA_SETS
            or sum(kept.X.nbytes for kept in _store.values()) > YOUR_DATA_STORE_BYTES
        ):
            _store.popitem(last=False)


def stored(name: str) -> Prepared:
    """The prepared user data called ``name``: a table's points, or their sample (:func:`sampled`).

    Points that left the store are taken back from this session's record.
    """
    whole = name.removesuffix(SAMPLE_SUFFIX)
    with _store_lock:
        prepared = _store.get(whole)
    if prepared is None:
        current = st.session_state.get(RECORD, {}).get("active")
        if current is None or current.name != whole:
            raise DataProblem("These data are no longer in memory: upload the file again.")
        keep(current)
        prepared = current
    if name != whole:
        if prepared.sample is None:
            raise DataProblem(f"{whole} has no sample: it is small enough to use whole.")
        return prepared.sample
    return prepared


def sampled(name: str) -> str:
    """The data a page's slow parts work on: a large table's drawn sample, else ``name``."""
    if is_yours(name) and stored(name).sample is not None:
        return name + SAMPLE_SUFFIX
    return name


def picture(name: str, X: np.ndarray | None = None) -> Picture:
    """How the points of data set ``name`` (``X``, if the page loaded them itself) are drawn.

    A chapter data set is drawn as it is; user data through :class:`Picture`.
    """
    if is_yours(name):
        return stored(name).picture
    return Picture(load_chapter_points(name)[0] if X is None else X)


def is_yours(name: str) -> bool:
    """Whether a data-set name is a user's data rather than one of the chapter's."""
    return name.startswith(YOURS)


def shown_name(name: str) -> str:
    """How a title names a data set: "your data" for the user's, "the moons" for a chapter set."""
    return YOURS if is_yours(name) else f"the {name}"


def load_points(name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The points ``X`` and true groups ``y`` of a chapter data set or of prepared user data."""
    if not is_yours(name):
        return load_chapter_points(name)
    prepared = stored(name)
    return prepared.X, prepared.y


# -- the page's part ----------------------------------------------------------------------------


def choices(names) -> list[str]:
    """A page's data-set options with "your data" at the end."""
    return [*names, YOURS]


def record() -> dict:
    """This session's record of the user's data, shared by every page."""
    return st.session_state.setdefault(RECORD, {})


def source(choice: str, prefix: str) -> str:
    """The data-set name for ``choice``; for "your data", the panel that provides it.

    The panel (a file and its columns, or the plane to draw on) sits in the
    sidebar, so the page's main figure keeps its place on the first screen
    beside it. With no usable data yet the page stops with a pointer to it.
    """
    if choice != YOURS:
        return choice
    mine = record()
    with st.sidebar:
        st.subheader("Your data")
        if drawing(prefix):
            prepared, table = draw_points(prefix), drawn_table()
        else:
            upload_table(prefix)
            prepared, table = choose_columns_of_upload(prefix), mine.get("table")
    if prepared is None:
        st.info(WHERE_THE_PANEL_IS)
        st.stop()
    keep(prepared)
    mine.update(active=prepared, shown_table=table)
    return prepared.name


def drawing(prefix: str) -> bool:
    """The choice between a file and a drawing, remembered for every page."""
    mine = record()
    if "mode" not in mine:
        mine["mode"] = DRAW if LINK_KEY in st.query_params else UPLOAD
    key = f"{prefix}_yd_from"
    st.session_state.setdefault(key, mine["mode"])
    mine["mode"] = st.radio("Your data from", (UPLOAD, DRAW), key=key)
    if mine["mode"] != DRAW:
        drop_link()
    return mine["mode"] == DRAW


def choose_columns_of_upload(prefix: str) -> Prepared | None:
    """The choice of columns of the uploaded table; None (with a hint) while there is none."""
    prepared = choose_columns(prefix)
    if prepared is None:
        st.info("Upload a CSV or TSV file with a header row to cluster your own data.")
    return prepared


def upload_table(prefix: str) -> None:
    """The upload widget; a new, good file replaces the table, a bad one is explained."""
    upload = st.file_uploader(
        f"A CSV or TSV file (UTF-8) with a header row, up to "
        f"{YOUR_DATA_MAX_BYTES // 2**20} MB and {YOUR_DATA_MAX_ROWS:,} rows",
        type=["csv", "tsv", "txt"],
        key=f"{prefix}_yd_file",
        max_upload_size=SERVER_MAX_UPLOAD_MB,
    )
    mine = record()
    if upload is not None:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        if digest != mine.get("digest") and digest != mine.get("refused"):
            accept_file(data, upload.name, digest)
        if digest == mine.get("refused"):
            st.error(mine["problem"])
    if "table" in mine:
        table = mine["table"]
        st.caption(
            f"Using {escape_markdown(shorten(mine['file'], SHOWN_NAME_CHARS))}: "
            f"{len(table):,} rows, {table.shape[1]} columns."
        )


def accept_file(data: bytes, file_name: str, digest: str) -> None:
    """Read a newly uploaded file into the record, or remember why it was refused.

    A file is accepted only when its first choice of columns (every numeric
    column that varies, no label, standardised) gives points to cluster, so
    the data shown before are never replaced by data that cannot be shown.
    """
    mine = record()
    try:
        table = read_table(data, file_name)
        features = varying_columns(table)
        prepared = prepare(table, features, None, standardise=True)
    except DataProblem as problem:
        kept = " The previous data are kept." if "table" in mine else ""
        mine["refused"], mine["problem"] = digest, escape_markdown(f"{problem}{kept}")
        return
    mine.update(
        table=table,
        file=file_name,
        digest=digest,
        refused=None,
        features=features,
        label=None,
        standardise=True,
        prepared=prepared,
        prepared_for=(digest, tuple(features), None, True),
    )


def varying_columns(table: pd.DataFrame) -> list[str]:
    """The numeric columns with more than one value: the features chosen at first."""
    numeric = numeric_columns(table)
    varying = [name for name in numeric if table[name].nunique() > 1]
    if len(varying) < 2:
        raise DataProblem(
            f"Only {len(varying)} numeric column(s) take more than one value; clustering "
            "needs at least two features that vary."
        )
    return varying


def choose_columns(prefix: str) -> Prepared | None:
    """Feature columns, label column and scaling; the prepared points, or the last good ones."""
    mine = record()
    if "table" not in mine:
        return None
    table = mine["table"]
    tag = f"{prefix}_yd_{mine['digest'][:8]}"  # new widgets, with new options, for a new table
    numeric = numeric_columns(table)
    for suffix, value in (("features", mine["features"]), ("label", mine["label"] or NO_LABEL),
                          ("scale", mine["standardise"])):  # fmt: skip
        st.session_state.setdefault(f"{tag}_{suffix}", value)
    features = st.multiselect("Feature columns (numeric)", numeric, key=f"{tag}_features")
    label = st.selectbox(
        "Label column (true groups, optional)",
        [NO_LABEL, *table.columns],
        key=f"{tag}_label",
        help="A column that says which group each row belongs to: the page then scores "
        "the clustering against it.",
    )
    standardise = st.toggle("Standardise features", key=f"{tag}_scale", help=WHY_STANDARDISE)
    label = None if label == NO_LABEL else label
    try:
        prepared = prepared_once(table, features, label, standardise)
    except DataProblem as problem:
        kept = mine.get("prepared")
        st.error(escape_markdown(f"{problem}" + (" The last good choice is kept." if kept else "")))
        return kept
    mine.update(features=features, label=label, standardise=standardise, prepared=prepared)
    st.caption(escape_markdown(" ".join((WHY_STANDARDISE, *prepared.notes))))
    return prepared


def prepared_once(
    table: pd.DataFrame, features: list[str], label: str | None, standardise: bool
) -> Prepared:
    """:func:`prepare`, redone only when the choices change, not on every rerun of the page.

    Preparing a large table (scaling, PCA, sampling) takes a second or more;
    a slider on the page must not pay it again.
    """
    mine = record()
    choice = (mine["digest"], tuple(features), label, standardise)
    if mine.get("prepared_for") != choice or mine.get("prepared") is None:
        mine["prepared"] = prepare(table, features, label, standardise)
        mine["prepared_for"] = choice
    return mine["prepared"]


def enough_points(name: str, k: int) -> None:
    """Stop the page with a message when user data have fewer points than the ``k`` it fits.

    ``k`` is the largest number of clusters the page fits: its k, or the top
    of a curve over k.
    """
    if not is_yours(name):
        return
    n_points = len(load_points(name)[0])
    if n_points < k:
        st.error(
            f"Your data have {n_points} usable rows; this page needs at least {k}, one for "
            "each cluster it fits. Lower k if the page lets you, or upload more rows. "
            "Your data are kept."
        )
        st.stop()


class Extension(NamedTuple):
    """How a clustering of a large table's sample labels the rows outside it, and in words."""

    label: Callable[[np.ndarray], np.ndarray]
    rule: str


def by_nearest_centre(centers: np.ndarray) -> Extension:
    """Rows outside the sample join their nearest centroid (what ``predict`` does)."""
    return Extension(lambda X: assign(X, centers), "joins its nearest final centroid")


def eps_upper(X: np.ndarray) -> float:
    """The top of the DBSCAN page's eps slider for a user's data.

    The chapter's sets need eps up to 0.5, but points with many standardised
    features lie further apart (the typical distance grows like the square
    root of the number of features), so a fixed top would leave only noise.
    The top is the median distance between two points (from a fixed sample of
    pairs), rounded up to a tenth, and never below the chapter's 0.5.
    """
    rows = np.random.default_rng(0).integers(0, len(X), size=(EPS_PAIRS, 2))
    median = float(np.median(np.linalg.norm(X[rows[:, 0]] - X[rows[:, 1]], axis=1)))
    return max(0.5, math.ceil(median * 10) / 10)


def by_nearest_core(dbscan: DBSCAN) -> Extension:
    """Rows outside the sample follow DBSCAN's border rule: the cluster of a core point within eps.

    The nearest core point decides; a row with none within ``eps`` is noise (-1).
    """

    def label(X: np.ndarray) -> np.ndarray:
        if not len(dbscan.core_sample_indices_):
            return np.full(len(X), -1)
        return classifier_from_dbscan(dbscan, 1, dbscan.eps).predict(X)

    return Extension(label, "takes the cluster of its nearest core point within eps, or noise")


def report(
    name: str,
    labels: np.ndarray,
    proba: np.ndarray | None = None,
    *,
    prefix: str,
    extension: Extension | None = None,
) -> None:
    """Under a clustering of user data: agreement with the label column, and the download.

    ``labels`` (and ``proba``) are for every row of ``name``; or, on a page
    that clustered the sample of a large table (:func:`sampled`), for the
    sample's rows, and ``extension`` labels the other rows.
    """
    if not is_yours(name):
        return
    prepared = stored(name)
    labels = every_row(prepared, np.asarray(labels), extension)
    st.subheader("Your data and this clustering")
    st.caption("The file, its columns or the drawing can be changed in the sidebar.")
    if len(labels) > len(prepared.picture.points) and extension is not None:
        st.caption(
            f"This clustering is of the {len(prepared.picture.points):,} sampled rows; "
            f"each of the other {len(labels) - len(prepared.picture.points):,} rows "
            f"{extension.rule}, in the score and the download."
        )
    if prepared.y is not None:
        show_agreement(prepared.y, labels)
    table = record()["shown_table"]
    st.download_button(
        "Download the data with the clusters (CSV)",
        lambda: clustered_csv(table, prepared, labels, proba),  # made when it is clicked
        file_name="clustered.csv",
        mime="text/csv",
        key=f"{prefix}_yd_download",
        on_click="ignore",
    )


def every_row(prepared: Prepared, labels: np.ndarray, extension: Extension | None) -> np.ndarray:
    """Labels for every row: ``labels`` if they are, else the sample's and the extension's."""
    if len(labels) == len(prepared.X) or extension is None:
        return labels
    everyone = np.asarray(extension.label(prepared.X)).copy()
    everyone[prepared.picture.shown] = labels
    return everyone


def show_agreement(truth: np.ndarray, labels: np.ndarray) -> None:
    """The adjusted Rand index and the table of true groups against clusters."""
    score = adjusted_rand_score(truth, labels)
    st.metric("Adjusted Rand index", f"{score:.3f}")
    true_names, clusters, counts = contingency_matrix(truth, labels)
    columns = ["noise" if cluster == -1 else f"cluster {cluster}" for cluster in clusters]
    st.dataframe(pd.DataFrame(counts, index=[str(name) for name in true_names], columns=columns))
    st.caption(
        "The adjusted Rand index compares the clusters with the label column: 1 when they "
        "group the rows identically (whatever the cluster numbers), about 0 for a "
        "clustering no better than chance. Each row of the table is a true group, each "
        "column a cluster."
    )


def clustered_csv(
    table: pd.DataFrame, prepared: Prepared, labels: np.ndarray, proba: np.ndarray | None = None
) -> bytes:
    """The rows used, as uploaded, with their cluster (and each component's probability)."""
    rows = table.loc[prepared.rows].copy()
    rows["cluster"] = np.asarray(labels)
    if proba is not None:
        for component in range(proba.shape[1]):
            rows[f"probability {component}"] = proba[:, component]
    return rows.to_csv(index=False).encode("utf-8")


# -- drawing points ----------------------------------------------------------------------------

LINK_KEY = "yd_points"  # the query parameter that carries a drawing
# Each coordinate is kept to 0.01 in [-20.48, 20.47]: 4,096 steps, 12 bits, so
# a point is 3 bytes, 4 characters of URL-safe base64 (a link of 500 points
# stays at 2,000 characters).
STEP = 0.01
OFFSET = 2048
LEVELS = 4096
CHARS_PER_POINT = 4
BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
EMPTY_BOX = (-3.0, 3.0, -2.0, 2.0)  # the plane when starting from nothing
EMPTY_START = "an empty plane"
PLANE_KEY = "yd_plane"  # session state: the plane's last report


def encode_points(points: np.ndarray) -> str:
    """A drawing as a short link value: 4 URL-safe characters a point."""
    levels = (
        np.rint(np.asarray(points, dtype=float).reshape(-1, 2) / STEP).astype(np.int64) + OFFSET
    )
    levels = np.clip(levels, 0, LEVELS - 1)
    packed = (levels[:, 0] << 12) | levels[:, 1]
    triples = np.stack([(packed >> 16) & 255, (packed >> 8) & 255, packed & 255], axis=1)
    return base64.urlsafe_b64encode(triples.astype(np.uint8).tobytes()).decode("ascii")


def decode_points(text: str) -> np.ndarray:
    """The points in a link value made by :func:`encode_points`; a DataProblem if it is not one."""
    if len(text) > URL_VALUE_MAX_CHARS:
        raise DataProblem(f"it is {len(text):,} characters long (at most {URL_VALUE_MAX_CHARS:,}).")
    if len(text) % CHARS_PER_POINT or not set(text) <= BASE64URL:
        raise DataProblem("it is not a drawing made by this app.")
    triples = np.frombuffer(base64.urlsafe_b64decode(text), dtype=np.uint8).reshape(-1, 3)
    packed = (
        (triples[:, 0].astype(np.int64) << 16)
        | (triples[:, 1].astype(np.int64) << 8)
        | triples[:, 2]
    )
    levels = np.stack([packed >> 12, packed & (LEVELS - 1)], axis=1)
    return ((levels - OFFSET) * STEP).round(2)


def plane_box(points: np.ndarray) -> tuple[float, float, float, float]:
    """The plane shown: the empty plane's box, widened to hold the points with a margin."""
    x_min, x_max, y_min, y_max = EMPTY_BOX
    if len(points):
        low, high = points.min(axis=0), points.max(axis=0)
        margin = 0.1 * (high - low).max() + STEP
        x_min, y_min = np.minimum([x_min, y_min], low - margin)
        x_max, y_max = np.maximum([x_max, y_max], high + margin)
    limit = (OFFSET - 1) * STEP
    return tuple(float(np.clip(round(v, 2), -limit, limit)) for v in (x_min, x_max, y_min, y_max))


def replace_drawing(points: np.ndarray) -> None:
    """Python replaces the drawing (start over, a link): a new revision the browser takes."""
    mine = record()
    old = mine.get("drawn")
    points = np.asarray(points, dtype=float).reshape(-1, 2).round(2)
    mine["drawn"] = {
        "points": points,
        "revision": 0 if old is None else old["revision"] + 1,
        "box": plane_box(points),
    }


def drawing_from_link() -> None:
    """On opening, the drawing a shared link carries; a tampered one is dropped with a notice."""
    text = st.query_params.get(LINK_KEY)
    if text is None:
        replace_drawing(np.empty((0, 2)))
        return
    try:
        points = decode_points(text)
    except DataProblem as problem:
        drop_link()
        shown = escape_markdown(shorten(text, SHOWN_NAME_CHARS))
        st.toast(f"The link's drawing ({shown}) was ignored: {problem}", icon="⚠️")
        points = np.empty((0, 2))
    replace_drawing(points[:DRAWN_MAX_POINTS])


def drop_link() -> None:
    """Take the drawing out of the page's link."""
    if LINK_KEY in st.query_params:
        del st.query_params[LINK_KEY]


def take_report(prefix: str) -> None:
    """Keep the list the browser sent, if it is about the current drawing (idempotent)."""
    drawn = record()["drawn"]
    value = (st.session_state.get(f"{PLANE_KEY}_{prefix}") or {}).get("points")
    points = reported_points(value, PLANE_KEY, drawn["revision"], drawn["box"], DRAWN_MAX_POINTS)
    if points is not None:
        drawn["points"] = points


def draw_points(prefix: str) -> Prepared | None:
    """The plane to draw on, then its brush; the drawn points, once there are at least two.

    The brush's sliders sit under the plane but set how it draws, so their
    values are read from the session first; "Start over" acts in its callback.
    """
    mine = record()
    if "drawn" not in mine:
        drawing_from_link()
    take_report(prefix)
    brush = {f"{prefix}_yd_brush": 10, f"{prefix}_yd_spread": 0.15}
    for key, default in brush.items():
        st.session_state.setdefault(key, default)
    drawn = mine["drawn"]
    click_plane(
        drawn["points"],
        plane=PLANE_KEY,
        revision=drawn["revision"],
        bounds=drawn["box"],
        limit=DRAWN_MAX_POINTS,
        key=f"{PLANE_KEY}_{prefix}",
        on_change=lambda: take_report(prefix),
        label="A plane to draw points on",
        brush=st.session_state[f"{prefix}_yd_brush"],
        spread=st.session_state[f"{prefix}_yd_spread"],
    )
    st.caption(
        "Click on empty space to drop a small cloud of points, click a point to remove it. "
        "Drawn points are clustered as they are (not standardised), and they travel in "
        "the page's link."
    )
    drawing_controls(prefix)
    points = drawn["points"]
    if len(points):
        st.query_params[LINK_KEY] = encode_points(points)
    else:
        drop_link()
    if len(points) < 2:
        st.info("Click on the plane to draw at least two points.")
        return None
    rows = np.arange(len(points))
    return Prepared(digest_name(points, None), points, None, rows, Picture(points))


def drawing_controls(prefix: str) -> None:
    """The brush (points a click drops, their spread) and where a drawing starts over from."""
    st.slider("Points a click drops", 1, 30, key=f"{prefix}_yd_brush")
    st.slider("Spread of a click", 0.02, 1.0, step=0.01, key=f"{prefix}_yd_spread")
    start_key = f"{prefix}_yd_start"
    st.selectbox("Start from", [EMPTY_START, *DATASETS], key=start_key)
    st.button(
        "Start over",
        key=f"{prefix}_yd_restart",
        on_click=lambda: replace_drawing(starting_points(st.session_state[start_key])),
    )


def starting_points(name: str) -> np.ndarray:
    """A chapter data set thinned to a few hundred points, or nothing."""
    if name == EMPTY_START:
        return np.empty((0, 2))
    X, _ = load_chapter_points(name)
    chosen = np.random.default_rng(SAMPLE_SEED).choice(
        len(X), min(DRAWN_START_POINTS, len(X)), replace=False
    )
    return X[np.sort(chosen)]


def drawn_table() -> pd.DataFrame:
    """The drawing as a table of two columns, for the download."""
    return pd.DataFrame(record()["drawn"]["points"], columns=["x1", "x2"])


# -- placing the starting centroids by clicking ----------------------------------------------------

MY_CLICKS = "my clicks"
CENTROIDS_KEY = "yd_centroids"  # session state: the centroid planes' last reports, by page
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def with_clicks(inits: tuple[str, ...]) -> tuple[str, ...]:
    """A page's initialisation choices with "my clicks" at the end."""
    return (*inits, MY_CLICKS)


def clicked_start(method: str, dataset: str, k: int, prefix: str) -> str:
    """``method`` unchanged, or for "my clicks" the plane to click k centres on.

    Returns "my clicks" followed by the centres, ``(x, y)`` each, so that the
    page's caches keyed on the method tell one start from another and its
    texts can show it. The page stops under the plane until k centres are placed.
    """
    if method != MY_CLICKS:
        return method
    X = picture(dataset).points
    plane = f"{CENTROIDS_KEY} {dataset}"
    centres = record().setdefault(CENTROIDS_KEY, {})
    placed = centres.get(prefix)
    if placed is None or placed["plane"] != plane:
        placed = centres[prefix] = {"plane": plane, "points": np.empty((0, 2)), "box": data_box(X)}
    take_centroids(prefix, k)
    click_plane(
        placed["points"][:k],
        plane=plane,
        revision=0,
        bounds=placed["box"],
        limit=k,
        key=f"{CENTROIDS_KEY}_{prefix}",
        on_change=lambda: take_centroids(prefix, k),
        label=f"The data; click {k} places to start k-means there",
        mode="centroids",
        background=X[:: math.ceil(len(X) / PLANE_BACKGROUND_POINTS)],  # evenly thinned
    )
    chosen = placed["points"][:k]
    if len(chosen) < k:
        st.info(
            f"Click {k - len(chosen)} more place(s) on the plane: Lloyd's algorithm will "
            "start from your centroids. Click a cross to remove it."
        )
        st.stop()
    return f"{MY_CLICKS} " + " ".join(f"({x:g}, {y:g})" for x, y in chosen)


def take_centroids(prefix: str, k: int) -> None:
    """Keep the centres the browser sent for this page's plane, if they fit it (idempotent)."""
    placed = record()[CENTROIDS_KEY][prefix]
    value = (st.session_state.get(f"{CENTROIDS_KEY}_{prefix}") or {}).get("points")
    reported = reported_points(value, placed["plane"], 0, placed["box"], k)
    if reported is not None:
        placed["points"] = reported


def data_box(X: np.ndarray) -> tuple[float, float, float, float]:
    """The points' box with a margin, rounded outwards to 0.01."""
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.05 * (high - low).max() + STEP
    (x_min, y_min), (x_max, y_max) = np.floor((low - margin) * 100), np.ceil((high + margin) * 100)
    return (x_min / 100, x_max / 100, y_min / 100, y_max / 100)


def clicks(method: str) -> np.ndarray:
    """The clicked centres a "my clicks" method carries, as points of the figure's plane."""
    return np.array([float(n) for n in NUMBER.findall(method)]).reshape(-1, 2)


def initial(method: str, dataset: str) -> str | np.ndarray:
    """What to start Lloyd's algorithm with: the clicked centres, else ``method``.

    Clicks are places on the figure; with more than two features they stand
    for the points of the picture's plane there (:meth:`Picture.lift`).
    """
    if not method.startswith(MY_CLICKS):
        return method
    return picture(dataset).lift(clicks(method))


def start_centres(X: np.ndarray, k: int, method: str, seed: int, dataset: str) -> np.ndarray:
    """The starting centres: the clicked ones, or drawn by ``init_centroids``."""
    start = initial(method, dataset)
    if isinstance(start, np.ndarray):
        return start
    return init_centroids(X, k, method=start, random_state=seed)


def kmeans_start(method: str, n_init: str | int, dataset: str) -> dict:
    """``KMeans`` keyword arguments for a start: clicked centres are one start (n_init = 1)."""
    start = initial(method, dataset)
    if isinstance(start, np.ndarray):
        return {"init": start, "n_init": 1}
    return {"init": start, "n_init": n_init}


def kmeans_code(method: str, dataset: str, k: int, n_init: int, seed: int) -> str:
    """The scikit-learn-style call that makes the page's runs, as code that runs on ``X``.

    Clicked centres are printed as an array of rounded numbers on the line
    above the call (every run starts from them, so one run is enough); with
    more than two features, lifted from the picture's plane by its PCA.
    """
    if sampled(dataset) != dataset:  # a large table: the step page's runs use its sample
        sample_size = len(load_points(sampled(dataset))[0])
        note = f"# X: the {sample_size:,}-row sample the runs above use, not every row\n"
        return note + kmeans_code(method, sampled(dataset), k, n_init, seed)
    if not method.startswith(MY_CLICKS):
        return f"KMeans(n_clusters={k}, init={method!r}, n_init={n_init}, random_state={seed})"
    rows = ", ".join(f"[{x!r}, {y!r}]" for x, y in clicks(method).round(2).tolist())
    clicked = f"np.array([{rows}])"
    lines = [f"init = {clicked}  # your clicks"]
    if picture(dataset).pca is not None:
        lines = [
            "pca = PCA(n_components=2).fit(X)  # X: the features as the page clusters them",
            f"init = pca.inverse_transform({clicked})  # your clicks",
        ]
    return "\n".join([*lines, f"KMeans(n_clusters={k}, init=init, n_init=1)"])


def starts_in_words(method: str, seed: int, n_runs: int) -> str:
    """Where the restarts of the step page start, and what the code under them runs."""
    if method.startswith(MY_CLICKS):
        return (
            f"Every panel starts from your clicked centroids, so all {n_runs} runs end alike, "
            "and the code below runs one."
        )
    return (
        f"Each panel starts from a different {method} initialisation drawn from seed {seed}; "
        f"the code below runs these {n_runs} starts."
    )


def unclicked(method: str) -> str:
    """The method for fits at other k than the clicked centres': k-means++ instead of clicks."""
    return "k-means++" if method.startswith(MY_CLICKS) else method


def picture_note(name: str, shading: str | None) -> None:
    """Under a figure of user data: what it draws of a large table or of many features.

    ``shading`` names what the figure colours by the model, as the subject of
    a sentence ("The coloured regions"); None for a figure that leaves the
    regions out because it cannot draw them truly in more than two dimensions.
    """
    if not is_yours(name):
        return
    prepared = stored(name)
    drawn, n_features = prepared.picture, prepared.X.shape[1]
    sentences = []
    if drawn.shown is not None:
        sentences.append(
            f"The figure draws a random {len(drawn.points):,} of the {len(prepared.X):,} rows."
        )
    if drawn.pca is not None:
        kept = drawn.pca.explained_variance_ratio_.sum()
        sentences.append(
            f"It draws the {n_features} features on their first two principal components, "
            f"which keep {kept:.0%} of the variance."
        )
        sentences.append(
            f"The centroids' regions are not shaded: in {n_features} dimensions the points "
            "nearest each centroid do not form the flat Voronoi diagram of the drawn "
            f"centroids. The points' colours are their clusters in all {n_features} features."
            if shading is None
            else f"{shading} show the model on that plane only, a slice through the "
            f"{n_features}-dimensional space, so a point lying off the plane may sit in a "
            "region of another colour than its own."
        )
    if sentences:
        st.caption(" ".join(sentences))
