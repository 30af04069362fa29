"""textlens dashboard: the entry point (`streamlit run dashboard.py`) that lists the pages."""

from __future__ import annotations

import os

import streamlit as st

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

st.set_page_config(page_title="textlens", page_icon="🔎", layout="wide")

PAGES = [
    st.Page("pages/explain.py", title="Explain", icon="🔎", default=True),
    st.Page("pages/compare.py", title="Compare", icon="↔️"),
]

# Each page draws the shared sidebar (model picker) itself: AppTest reruns a page's file directly.
st.navigation(PAGES).run()
