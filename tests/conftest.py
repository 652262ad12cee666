"""Shared test fixtures and paths."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app" / "streamlit_app.py"


@pytest.fixture
def app_at():
    """Return a function that opens the app at a page (a path under app/), not yet run."""

    def open_page(page: str | None = None) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=60)
        if page is not None:
            app.switch_page(page)
        return app

    return open_page
