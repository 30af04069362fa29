"""The tabular explainer."""
