"""Home: what Clustering Explorer teaches and where to start."""

import streamlit as st
from catalog import available_pages

st.title("Clustering Explorer")
st.markdown(
    """
Most data comes without labels. Clustering finds groups of similar instances
anyway, and this app lets you watch it happen: move a slider and see the
clusters change.

Each page takes one idea from the chapter on clustering, in the chapter's order.
"""
)

pages = available_pages()
if not pages:
    st.info("No lesson page is installed yet.")
for page in pages:
    st.page_link(page.path, label=page.title, icon=page.icon)
    st.caption(page.lesson)
