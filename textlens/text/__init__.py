"""The explainers and tools for text classifiers: models, Owen/SHAP explanations, words and their statistics."""
