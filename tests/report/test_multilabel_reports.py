"""Reports and Present mode for a multi-label model's case: its predicted labels (several, or none), not one class."""

from __future__ import annotations

from dataclasses import replace

from tests.factories import make_explanation
from textlens.report.compare import CompareRow, row_header_html
from textlens.report.pack import present_html
from textlens.store import open_store
from textlens.text.multilabel import multi_label_settings

LABELS = ("toxic", "insult")


def multi_label(values, base=0.5):
    """A hand-made two-label explanation marked as a multi-label model's (both probabilities may be high)."""
    e = make_explanation("you stupid idiot", values, labels=LABELS, base=base)
    return replace(e, scores=(0.9, 0.7), settings=multi_label_settings(True))


def test_row_header_names_every_label_above_the_threshold():
    head = row_header_html(CompareRow("#1", multi_label([0.1, 0.05, 0.05])), multi_label([0.1, 0.05, 0.05]), "insult")
    assert "predicted <b>toxic, insult</b>" in head and "P(insult) = 0.700" in head
    low = replace(multi_label([0.1, 0.05, 0.05]), scores=(0.2, 0.1))
    assert "predicted <b>no label</b>" in row_header_html(CompareRow("#2", low), low, "toxic")
    single = make_explanation("you stupid idiot", [0.1, 0.05, 0.05], labels=LABELS)
    assert "predicted <b>insult</b> 0.70" in row_header_html(CompareRow("#3", single), single, "insult")


def test_present_mode_names_the_predicted_labels(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        pack = store.create_pack("toxicity")
        store.add_case(pack.id, multi_label([0.1, 0.05, 0.05]), target="insult")
        (case,) = store.cases(pack.id)
    shown = present_html(case, 1, 1)
    assert "Predicted <b>toxic, insult</b>" in shown
    assert "explained toward" not in shown  # insult is one of the predicted labels
