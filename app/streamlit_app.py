"""Clustering Explorer: the entry point. Page setup and navigation, nothing else."""

from pathlib import Path

import streamlit as st
from catalog import CHAPTER_PAGES

# A file of our own: Streamlit would fetch a Material icon's favicon from an outside host.
FAVICON = Path(__file__).resolve().parent.parent / "assets" / "favicon.png"

st.set_page_config(page_title="Clustering Explorer", page_icon=str(FAVICON), layout="wide")

pages = [st.Page("views/home.py", title="Home", icon=":material/home:", default=True)]
pages += [st.Page(page.path, title=page.title, icon=page.icon) for page in CHAPTER_PAGES]
st.navigation(pages).run()
