"""The Dataset room's cohort and map builders without Streamlit: filters by row id, the cohorts table and report
section, the map's figure (one point per placed row, its id in customdata, text escaped) and its selection.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from components.dataset.cohorts import cohorts_frame, top_sentences
from components.dataset.filters import cohort_filter, map_filter
from components.dataset.map import COHORT, CONFIDENCE, CORRECT, TRUE, colour_options, map_figure, picked_rows
from components.dataset.records import Scored
from textlens.dataset.cohorts import failure_cohorts
from textlens.dataset.embedding_map import RowMap
from textlens.report.cohorts import cohorts_html

HOSTILE = "<script>alert(1)</script> & <b>bold</b>"


def found_cohorts():
    rng = np.random.default_rng(0)
    n = 400
    texts = [("<b>odd</b> " if i % 5 == 0 else "") + "some words here" for i in range(n)]
    truth = rng.integers(0, 2, n)
    predicted = np.where(np.arange(n) % 5 == 0, 1 - truth, truth)
    return texts, truth, predicted, failure_cohorts(texts, truth, predicted, np.full(n, 0.9), ("NEG", "POS"))


def test_cohort_and_map_filters_keep_rows_by_id():
    _, _, _, found = found_cohorts()
    cohort = found.cohorts[0]
    picked = cohort_filter(cohort, 400)
    assert np.flatnonzero(picked.mask).tolist() == list(cohort.row_ids)
    assert picked.name == f"cohort “{cohort.description}”"
    assert not cohort_filter(None, 400).active and not map_filter((), 400).active
    assert np.flatnonzero(map_filter((9, 2, 500), 10).mask).tolist() == [2, 9]  # ids beyond the file are ignored


def test_cohorts_table_and_report_section():
    _, _, _, found = found_cohorts()
    frame = cohorts_frame(found)
    assert frame.columns.tolist() == ["cohort", "rows", "errors", "error rate", "share of errors", "p (Holm)"]
    assert frame["cohort"].tolist() == [c.description for c in found.cohorts] == ["contains 'odd'"]
    assert top_sentences(found) == ["contains 'odd': 80 rows, 100% wrong, 100% of all errors"]
    html = cohorts_html(found)
    assert "<h2>Failure cohorts</h2>" in html and "contains &#x27;odd&#x27;" in html and "<td>80</td>" in html


def scored_rows(texts, truth, predicted) -> Scored:
    labels = np.array(["NEG", "POS"], dtype=object)
    results = pd.DataFrame(
        {
            "row_id": np.arange(len(texts)),
            "text": texts,
            "true_label": labels[truth],
            "predicted_label": labels[predicted],
            "confidence": np.full(len(texts), 0.9),
        }
    )
    return Scored(results, truth, predicted, np.full(len(texts), 0.9), None, None)


def test_map_figure_points_carry_row_ids_and_escaped_hover():
    texts, truth, predicted, found = found_cohorts()
    texts = list(texts)
    texts[3] = HOSTILE
    n = len(texts)
    x = np.linspace(0, 1, n)
    x[7] = np.nan  # a row that could not be read is not drawn
    row_map = RowMap(x, np.linspace(1, 0, n), "UMAP")
    scored = scored_rows(texts, truth, predicted)
    figure = map_figure(row_map, scored, texts, CORRECT, found)
    ids = sorted(int(i) for trace in figure.data for i in trace.customdata)
    assert ids == [r for r in range(n) if r != 7]
    names = [trace.name for trace in figure.data]
    assert names == [f"correct ({(truth == predicted).sum() - (truth[7] == predicted[7])})", "wrong (80)"]
    hover = {int(i): h for trace in figure.data for i, h in zip(trace.customdata, trace.hovertext)}
    assert "<script>" not in hover[3] and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold" in hover[3]
    assert "cohort: contains &#x27;odd&#x27;" in hover[0] and "true NEG" in hover[0] or "true POS" in hover[0]
    for colour in (TRUE, CONFIDENCE, COHORT):
        figure = map_figure(row_map, scored, texts, colour, found)
        assert sum(len(t.customdata) for t in figure.data) == n - 1
    assert colour_options(False, False) == ["Predicted label", "Confidence"]


def test_a_selection_is_the_row_ids_in_customdata():
    points = [{"customdata": [12]}, {"customdata": 3}, {"customdata": {"0": 12}}, {"customdata": 5}]
    event = {"selection": {"points": points, "box": [{}]}}
    assert picked_rows(event) == (3, 5, 12)
    assert picked_rows(None) == () and picked_rows({"selection": {"points": []}}) == ()


def test_a_hostile_metadata_value_is_escaped_in_the_report():
    rng = np.random.default_rng(1)
    n = 300
    source = np.where(np.arange(n) % 3 == 0, HOSTILE, "mail")
    truth = rng.integers(0, 2, n)
    predicted = np.where((source == HOSTILE) & (rng.random(n) < 0.6), 1 - truth, truth)
    found = failure_cohorts(["a b c"] * n, truth, predicted, np.full(n, 0.9), ("NEG", "POS"), meta={"s": source})
    assert found.cohorts[0].description == f"s = {HOSTILE}"
    html = cohorts_html(found)
    assert "<script>" not in html and "<b>bold" not in html and "s = &lt;script&gt;alert(1)&lt;/script&gt;" in html
