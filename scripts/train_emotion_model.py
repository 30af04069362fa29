r"""Train the bundled emotion model: a LoRA adapter and 6-way head on the MiniLM-L6 encoder, on the dair-ai
"emotion" data (CARER; English tweets; sadness, joy, love, anger, fear, surprise).

Run (data paths as arguments: the data never goes into the repository):

    nice -n 15 python scripts/train_emotion_model.py --threads 1 --train ../shared/data/emotion/train.tsv \
        --dev ../shared/data/emotion/validation.tsv --out textlens/bundled/emotion

(the bundled release's two commands, settings and time are in textlens/bundled/emotion/README.md).

Masked augmentation as for the default model (``lora_training.masked_view``): some examples have a random
share of their words hidden exactly as the explainer hides them and keep their label; some are replaced
by all their words hidden with the uniform target 1/6 each, so with every word hidden the six
probabilities are near uniform and every explanation starts from a neutral base value.
"""

from __future__ import annotations

import argparse
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
)

# The data set's own label ids 0-5, in its order: the model's id2label.
LABELS = ("sadness", "joy", "love", "anger", "fear", "surprise")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "textlens" / "bundled" / "emotion"


def read_emotion(path: str | Path) -> tuple[list[str], list[int]]:
    """Read a ``text<TAB>label`` TSV with a header (label = the emotion's name) into texts and label ids.

    Quoting is off, as the data's README asks: each line is split on its last tab.
    """
    texts: list[str] = []
    labels: list[int] = []
    with open(path, encoding="utf-8") as handle:
        header = handle.readline()
        if header.rstrip("\n").split("\t") != ["text", "label"]:
            raise ValueError(f"{path}: expected a 'text<TAB>label' header, got {header.strip()!r}")
        for line in handle:
            line = line.rstrip("\n")
            if not line:
                continue
            text, label = line.rsplit("\t", 1)
            texts.append(text.strip())
            labels.append(LABELS.index(label))
    return texts, labels


def scores(labels: list[int], pred: np.ndarray) -> dict:
    """Accuracy, macro-F1 and each label's F1."""
    gold = np.asarray(labels)
    f1 = {}
    for i, name in enumerate(LABELS):
        tp = int(np.sum((pred == i) & (gold == i)))
        fp = int(np.sum((pred == i) & (gold != i)))
        fn = int(np.sum((pred != i) & (gold == i)))
        f1[name] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {
        "dev_accuracy": float(np.mean(pred == gold)),
        "dev_macro_f1": float(np.mean(list(f1.values()))),
        "dev_f1": {k: round(v, 4) for k, v in f1.items()},
    }


def base_value_figures(model, tokenizer, masker: WordMasker, dev_texts: list[str]) -> dict:
    """How neutral the base value is: the largest of the six probabilities of every dev text with all its
    words hidden (1/6 = 0.167 is perfectly uniform), and of 1 to 128 ``[MASK]`` tokens alone.
    """
    base = base_values(model, tokenizer, masker, dev_texts)
    top = base.max(axis=1)
    lengths = list(range(1, 129))
    alone = predict_proba(model, tokenizer, [masker.all_hidden(n) for n in lengths]).max(axis=1)
    return {
        "dev_base_max_prob_median": float(np.median(top)),
        "dev_base_max_prob_range": [round(float(top.min()), 4), round(float(top.max()), 4)],
        "dev_base_max_prob_le_0.25": float(np.mean(top <= 0.25)),
        "dev_base_mean_probs": {name: round(float(p), 4) for name, p in zip(LABELS, base.mean(axis=0))},
        "masks_1_128_max_prob_range": [round(float(alone.min()), 4), round(float(alone.max()), 4)],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True, help="path to emotion train.tsv")
    parser.add_argument("--dev", required=True, help="path to emotion validation.tsv")
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    add_training_arguments(
        parser,
        epochs=4.0,
        rank=32,
        alpha=64,
        lr=5e-4,
        max_length=128,
        seed=37,
        mask_share=0.3,
        mask_rate=1.0,
        full_mask_share=0.05,
    )
    args = parser.parse_args(argv)
    rng = seed_everything(args)

    texts, labels = read_emotion(args.train)
    if args.max_rows:
        idx = rng.sample(range(len(texts)), args.max_rows)
        texts, labels = [texts[i] for i in idx], [labels[i] for i in idx]
    dev_texts, dev_labels = read_emotion(args.dev)

    model, tokenizer = lora_classifier(LABELS, args)
    masker = WordMasker(tokenizer.mask_token)
    # Lengths of the unmasked texts order the batches; a masked view is never longer in tokens.
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=args.max_length)["input_ids"]]

    def batch_loss(batch: list[int], step: int):
        views = [masked_view(texts[i], one_hot(labels[i], len(LABELS)), masker, rng, args) for i in batch]
        return soft_loss(model, tokenizer, views, args.max_length)

    def evaluate(step: int) -> dict:
        pred = predict_proba(model, tokenizer, dev_texts).argmax(axis=1)
        return {"step": step, **scores(dev_labels, pred), **base_value_figures(model, tokenizer, masker, dev_texts)}

    step, total_steps, history, seconds = train_steps(model, args, lengths, rng, batch_loss, evaluate)
    last = history[-1] if history else {}
    info = {
        "labels": list(LABELS),
        "dev_accuracy": last.get("dev_accuracy"),
        "dev_macro_f1": last.get("dev_macro_f1"),
        "dev_base_max_prob_median": last.get("dev_base_max_prob_median"),
        **run_info(args, step, total_steps, history, seconds),
        "train_rows": len(texts),
        "data": {
            "train": Path(args.train).name,
            "dev": Path(args.dev).name,
            "source": "dair-ai emotion (CARER), 'split' configuration; see ../shared/data/README.md",
            "licence": "free to use for educational and research purposes (dair-ai/emotion_dataset)",
        },
    }
    save_adapter(model, args.out, info)


if __name__ == "__main__":
    main()
