"""Every bound that keeps one small server safe from large or hostile input, in one place.

The app runs on small machines (two cores, a few GB of memory) and serves
many people at once, so nothing a user sends may make it hold an unbounded
amount of memory: each upload is capped for what it is for, before anything
parses it, and each cache holds a bounded number of entries whose size we
know. The numbers below say what each bound is and why; pages import them
from here instead of writing numbers of their own.

Memory budget of the caches, all users together (entries × size of one)::

    segmentation results   SEGMENTED_ENTRIES × ~3 MB   = ~100 MB
    uploaded pictures      UPLOADED_PICTURES × ~2 MB   =  ~16 MB  (pixels, colour table, PNG)
    semi-supervised page   CLUSTERINGS × ~0.6 MB        =  ~20 MB
                           TILE_SETS × ~0.1 MB          =   ~3 MB
                           LEAST_SURE × a few KB        =   <1 MB
    k-means pages          VORONOI_FITS × 3 × ~0.1 MB   =  ~38 MB  (fit, silhouettes, regions)
                           STEP_RUNS × 2 × ~0.5 MB      =  ~64 MB  (every half-step, its JSON)
                           RESTART_SETS × 2 × ~0.5 MB   =  ~32 MB  (runs and their figure)
                           K_CURVES, FAILURE_VIEWS      =  ~10 MB  (curves and figures)
    data sets              GENERATED_SETS × ~80 KB      =   ~3 MB  (<= 5,000 points)
                           REFERENCE_CLUSTERINGS × <1 KB =  <1 MB  (centroids, colours)
    DBSCAN page            DBSCAN_DATA × ~80 KB         =   ~3 MB  (k-distance curves)
                           DBSCAN_FITS × 3 × ~0.2 MB    =  ~38 MB  (fit, vote, regions)
    mixtures page          MIXTURE_FITS × a few KB      =   ~2 MB
                           DENSITY_GRIDS × ~0.5 MB      =  ~32 MB  (a 150 x 150 grid)
    built figures          FIGURES × ~0.3 MB per kind   =  ~80 MB  (four kinds)
    your data (all pages)  YOUR_DATA_STORE_BYTES        = 128 MB  (every row, all features)

which, with Python, NumPy, scikit-learn and plotly loaded (~300 MB) and one
image being decoded (at most ``MAX_DECODE_BYTES``), stays well under 1 GB.
Besides, a session that uploads a table of its own keeps it for its pages: at
most ``YOUR_DATA_MAX_BYTES`` of text, which parses to at most about four times
as many bytes (a cell takes at least two bytes of text and eight as a float).
"""

from __future__ import annotations

from clustering.images import MAX_DECODE_BYTES, MAX_FILE_BYTES, MAX_PIXELS

__all__ = [
    "CLUSTERINGS",
    "DBSCAN_DATA",
    "DBSCAN_FITS",
    "DENSITY_GRIDS",
    "DRAWN_MAX_POINTS",
    "DRAWN_START_POINTS",
    "EPS_PAIRS",
    "FAILURE_VIEWS",
    "FIGURES",
    "GENERATED_SETS",
    "IMAGE_MAX_BYTES",
    "IMAGE_MAX_DECODE_BYTES",
    "IMAGE_MAX_PIXELS",
    "K_CURVES",
    "LABELS_MAX_BYTES",
    "LEAST_SURE",
    "MIXTURE_FITS",
    "NEW_POINTS_MAX_CHARS",
    "PLANE_BACKGROUND_POINTS",
    "POOL_QUEUE",
    "POOL_RESULTS",
    "REFERENCE_CLUSTERINGS",
    "REMEMBERED_FITS",
    "RESTART_SETS",
    "SEGMENTED_ENTRIES",
    "SERVER_MAX_UPLOAD_MB",
    "STEP_RUNS",
    "TILE_SETS",
    "UPLOADED_PICTURES",
    "URL_VALUE_MAX_CHARS",
    "VORONOI_FITS",
    "YOUR_DATA_MAX_BYTES",
    "YOUR_DATA_MAX_CLASSES",
    "YOUR_DATA_MAX_ROWS",
    "YOUR_DATA_SETS",
    "YOUR_DATA_STORE_BYTES",
    "YOUR_DATA_WORKING_ROWS",
]

# -- uploads ---------------------------------------------------------------------------

#: A picture to segment: the limit the upload widget states. The image loader
#: refuses anything larger, whatever the browser let through.
IMAGE_MAX_BYTES = MAX_FILE_BYTES
#: Pixels a picture may unpack to ("decompression bombs"), checked from the header.
IMAGE_MAX_PIXELS = MAX_PIXELS
#: Memory one picture may take while it is decoded, reckoned from the header.
IMAGE_MAX_DECODE_BYTES = MAX_DECODE_BYTES
#: An exported labels file: k = 100 gives about 2 KB of CSV or JSON, so 64 KB
#: leaves room for hand-edited files and refuses anything else before parsing.
LABELS_MAX_BYTES = 64 * 1024
#: The server refuses any upload larger than this (``server.maxUploadSize`` in
#: .streamlit/config.toml, in MB, must equal it; a test checks). It is the
#: largest upload the app takes, the picture, so a 190 MB "labels file" never
#: reaches Python at all.
SERVER_MAX_UPLOAD_MB = MAX_FILE_BYTES // 2**20
#: A table of your own data (CSV or TSV): as large as the server takes, 20 MB,
#: which is already far more rows than any page shows (see the next two).
YOUR_DATA_MAX_BYTES = SERVER_MAX_UPLOAD_MB * 2**20
#: Rows a table may have, counted as lines before anything parses it: a file of
#: ten million short rows is refused at once instead of filling memory.
YOUR_DATA_MAX_ROWS = 1_000_000
#: Rows a page draws and its slow parts work on; k-means and the mixtures fit
#: every row of a larger table, the rest uses a random sample, with a notice.
#: The slowest parts grow as the square of the points (the silhouette for
#: k = 2..10, DBSCAN's neighbourhoods at a large eps), the step player sends
#: every half-step's labels to the browser, and the chapter's own sets stop at
#: 5,000 points on the DBSCAN page for the same reason.
YOUR_DATA_WORKING_ROWS = 5_000
#: Pairs of points whose median distance sets the top of DBSCAN's eps slider for a
#: user's data: enough for a median within a few percent, in well under a millisecond.
EPS_PAIRS = 2_000
#: Distinct values a label column may have: it names groups to compare the
#: clusters with (k <= 10 here), and its table of groups against clusters must fit
#: on a screen. A column with hundreds of values is an identifier, not a label.
YOUR_DATA_MAX_CLASSES = 50

