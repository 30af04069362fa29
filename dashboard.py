"""textlens dashboard: the entry point (`streamlit run dashboard.py`) that lists the pages."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from components import auth

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# The favicon is a file the server serves: a ":material/…:" page icon makes the browser fetch an SVG from
# Google's font host. It is the manage_search glyph of the Material Symbols font bundled with Streamlit.
FAVICON = Path(__file__).parent / "static" / "favicon.png"
st.set_page_config(page_title="textlens", page_icon=FAVICON, layout="wide")

PAGES = [
    st.Page("app_pages/explain.py", title="Explain", icon=":material/manage_search:", default=True),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("app_pages/dataset.py", title="Dataset", icon=":material/table_chart:"),
    st.Page("app_pages/image.py", title="Image", icon=":material/image:"),
    st.Page("app_pages/tabular.py", title="Tabular", icon=":material/tune:"),
    st.Page("app_pages/review.py", title="Review", icon=":material/fact_check:"),
]

# The page files live in app_pages/, not pages/: a pages/ folder beside the entry switches Streamlit
# into legacy multipage mode until st.navigation first runs, which breaks deep links such as /compare
# on a fresh server. Each page draws the shared sidebar (model picker) itself, so a page rerun on its
# own (as AppTest does) still has it.
# With sign-in configured, nobody gets past the gate unsigned: the pages are registered (so deep links
# resolve) but hidden and never run, and the sign-in screen is all the page holds.
signed_in = auth.gate() is not None
page = st.navigation(PAGES, position="sidebar" if signed_in else "hidden")
if signed_in:
    page.run()
