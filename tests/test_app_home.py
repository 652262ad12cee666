import catalog

from tests.conftest import ROOT


def test_home_page_renders(app_at):
    app = app_at().run()
    assert not app.exception
    assert app.title[0].value == "Clustering Explorer"


def test_home_links_every_built_page_in_chapter_order(app_at):
    app = app_at().run()
    links = [link.value for link in app.page_link]
    assert links == [page.title for page in catalog.CHAPTER_PAGES]


def test_catalogue_lists_every_view_file_in_chapter_order():
    files = [page.file for page in catalog.CHAPTER_PAGES]
    assert files == [
        "kmeans_voronoi.py",
        "kmeans_steps.py",
        "dbscan.py",
        "mixtures.py",
        "segmentation.py",
        "semi_supervised.py",
    ]
    on_disk = {path.name for path in (ROOT / "app" / "views").glob("*.py")} - {"home.py"}
    assert set(files) == on_disk


def test_every_built_page_opens_without_exception(app_at):
    app = app_at().run()
    for page in catalog.CHAPTER_PAGES:
        app.switch_page(page.path).run()
        assert not app.exception, page.file
