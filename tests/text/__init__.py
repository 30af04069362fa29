"""The text explainers: models, Owen/SHAP explanations, words, summaries, faithfulness, preview."""
