import catalog
import pytest

pytestmark = pytest.mark.e2e


def test_home_lists_and_opens_every_built_page(app):
    app.open()
    assert "Clustering Explorer" in app.page.get_by_test_id("stMain").inner_text()
    for page in catalog.CHAPTER_PAGES:
        app.go_to(page.title)
        assert not app.has_exception(), page.title
    assert not app.has_exception()
