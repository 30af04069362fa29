"""Compare page: several inputs, or two models, side by side."""

import streamlit as st

st.title("Compare")
