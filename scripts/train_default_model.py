"""Train the bundled default sentiment model: a LoRA adapter and head on the MiniLM-L6 encoder, on SST-2.

Masked augmentation (issue 20) makes the explainer's masked inputs in distribution: some examples have a
random share of their words hidden exactly as textlens's explainer hides them (shap's Text masker over
``WordSegmenter``: each hidden word becomes one ``[MASK]``), keeping their label; and some examples are
replaced by all of their words hidden, with the soft target 0.5/0.5, so "no words" means "no sentiment".

SST-2 sentences are short (at most ~60 words), so on their own they teach neutrality only up to that
length: with ``--long-every K``, every K-th step also trains a small batch of review-length views (up to
the model's 512 tokens): a run of same-label training sentences joined into one text, whole or with a
random share of its words hidden, or a long text with every word hidden (target 0.5/0.5).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
from lora_training import (
    WordMasker,
    add_training_arguments,
    base_values,
    lora_classifier,
    masked_view,
    one_hot,
    predict_proba,
    run_info,
    save_adapter,
    seed_everything,
    soft_loss,
    train_steps,
    uniform,
)

from textlens.text.encoder import DEFAULT_ADAPTER_DIR
from textlens.text.sst2 import as_review, read_sst2

LABELS = ("NEGATIVE", "POSITIVE")


def long_view(
    texts: list[str], by_label: dict[int, list[int]], masker: WordMasker, rng: random.Random, args: argparse.Namespace
) -> tuple[str, list[float]]:
    """One review-length training view: (text, target).

    A third are every word hidden (50 to ``--long-words`` words, target 0.5); the rest join training
    sentences of one label until a length drawn uniformly up to ``--long-words`` words, and hide a random
    share of the words (uniform in (0, 1), at least one kept) half of the time.
    """
    if rng.random() < 1 / 3:
        return masker.all_hidden(rng.randint(50, args.long_words)), uniform(2)
    label = rng.randint(0, 1)
    goal = rng.randint(60, args.long_words)
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < goal:
        parts.append(texts[rng.choice(by_label[label])])
    text = as_review(parts)
    if rng.random() < 0.5:
        text = masker.hide_share(text, rng, 1.0) or text
    return text, one_hot(label, 2)


def long_masks(model, tokenizer, masker: WordMasker, lengths=(64, 128, 256, 384, 500)) -> dict[str, float]:
    """P(POSITIVE) of long texts with every word hidden, by length in words."""
    probs = predict_proba(model, tokenizer, [masker.all_hidden(n) for n in lengths])[:, 1]
    return {str(n): round(float(p), 3) for n, p in zip(lengths, probs)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", required=True, help="path to SST-2 train.tsv")
    parser.add_argument("--dev", required=True, help="path to SST-2 dev.tsv")
    parser.add_argument("--out", default=str(DEFAULT_ADAPTER_DIR))
    add_training_arguments(parser)
    parser.add_argument(
        "--long-every", type=int, default=0, help="every K-th step adds a batch of review-length views; 0 = never"
    )
    parser.add_argument("--long-batch-size", type=int, default=8, help="rows in a review-length batch")
    parser.add_argument("--long-words", type=int, default=450, help="longest review-length view, in words")
    args = parser.parse_args(argv)
    rng = seed_everything(args)

    texts, labels = read_sst2(args.train)
    # Train rows repeat (371 strings, 5 with both labels): keep the first label of each distinct text.
    seen: dict[str, int] = {}
    for text, label in zip(texts, labels):
        seen.setdefault(text, label)
    texts, labels = list(seen), list(seen.values())
    if args.max_rows:
        idx = rng.sample(range(len(texts)), args.max_rows)
        texts, labels = [texts[i] for i in idx], [labels[i] for i in idx]
    dev_texts, dev_labels = read_sst2(args.dev)
    by_label = {y: [i for i, label in enumerate(labels) if label == y] for y in (0, 1)}

    model, tokenizer = lora_classifier(LABELS, args)
    masker = WordMasker(tokenizer.mask_token)
    # Lengths of the unmasked texts order the batches; a masked view is never longer in tokens.
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=args.max_length)["input_ids"]]

    def batch_loss(batch: list[int], step: int):
        views = [masked_view(texts[i], one_hot(labels[i], 2), masker, rng, args) for i in batch]
        loss = soft_loss(model, tokenizer, views, args.max_length)
        if args.long_every and step % args.long_every == 0:
            long_views = [long_view(texts, by_label, masker, rng, args) for _ in range(args.long_batch_size)]
            loss = loss + soft_loss(model, tokenizer, long_views, 512)
        return loss

    def evaluate(step: int) -> dict:
        pred = predict_proba(model, tokenizer, dev_texts).argmax(axis=1)
        base_p = base_values(model, tokenizer, masker, dev_texts)[:, 1]
        return {
            "step": step,
            "dev_accuracy": float((pred == dev_labels).mean()),
            "dev_base_value_median": float(np.median(base_p)),
            "dev_base_value_in_0.35_0.65": float(np.mean((base_p >= 0.35) & (base_p <= 0.65))),
            "long_all_masked": long_masks(model, tokenizer, masker),
        }

    step, total_steps, history, seconds = train_steps(model, args, lengths, rng, batch_loss, evaluate)
    info = {
        "dev_accuracy": history[-1]["dev_accuracy"] if history else None,
        "dev_base_value_in_0.35_0.65": history[-1]["dev_base_value_in_0.35_0.65"] if history else None,
        **run_info(args, step, total_steps, history, seconds),
        "train_rows": len(texts),
        "data": {"train": Path(args.train).name, "dev": Path(args.dev).name, "detokenized": True},
    }
    save_adapter(model, args.out, info)


if __name__ == "__main__":
    main()
