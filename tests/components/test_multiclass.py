"""Dataset components for many classes: a 20-class confusion matrix that fits its column, the per-class table
with the classes each one is mistaken for, and the multi-label table and summary.
"""

from __future__ import annotations

import numpy as np

from components.dataset.figures import MIN_CELL_PX, cell_px, confusion_figure
from components.dataset.tables import (
    MISTAKEN_FOR,
    metrics_frame,
    metrics_summary,
    multi_label_frame,
    multi_label_summary,
)
from textlens.dataset import compute_metrics, compute_multi_label_metrics

LABELS = tuple(f"intent_{i:02d}" for i in range(20))


def twenty_class_metrics():
    rng = np.random.default_rng(4)
    truth = rng.integers(0, 20, 300)
    predicted = np.where(rng.random(300) < 0.7, truth, rng.integers(0, 20, 300))
    return compute_metrics(truth, predicted, rng.uniform(0.1, 1, 300), LABELS)


def test_a_twenty_class_matrix_has_every_cell_clickable_and_fits_its_column():
    m = twenty_class_metrics()
    fig = confusion_figure(m, selected=(3, 5))
    points = fig.data[-1]
    assert len(points.customdata) == 400 and [list(c) for c in points.customdata][21] == [1, 1]
    assert len(fig.layout.shapes) == 400 and fig.layout.width <= 20 * 24 + 170
    nonzero = int((np.array(m.confusion) > 0).sum())
    assert len(fig.layout.annotations) == nonzero  # empty cells are blank (their hover still says 0)
    assert all("%" not in a.text for a in fig.layout.annotations)  # small cells show the count only
    assert sum(int(a.text.strip("<b>/")) for a in fig.layout.annotations) == 300
    assert fig.layout.xaxis.tickangle == -60 and list(fig.layout.xaxis.ticktext) == list(LABELS)


def test_cells_shrink_with_the_classes_and_stay_readable():
    assert [cell_px(k) for k in (2, 4, 6, 8, 20, 100)] == [100, 100, 80, 60, 24, MIN_CELL_PX]
    six = compute_metrics(np.arange(6), np.arange(6), np.ones(6), LABELS[:6])
    fig = confusion_figure(six)
    assert len(fig.layout.annotations) == 36 and all("%" in a.text for a in fig.layout.annotations)


def test_the_per_class_table_says_what_each_class_is_mistaken_for():
    truth = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    predicted = np.array([0, 2, 2, 1, 1, 2, 0, 2])
    m = compute_metrics(truth, predicted, np.ones(8), ("joy", "love", "anger"))
    frame = metrics_frame(m)
    assert frame["label"].tolist() == ["joy", "love", "anger", "macro average", "weighted average"]
    assert frame[MISTAKEN_FOR].tolist() == ["anger (2 of 3)", "", "joy (1 of 3)", "", ""]
    # F1 joy 0.4, love 1, anger 4/7, weighted by support 3, 2, 3: 0.614
    assert "weighted F1 0.614" in metrics_summary(m) and "macro-F1" in metrics_summary(m)


def test_multi_label_table_and_summary():
    truth = np.array([[1, 0], [1, 1], [0, 0], [0, 1]])
    probs = np.array([[0.9, 0.2], [0.8, 0.4], [0.1, 0.6], [0.3, 0.7]])
    m = compute_multi_label_metrics(truth, probs, ("toxic", "insult"))
    frame = multi_label_frame(m)
    assert frame["label"].tolist() == ["toxic", "insult", "micro average", "macro average"]
    assert frame["support"].tolist() == [2, 2, 4, 4]
    line = multi_label_summary(m)
    assert "subset accuracy 50.0%" in line and "Hamming loss 0.250" in line and "threshold 0.5" in line


def test_a_class_without_rows_or_predictions_has_blank_numbers_not_zeros():
    """Six classes, 'surprise' neither in the file nor predicted, 'fear' predicted once but never true: the
    table leaves the numbers that do not exist blank; the averages stay scikit-learn's."""
    from sklearn.metrics import f1_score

    truth = np.array([0, 0, 1, 1, 2, 3])
    predicted = np.array([0, 4, 1, 1, 2, 3])
    m = compute_metrics(truth, predicted, np.ones(6), LABELS[:6])
    frame = metrics_frame(m).set_index("label")
    surprise, fear = frame.loc[LABELS[5]], frame.loc[LABELS[4]]
    assert surprise[["precision", "recall", "f1"]].isna().all() and surprise["support"] == 0
    assert fear["precision"] == 0 and np.isnan(fear["recall"]) and fear["f1"] == 0
    assert frame.loc[LABELS[0], "recall"] == 0.5 and frame.loc[LABELS[0], "precision"] == 1
    assert m.macro_f1 == f1_score(truth, predicted, average="macro")
