"""Dataset components: confusion matrix cells, reliability diagram, tables, and the escaped HTML report."""

from __future__ import annotations

import numpy as np

from components.dataset.figures import confusion_figure, reliability_figure, word_aggregate_figure
from components.dataset.report import ExplainedRow, confusion_html, dataset_report
from components.dataset.tables import contrast_frame, slices_frame, words_frame
from textlens.dataset import compute_metrics, metadata_slices, slice_metrics
from textlens.report.export_info import ExportInfo
from textlens.text.wordstats import WordContrast, WordStat
from textlens.types import Explanation, Span

EVIL = "<script>alert(1)</script>"
LABELS = (f"{EVIL}neg", "POS<b>")


def metrics():
    truth = np.array([0, 0, 0, 1, 1, 1, 1])
    predicted = np.array([0, 1, 0, 1, 1, 0, 1])
    return compute_metrics(truth, predicted, np.array([0.9, 0.8, 0.7, 0.95, 0.6, 0.55, 0.99]), LABELS)


def explanation() -> Explanation:
    text = f"{EVIL} great"
    return Explanation(
        text=text,
        model_id="m<i>",
        labels=LABELS,
        scores=(0.2, 0.8),
        base_values=(0.5, 0.5),
        words=(Span(EVIL, 0, len(EVIL), (0.1, -0.1)), Span("great", len(EVIL) + 1, len(text), (-0.2, 0.2))),
        features=(),
        leaves="words",
        max_evals=10,
        evals=10,
        evals_needed=10,
        unsettled=0.0,
    )


def test_confusion_figure_cells_are_clickable_points_with_escaped_labels():
    fig = confusion_figure(metrics())
    points = fig.data[-1]
    assert [list(c) for c in points.customdata] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert [a.text.split("<br>")[0] for a in fig.layout.annotations] == ["<b>2</b>", "<b>1</b>", "<b>1</b>", "<b>3</b>"]
    assert EVIL not in str(fig.layout.xaxis.ticktext) and "&lt;script&gt;" in str(fig.layout.xaxis.ticktext)
    assert len(fig.layout.shapes) == 4


def test_reliability_and_word_figures_build():
    assert len(reliability_figure(metrics()).data) == 3
    stats = [WordStat(EVIL, 0.3, 0.6, 2, 2, 0.3), WordStat("dull", -0.2, -0.4, 2, 2, 0.2)]
    fig = word_aggregate_figure(stats, LABELS[1])
    assert list(fig.data[0].x) == [0.3, -0.2] and EVIL not in str(fig.data[0].y)


def test_tables_keep_values_as_data():
    table = words_frame([WordStat(EVIL, 0.3, 0.6, 2, 3, 0.35)])
    assert table.iloc[0].tolist() == [EVIL, 0.3, 0.35, 2, 3]  # st.dataframe shows it literally
    contrast = contrast_frame([WordContrast("x", WordStat("x", 0.4, 0.8, 2, 2, 0.4), None)])
    assert contrast.iloc[0]["correct rows"] == 0 and contrast.iloc[0]["difference"] == 0.4
    m = metrics()
    truth = np.array([0, 0, 0, 1, 1, 1, 1])
    table = slice_metrics(metadata_slices([EVIL] * 7, EVIL), truth, truth, np.full(7, 0.9), LABELS)
    assert slices_frame(table).iloc[0]["slice by"] == EVIL
    assert "&lt;script&gt;" in confusion_html(m) and EVIL not in confusion_html(m)


def test_report_escapes_every_user_string():
    m = metrics()
    truth = np.array([0, 0, 0, 1, 1, 1, 1])
    slices = slice_metrics(metadata_slices([EVIL] * 7, f"col{EVIL}"), truth, truth, np.full(7, 0.9), LABELS)
    html = dataset_report(
        info=ExportInfo(f"file{EVIL}.csv", "model<x>", "float32", "each row's predicted label"),
        metrics=m,
        slices=slices,
        words=[WordStat(EVIL, 0.3, 0.6, 2, 2, 0.3)],
        words_target=LABELS[1],
        contrast=[WordContrast(EVIL, WordStat(EVIL, 0.4, 0.8, 2, 2, 0.4), None)],
        explained=[ExplainedRow(3, explanation(), f"truth{EVIL}")],
        notes=[f"note {EVIL}"],
    )
    assert "<script>" not in html.replace('<meta http-equiv="Content-Security-Policy"', "")
    assert "alert(1)" in html  # shown, as text
    for expected in ("Metrics", "Confusion matrix", "Calibration", "Worst slices", "Explained rows", "row 3"):
        assert expected in html
    assert "POS&lt;b&gt;" in html and "model&lt;x&gt;" in html


def test_report_carries_a_second_model_escaped():
    """With model B the report gives its name, the paired headline, the flip table and the slices compared."""
    from textlens.dataset.compare import PairedComparison, SliceComparison

    paired = PairedComparison(LABELS, 40, 0.8, 0.7, 0.79, 0.69, 25, 3, 7, 5, 0.34, (-0.25, 0.05))
    compared = [
        SliceComparison(f"col{EVIL}", EVIL, 30, 30, 0.8, 0.6, 1, 7, 0.07, 0.14),
        SliceComparison("length", "1-5 words", 4, 4, 0.5, 0.75, 1, 0, 1.0, float("nan")),
    ]
    html = dataset_report(
        info=ExportInfo("file.csv", "model", "float32", "each row's predicted label"),
        metrics=metrics(),
        paired=paired,
        model_b=f"/models/b{EVIL}",
        compared=compared,
    )
    assert "<script>" not in html.replace('<meta http-equiv="Content-Security-Policy"', "")
    assert "Model B: /models/b&lt;script&gt;" in html
    assert "B fixes 3 rows and breaks 7" in html and "-10.0 points" in html
    assert "<th>A right</th><td>25</td><td>7</td>" in html and "<th>A wrong</th><td>3</td><td>5</td>" in html
    assert "not significant" in html and "too few rows" in html and "-20.0" in html
