import catalog


def test_home_page_renders(app_at):
    app = app_at().run()
    assert not app.exception
    assert app.title[0].value == "Clustering Explorer"


def test_home_links_every_built_page_in_chapter_order(app_at):
    app = app_at().run()
    links = [link.value for link in app.page_link]
    assert links == [page.title for page in catalog.available_pages()]


def test_a_page_without_its_file_is_left_out(tmp_path, monkeypatch):
    (tmp_path / "dbscan.py").write_text("")
    (tmp_path / "kmeans_voronoi.py").write_text("")
    monkeypatch.setattr(catalog, "VIEWS", tmp_path)
    assert [page.file for page in catalog.available_pages()] == [
        "kmeans_voronoi.py",
        "dbscan.py",
    ]


def test_every_built_page_opens_without_exception(app_at):
    app = app_at().run()
    for page in catalog.available_pages():
        app.switch_page(page.path).run()
        assert not app.exception, page.file
