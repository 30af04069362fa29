"""Loading and running text classifiers (textlens/models.py): batches, labels, lengths, precision, estimates."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from textlens import EmptyTextError, ModelLoadError
from textlens.text.models import MAX_LENGTH_CAP, LockedTokenizer, _labels_of, _max_length


def test_predict_gives_probabilities_in_input_order(tiny_classifier):
    texts = ["a much longer text than the others, with many words in it", "short", "medium length text"]
    probs = tiny_classifier.predict(texts, batch_size=2)  # sorted by length inside: the order must survive
    assert probs.shape == (3, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
    for text, row in zip(texts, probs):
        np.testing.assert_allclose(tiny_classifier.predict([text])[0], row, atol=1e-5)
    assert tiny_classifier.predict([]).shape == (0, 3)


def test_classify_makes_predictions_and_refuses_empty_texts(tiny_classifier):
    (p,) = tiny_classifier.classify(["quiet joy"])
    assert p.labels == ("anger", "joy", "fear") and p.model_id == tiny_classifier.model_id
    assert p.label == p.labels[int(np.argmax(p.scores))] and not p.truncated
    with pytest.raises(EmptyTextError):
        tiny_classifier.classify(["fine", "  "])


def test_lengths_and_where_reading_stops(tiny_classifier):
    assert tiny_classifier.max_length == 64  # the tiny model's position embeddings
    assert tiny_classifier.read_until("three short words") is None
    long_text = "word " * 200
    cut = tiny_classifier.read_until(long_text)
    assert cut is not None and 0 < cut < len(long_text) and long_text[:cut].endswith("word")
    assert tiny_classifier.token_counts(["three short words", long_text]) == [5, 64]
    (p,) = tiny_classifier.classify([long_text])
    assert p.truncated and p.read_until == cut


def test_huge_text_is_probed_by_a_prefix(tiny_classifier):
    text = "word " * 1_000_000  # 5 MB: tokenizing all of it would take seconds
    assert len(tiny_classifier.model_view(text)) < 100_000
    assert tiny_classifier.model_view("short text") == "short text"


def test_labels_and_max_length_from_config():
    class Config:
        id2label = {0: "neg", "1": "pos"}
        num_labels = 3
        max_position_embeddings = 514
        model_type = "roberta"

    class Tokenizer:
        model_max_length = 10**30  # "no limit" in some tokenizers

    assert _labels_of(Config()) == ("neg", "pos", "LABEL_2")
    assert _max_length(Tokenizer(), Config()) == min(MAX_LENGTH_CAP, 512)
    Config.model_type, Config.max_position_embeddings = "bert", 128
    assert _max_length(Tokenizer(), Config()) == 128


def test_locked_tokenizer_serialises_calls(tiny_classifier):
    tokenizer = tiny_classifier.tokenizer
    assert isinstance(tokenizer, LockedTokenizer)
    errors = []

    def work() -> None:
        try:
            for n in range(50):
                tokenizer(["text " * n], padding=True, truncation=True, max_length=8 + n % 5)
        except BaseException as exc:  # "Already borrowed" without the lock
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and tokenizer.mask_token == "[MASK]"


def test_bundled_model_loads_from_package_data(default_classifier):
    from textlens.text.encoder import DEFAULT_ADAPTER_DIR

    assert DEFAULT_ADAPTER_DIR.parts[-3:] == ("textlens", "bundled", "default")
    assert (DEFAULT_ADAPTER_DIR / "adapter_config.json").is_file()
    assert default_classifier.labels == ("NEGATIVE", "POSITIVE") and default_classifier.model_id == "default"


def test_precision_is_resolved_from_argument_environment_and_hardware(monkeypatch):
    from textlens.text.models import PRECISION_ENV, native_bfloat16, resolve_precision

    monkeypatch.delenv(PRECISION_ENV, raising=False)
    assert resolve_precision("float32") == "float32"
    assert resolve_precision("bfloat16") == "bfloat16"
    assert resolve_precision("auto") == ("bfloat16" if native_bfloat16() else "float32")
    monkeypatch.setenv(PRECISION_ENV, "float32")
    assert resolve_precision("auto") == "float32"
    assert resolve_precision("bfloat16") == "bfloat16"  # an explicit choice beats the environment
    with pytest.raises(ValueError, match="precision"):
        resolve_precision("float16")
    monkeypatch.setenv(PRECISION_ENV, "fp16")
    with pytest.raises(ModelLoadError, match=PRECISION_ENV):
        resolve_precision("auto")


def test_time_estimates_come_from_rows_of_the_texts_own_length(tiny_classifier, monkeypatch):
    from textlens.text.models import ROW_LENGTH_BUCKETS

    c = tiny_classifier
    c.token_seconds.clear()
    c.token_seconds[16] = 1e-6  # short rows measured fast
    calls = []
    real_predict = c.predict
    monkeypatch.setattr(c, "predict", lambda texts, batch_size=None: calls.append(len(texts)) or real_predict(texts))
    long_tokens = 60  # the tiny model reads 64 tokens
    c.estimate_seconds(500, long_tokens)
    assert calls, "a length not measured yet is timed once before estimating"
    bucket = next(b for b in ROW_LENGTH_BUCKETS if long_tokens <= b)
    assert bucket in c.token_seconds
    c.token_seconds[bucket] = 2e-4
    assert c.estimate_seconds(500, long_tokens) == pytest.approx(500 * long_tokens * 2e-4)
    assert c.estimate_seconds(1000, long_tokens) == pytest.approx(2 * c.estimate_seconds(500, long_tokens))
    calls.clear()
    c.estimate_seconds(10, 10)
    assert not calls, "a measured length is not timed again"
