"""Tables beyond text: a classifier over numbers and choices, explained with exact Shapley values."""

from textlens.tabular.data import PENGUINS, Feature, Schema, Table, TabularDataError, load_penguins, load_table, screen
from textlens.tabular.explain import DatasetView, dataset_view, explain_row, explain_values, predict_values
from textlens.tabular.model import BACKGROUND_ROWS, TabularModel, data_hash, train

__all__ = [
    "BACKGROUND_ROWS",
    "PENGUINS",
    "DatasetView",
    "Feature",
    "Schema",
    "Table",
    "TabularDataError",
    "TabularModel",
    "data_hash",
    "dataset_view",
    "explain_row",
    "explain_values",
    "load_penguins",
    "load_table",
    "predict_values",
    "screen",
    "train",
]
