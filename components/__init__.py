"""Pure builders for the dashboard: escaped HTML strings and Plotly figures, no Streamlit calls."""
