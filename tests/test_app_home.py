def test_home_page_renders(app_at):
    app = app_at().run()
    assert not app.exception
    assert app.title[0].value == "Clustering Explorer"
