"""Clustering Explorer: the entry point. Page setup and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="Clustering Explorer", page_icon="🔵", layout="wide")

pages = [
    st.Page("views/home.py", title="Home", icon="🏠", default=True),
]
st.navigation(pages).run()
