"""Clustering Explorer: the entry point. Page setup and navigation, nothing else."""

import streamlit as st
from catalog import CHAPTER_PAGES

st.set_page_config(
    page_title="Clustering Explorer", page_icon=":material/scatter_plot:", layout="wide"
)

pages = [st.Page("views/home.py", title="Home", icon=":material/home:", default=True)]
pages += [st.Page(page.path, title=page.title, icon=page.icon) for page in CHAPTER_PAGES]
st.navigation(pages).run()
