"""The dashboard's building blocks: session state and caches (state/), shared widgets, Plotly figures and page HTML."""
