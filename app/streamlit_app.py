"""Clustering Explorer: the entry point. Page setup and navigation, nothing else."""

import streamlit as st
from catalog import available_pages

st.set_page_config(
    page_title="Clustering Explorer", page_icon=":material/scatter_plot:", layout="wide"
)

pages = [st.Page("views/home.py", title="Home", icon=":material/home:", default=True)]
pages += [st.Page(page.path, title=page.title, icon=page.icon) for page in available_pages()]
st.navigation(pages).run()
