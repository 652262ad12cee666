"""The app's pages in the chapter's order, with what each one teaches.

``streamlit_app.py`` builds the navigation from this list and the Home page
links to it, so the two always agree.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    """One page of the app: its file under ``views/``, title, icon and one-line lesson."""

    file: str
    title: str
    icon: str
    lesson: str

    @property
    def path(self) -> str:
        """The page's path relative to ``app/``, as ``st.Page`` and ``st.page_link`` take it."""
        return f"views/{self.file}"


CHAPTER_PAGES = (
    PageInfo(
        "kmeans_voronoi.py",
        "k-means & Voronoi",
        ":material/hexagon:",
        "Fit k-means on the five blobs, see each centroid's Voronoi region, "
        "predict new points, and choose k with the elbow and the silhouette.",
    ),
    PageInfo(
        "kmeans_steps.py",
        "k-means step by step",
        ":material/skip_next:",
        "Walk through Lloyd's algorithm one half-step at a time and watch an "
        "unlucky start settle in a worse local optimum.",
    ),
    PageInfo(
        "dbscan.py",
        "DBSCAN",
        ":material/bubble_chart:",
        "Grow clusters from dense neighbourhoods on the moons; tune eps and "
        "min_samples and see core points, borders and noise.",
    ),
    PageInfo(
        "mixtures.py",
        "Gaussian mixtures",
        ":material/blur_on:",
        "Fit Gaussian mixtures by EM, draw their density contours, compare "
        "covariance types, and flag anomalies in low-density regions.",
    ),
    PageInfo(
        "segmentation.py",
        "Image segmentation",
        ":material/image:",
        "Cluster a photo's colours with k-means and repaint each pixel with "
        "its cluster's mean colour.",
    ),
    PageInfo(
        "semi_supervised.py",
        "Semi-supervised labelling",
        ":material/label:",
        "Label only the most representative digits and spread those labels to their clusters.",
    ),
)