# -- links -----------------------------------------------------------------------------

# How long a link can be: the web server under ``streamlit run`` (uvicorn with
# h11) drops the connection when a request's first line and headers exceed
# about 125 KB (measured: 120,000 characters of query served, 128,000 reset),
# before any of the app runs, so the browser shows its own error page and the
# app cannot explain; behind nginx the limit is its large_client_header_buffers
# (8 KB by default, answered with "414 Request-URI Too Large"). The app keeps
# every link it writes far below both: each value is bounded below, and all of
# a page's values together stay under about 2 KB.

#: The longest value one query parameter may hold. The longest the app writes
#: is the semi-supervised labels (one character a representative, k <= 100)
#: or a few typed points; anything far longer was not made by the app.
URL_VALUE_MAX_CHARS = 2_000
#: The DBSCAN page's typed new points: ~100 points, and the link stays short.
NEW_POINTS_MAX_CHARS = 1_000
#: Points a drawing of your own data may hold: each takes 4 characters of the
#: link (app/your_data.py), so 500 fill one link value.
DRAWN_MAX_POINTS = URL_VALUE_MAX_CHARS // 4
#: A drawing started from a chapter data set keeps this many of its points
#: (a random choice), leaving room to add more within DRAWN_MAX_POINTS.
DRAWN_START_POINTS = 300

# -- the browser ---------------------------------------------------------------------------

#: Data points drawn in grey under the centroids a user clicks: enough to see the
#: groups; the page's data (up to YOUR_DATA_WORKING_ROWS) are thinned evenly to it,
#: so the component's data stay under ~50 KB of JSON.
PLANE_BACKGROUND_POINTS = 2_000

# -- caches (entries; the size of one entry is in the module docstring) -----------------

#: Data sets made by their generators, per name, size, noise and seed (the DBSCAN
#: page lets the user choose those; the other pages use the chapter's three).
GENERATED_SETS = 32
#: Reference clusterings that fix the cluster colours: per data set and k, centroids only.
REFERENCE_CLUSTERINGS = 128
#: Segmentations (picture, k, n_init, seed): ~3 MB each (result and its PNG).
SEGMENTED_ENTRIES = 32
#: Uploaded pictures decoded, with their colour tables and PNGs.
UPLOADED_PICTURES = 8
#: k-means of the 1,400 training digits for one (k, seed): ~0.6 MB each.
CLUSTERINGS = 32
#: The representatives' pictures for one (k, seed): k small PNGs, ~100 KB.
TILE_SETS = 32
#: The least-sure digits for one set of labels: a short list each.
LEAST_SURE = 64
#: k-means fits (their silhouettes, their Voronoi regions) on the chapter's 2-D sets.
VORONOI_FITS = 128
#: Curves over k = 1..10 (inertia/silhouette, BIC/AIC figures), per data set and setting.
K_CURVES = 32
#: The "where k-means fails" figure, per init and seed.
FAILURE_VIEWS = 16
#: Every half-step of one Lloyd run, and the step player's data built from it.
STEP_RUNS = 64
#: The n_init runs of one setting and their side-by-side figure.
RESTART_SETS = 32
#: DBSCAN's k-distance curves, per data setting.
DBSCAN_DATA = 32
#: DBSCAN fits, their vote classifiers and the regions they vote, per setting.
DBSCAN_FITS = 64
#: Gaussian mixture fits, per data set, covariance type, k, n_init and seed.
MIXTURE_FITS = 256
#: Density grids of a fitted mixture, for the contours.
DENSITY_GRIDS = 64
#: Figures a page builds from cached results and keeps per setting, so that a
#: rerun with a setting seen before sends the same figure again without building
#: it (the Voronoi map and k-curves, the DBSCAN clusters, the mixture density):
#: ~0.1-0.5 MB each.
FIGURES = 64
#: Users' prepared points, shared by the pages' caches; a session whose points
#: left re-adds them on its next run. At most this many tables, and at most
#: YOUR_DATA_STORE_BYTES of points (a million rows of 16 features take 128 MB).
YOUR_DATA_SETS = 64
YOUR_DATA_STORE_BYTES = 128 * 2**20

# -- the server's worker pool (app/jobs.py) ----------------------------------------------

#: Finished results the pool keeps for every session to share (accuracy tables,
#: BIC/AIC curves: a few KB each).
POOL_RESULTS = 256
#: Jobs waiting for a worker, all sessions together: about two for each of a class
#: of 30; past it a request is refused at once and the page says it is catching up.
POOL_QUEUE = 64
#: Test accuracies a worker process remembers by training set (keys of at most
#: 2 x 11 KB: the rows and their labels).
REMEMBERED_FITS = 128
