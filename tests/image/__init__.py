"""The image explainer."""
