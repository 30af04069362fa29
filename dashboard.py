"""textlens dashboard: the entry point (`streamlit run dashboard.py`) with the model picker and page list."""

from __future__ import annotations

import os

import streamlit as st

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

st.set_page_config(page_title="textlens", page_icon="🔎", layout="wide")

import ui  # noqa: E402  (set_page_config must come first)

PAGES = [
    st.Page("pages/explain.py", title="Explain", icon="🔎", default=True),
    st.Page("pages/compare.py", title="Compare", icon="↔️"),
]

navigation = st.navigation(PAGES)
ui.model_picker()
st.sidebar.divider()
st.sidebar.caption(
    "Red words push the prediction toward the target class, blue words away from it. "
    "Values are SHAP attributions in probability."
)
navigation.run()
