"""What an earlier textlens wrote stays readable: a review-pack bundle and a corpus result folder made by
0.1.0 before the One house move (commit 1eba524, when the modules had other paths) load unchanged.
Records carry their ``kind``, never a module path, so moving code cannot orphan them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from textlens import Explanation, Prediction
from textlens.corpus import read_result, read_stored, stored_explanations
from textlens.corpus.overview import summarize_folder
from textlens.report.pack import pack_report
from textlens.store import import_bundle, open_store
from textlens.types import ADDITIVITY_TOLERANCE, ImageExplanation, TabularExplanation

OLD = Path(__file__).parent / "data" / "before-one-house"


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "packs.db"))
    yield s
    s.close()


def test_an_old_pack_bundle_imports_with_every_kind(store):
    expected = json.loads((OLD / "expected.json").read_text())
    pack = import_bundle(store, (OLD / "pack-bundle.json").read_bytes())
    assert (pack.name, pack.owner) == ("Before One house", "ana")
    text, prediction, image, tabular = store.cases(pack.id)
    assert [c.kind for c in (text, prediction, image, tabular)] == ["text", "text-prediction", "image", "tabular"]
    explanation = text.result()
    assert isinstance(explanation, Explanation)
    assert explanation == Explanation.from_dict(expected["text"])
    for i in range(len(explanation.labels)):  # base value + word values = the model's output, as stored
        total = explanation.base_values[i] + sum(w.values[i] for w in explanation.words)
        assert abs(total - explanation.scores[i]) <= ADDITIVITY_TOLERANCE
    assert (text.note, text.verdict, text.provenance["model_id"]) == ("<b>note</b>", "right-wrong", "default")
    assert isinstance(prediction.result(), Prediction) and prediction.result().text == "A dull mess."
    assert isinstance(image.result(), ImageExplanation) and image.image
    assert tabular.result() == TabularExplanation.from_dict(expected["tabular"])
    html = pack_report(store.pack(pack.id), store.cases(pack.id))
    assert "&lt;b&gt;note&lt;/b&gt;" in html and "<b>note</b>" not in html


def test_an_old_corpus_folder_reads_summarises_and_opens_as_a_dataset_run():
    result = read_result(OLD / "corpus")
    assert result.text_column == "review" and result.label_column == "label"
    assert len(result.frame) == 3 and list(result.labels) == ["NEGATIVE", "POSITIVE"]
    summary = summarize_folder(OLD / "corpus")
    assert summary["complete"] and summary["counts"]["done"] == 3
    stored = read_stored(OLD / "corpus")
    explanations = stored_explanations(stored, [0, 1, 2])
    assert [e.text for e in explanations] == ["I loved it.", "A dull mess.", "Fine, I guess."]
    assert explanations[0].predicted_label == "POSITIVE" and explanations[1].predicted_label == "NEGATIVE"
