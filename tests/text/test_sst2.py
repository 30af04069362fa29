"""SST-2 reading helpers: PTB detokenising and review-length texts joined from sentences."""

from __future__ import annotations

import random
import re

from textlens.text.sst2 import as_review, detokenize_ptb, long_reviews


def test_detokenize_undoes_ptb_spacing():
    assert (
        detokenize_ptb("it 's a film that does n't work , -lrb- sadly -rrb- .")
        == "it's a film that doesn't work, (sadly)."
    )


def test_as_review_capitalises_each_sentence():
    assert as_review(["a dull film.", "great acting"]) == "A dull film. Great acting"


def test_long_reviews_use_each_sentence_once_and_have_review_length():
    sentences = [f"sentence number {i} has exactly seven words" for i in range(400)]
    reviews = long_reviews(sentences, 5, random.Random(0))
    assert len(reviews) == 5
    for review in reviews:
        assert 150 <= len(review.split()) <= 400 + 7
    used = [n for review in reviews for n in re.findall(r"Sentence number (\d+)", review)]
    assert len(used) == len(set(used)) == sum(len(r.split()) for r in reviews) // 7
    assert long_reviews(sentences, 0, random.Random(0)) == []
    assert reviews == long_reviews(sentences, 5, random.Random(0))  # the same seed, the same texts
