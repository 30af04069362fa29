"""The Compare page's session keys."""

from __future__ import annotations


class CompareKeys:
    """Session keys of the Compare page."""

    MODE = "compare_mode"
    MODEL_B = "compare_model_b"
    SOURCE = "compare_source"
    TEXTS = "compare_texts"
    FILE = "compare_file"
    FILE_DATA = "compare_file_data"  # the last upload (widgets.KeptFile): kept when the uploader is not shown
    FILE_SEEN = "compare_file_seen"  # (name, content hash) whose default columns were set
    FORGET_FILE = "compare_forget_file"
    ROWS = "compare_rows"  # which rows a run takes from a long file: first, random or model A's errors
    ROWS_SEED = "compare_rows_seed"
    FIXED_SCALE = "compare_fixed_scale"
    SHOW = "compare_show"
    ORDER = "compare_order"
    OVERVIEW_MODEL = "compare_overview_model"
    TEXT_COLUMN = "compare_text_column"
    LABEL_COLUMN = "compare_label"
    BUDGET = "compare_budget"
    RESULT = "compare_result"  # (input key, rows)
    TARGET = "compare_target"
    PER_ROW = "compare_per_row"
    FOCUS = "compare_focus"
    HEATMAP = "compare_heatmap"
    FOCUS_CHART = "compare_focus_chart"
    ADD_TO_PACK = "compare_add_"  # + the row's name ("#3"), never its place in the filtered list
