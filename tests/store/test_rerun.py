"""Re-running a pack on another model: changed cases first, skips say why, the new pack links to its parent."""

from __future__ import annotations

import pytest

from tests.store.test_store import add_every_kind, text_record
from textlens import explain_many, load_classifier
from textlens.store import open_store
from textlens.store.rerun import rerun_cases, save_rerun


@pytest.fixture(scope="module")
def sentiment(tiny_sentiment_dir):
    return load_classifier(str(tiny_sentiment_dir))


def test_rerun_compares_and_saves_a_linked_pack(tmp_path, sentiment):
    store = open_store(tmp_path / "p.db")
    pack = store.create_pack("release 3")
    text, compare, dataset, image = add_every_kind(store, pack.id)
    rows = rerun_cases(
        store.cases(pack.id), sentiment.labels, lambda texts: explain_many(sentiment, texts, max_evals="auto")
    )
    assert len(rows) == 4
    assert rows[-1].case.id == image.id and "image case" in rows[-1].skipped
    done = rows[:3]
    assert {r.case.id for r in done} == {text.id, compare.id, dataset.id}
    keys = [r.order_key() for r in done]
    assert keys == sorted(keys)  # changed first
    for row in done:
        assert row.new.model_id == sentiment.model_id and row.target == row.case.target
        old_p = row.old.scores[row.old.label_index(row.target)]
        assert row.probability_change == pytest.approx(row.new.scores[row.new.label_index(row.target)] - old_p)
        assert row.label_flip == (row.new.predicted_label != row.old.predicted_label)
        assert row.changed == (
            row.label_flip or abs(row.probability_change) >= 0.01 or any(c.sign_flip for c in row.changes)
        )
    child = save_rerun(store, pack, rows, "release 3 on tiny", model_id=sentiment.model_id, author="ana")
    assert child.parent_id == pack.id and "re-run" in child.origin
    saved = store.cases(child.id)
    assert [c.context["parent_case"] for c in saved] == [text.id, compare.id, dataset.id]  # parent's order
    assert saved[0].tags == text.tags and saved[0].context["previous_note"] == "first"
    assert saved[0].result() == next(r.new for r in rows if r.case.id == text.id)
    store.close()


def test_cases_without_a_shared_label_are_skipped(tmp_path, tiny_classifier):
    store = open_store(tmp_path / "p.db")
    pack = store.create_pack("p")
    store.add_case(pack.id, text_record(), "POSITIVE")
    called = []
    rows = rerun_cases(store.cases(pack.id), tiny_classifier.labels, lambda texts: called.append(texts) or [])
    assert called == [] and "no label 'POSITIVE'" in rows[0].skipped and not rows[0].changed
    store.close()
