"""Home: what Clustering Explorer teaches and where to start."""

import streamlit as st
from catalog import CHAPTER_PAGES

st.title("Clustering Explorer")
st.markdown(
    """
Most data comes without labels. Clustering finds groups of similar instances
anyway, and this app lets you watch it happen: move a slider and see the
clusters change.

Each page takes one idea from the chapter on clustering, in the chapter's order.
"""
)

for page in CHAPTER_PAGES:
    st.page_link(page.path, label=page.title, icon=page.icon)
    st.caption(page.lesson)
