"""Train a bundled model's one-pass explainer on exact explanations of its training texts.

Run: python scripts/train_one_pass.py --data ../shared/data --work WORK_DIR   (the default model, SST-2)
     python scripts/train_one_pass.py --dataset emotion --data ../shared/data --work WORK_DIR --long-texts 0
     (the ``emotion`` model, on the six-class emotion tweets; written to textlens/bundled/one_pass_emotion)

1. Samples ``--train-rows`` train texts (SST-2 sentences or emotion tweets) of at least ``--min-words`` words
   (seeded shuffle) and ``--dev-rows`` held-out texts (SST-2 detokenised as users write them) into WORK_DIR.
2. Explains each file exactly with the corpus engine into WORK_DIR/train_exact and WORK_DIR/dev_exact
   (resumable: run the same command again after an interruption; with ``--use-explained`` neither file is
   explained further: the head trains on the train rows explained so far and is measured on the dev rows
   explained so far).
3. Trains the head (``textlens.text.one_pass.train``), measures its agreement with the exact values of the
   dev sentences (never trained on), of WORK_DIR/other_exact when ``--other FILE`` is given and of
   ``--long-texts`` long texts made of joined dev sentences (WORK_DIR/long_exact), and writes
   the head and its card (data, seed, settings, training time, agreement) to ``--out``, with every
   SST-2 train word's output by itself (words.json: looked up, not predicted, by a new session).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from textlens import load_classifier
from textlens.corpus import run_corpus
from textlens.corpus.result import explanations, read_result
from textlens.text.one_pass import BUNDLED, ONE_PASS_EMOTION, STEPS, agreement, train, words_alone
from textlens.text.sst2 import read_sst2
from textlens.text.words import word_spans

# Each data set: the model it trains for, its train and held-out files under --data, how a file is read, and
# where the explainer is written.
DATASETS = {
    "sst2": ("default", "sst2/train.tsv", "sst2/dev.tsv", "SST-2", BUNDLED),
    "emotion": ("emotion", "emotion/train.tsv", "emotion/validation.tsv", "emotion tweets", ONE_PASS_EMOTION),
}


def read_pairs(path: Path) -> tuple[list[str], list]:
    """Texts and labels of a data set's TSV: SST-2 (detokenised, integer labels) or ``text<TAB>label`` (as written)."""
    if path.parent.name == "sst2":
        return read_sst2(path)
    texts, labels = [], []
    with path.open(encoding="utf-8") as handle:
        handle.readline()
        for line in handle:
            if line.strip():
                text, label = line.rstrip("\n").rsplit("\t", 1)
                texts.append(text.strip())
                labels.append(label)
    return texts, labels


def sample(path: Path, rows: int, min_words: int, seed: int, out: Path) -> Path:
    """``rows`` texts of ``path`` with at least ``min_words`` words, in a seeded order, as a TSV."""
    texts, labels = read_pairs(path)
    pairs = [(t, y) for t, y in zip(texts, labels) if len(t.split()) >= min_words]
    random.Random(seed).shuffle(pairs)
    if not out.exists():
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter="\t")
            writer.writerow(["sentence", "label"])
            writer.writerows(pairs[:rows])
    return out


def long_texts(path: Path, texts: int, words: tuple[int, int], seed: int, out: Path) -> Path:
    """``texts`` long reviews made of consecutive-in-a-seeded-order sentences of ``path``, each of a length
    drawn between ``words[0]`` and ``words[1]`` words, as a TSV (label: the majority of its sentences').
    """
    sentences, labels = read_pairs(path)
    rng = random.Random(seed)
    order = list(range(len(sentences)))
    rng.shuffle(order)
    rows, at = [], 0
    while len(rows) < texts and at < len(order):
        target, parts, votes = rng.randint(*words), [], []
        while sum(len(p.split()) for p in parts) < target and at < len(order):
            parts.append(sentences[order[at]])
            votes.append(labels[order[at]])
            at += 1
        rows.append((" ".join(parts), max(set(votes), key=votes.count)))
    if not out.exists():
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter="\t")
            writer.writerow(["sentence", "label"])
            writer.writerows(rows)
    return out


def exact(classifier, tsv: Path, folder: Path, explain_more: bool = True):
    """Exact explanations of every row of ``tsv`` (resumed in ``folder``), read back in row order."""
    if explain_more:
        run_corpus(tsv, folder, text_column="sentence", label_column="label", classifier=classifier)
    result = read_result(folder, columns=["explanation"])
    return explanations(result.ok)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="sst2", help="what to train on (and for)")
    parser.add_argument("--data", default="../shared/data", help="folder holding sst2/ and emotion/")
    parser.add_argument("--work", required=True, help="folder for the samples and their exact explanations")
    parser.add_argument("--out", help="where the explainer is written (default: the data set's bundled folder)")
    parser.add_argument("--train-rows", type=int, default=3000)
    parser.add_argument("--dev-rows", type=int, default=300)
    parser.add_argument("--min-words", type=int, default=6)
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--long-texts", type=int, default=20, help="long texts (joined dev sentences) measured")
    parser.add_argument("--long-words", type=int, nargs=2, default=(150, 300), help="their length range in words")
    parser.add_argument("--use-explained", action="store_true", help="use the rows explained so far")
    parser.add_argument(
        "--other",
        default=None,
        help="a TSV (sentence<TAB>label) from another domain for a second agreement (default for SST-2: 40 "
        "product, restaurant and service reviews written for this check; '' for none)",
    )
    args = parser.parse_args()

    model, train_file, dev_file, data_name, out = DATASETS[args.dataset]
    if args.other is None and args.dataset == "sst2":
        args.other = str(Path(__file__).parent / "data" / "other_domain_reviews.tsv")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    data = Path(args.data)
    classifier = load_classifier(model)
    dev_tsv = sample(data / dev_file, args.dev_rows, 1, args.seed + 1, work / "dev_sample.tsv")
    train_tsv = sample(data / train_file, args.train_rows, args.min_words, args.seed, work / "train_sample.tsv")
    dev = exact(classifier, dev_tsv, work / "dev_exact", not args.use_explained)
    train_rows = exact(classifier, train_tsv, work / "train_exact", not args.use_explained)
    started = time.perf_counter()
    explainer = train(classifier, train_rows, steps=args.steps, hidden=args.hidden, seed=args.seed)
    print(f"trained on {len(train_rows)} texts in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    # Every word of the train file by itself ships with the head: a new session looks these up instead of
    # predicting them. Only train's words: the held-out texts below add theirs, which are not kept.
    sentences = read_pairs(data / train_file)[0]
    words_alone(classifier, [t[a:b] for t in sentences for a, b in word_spans(t)], explainer.known)
    vocabulary = dict(explainer.known)
    measured = [
        agreement(
            explainer.explain(classifier, [e.text for e in dev]), dev, f"{data_name} {dev_file}, {len(dev)} texts"
        )
    ]
    if args.other:
        other = exact(classifier, Path(args.other), work / "other_exact")
        name = f"{Path(args.other).name}, {len(other)} texts"
        measured.append(agreement(explainer.explain(classifier, [e.text for e in other]), other, name))
    if args.long_texts:
        tsv = long_texts(data / dev_file, args.long_texts, tuple(args.long_words), args.seed + 2, work / "long.tsv")
        long = exact(classifier, tsv, work / "long_exact", not args.use_explained)
        band = f"{args.long_words[0]}-{args.long_words[1]} words"
        name = f"{len(long)} long texts of {band} ({data_name} held-out texts joined)"
        estimated = explainer.explain(classifier, [e.text for e in long])
        measured.append(agreement(estimated, long, name, min_words=args.long_words[0]))
    explainer.agreement = tuple(measured)
    explainer.known.clear()
    explainer.known.update(vocabulary)
    explainer.training.update(
        data=f"{data_name} {train_file}: {len(train_rows)} texts of {args.min_words}+ words (seed {args.seed})"
        + (", detokenised" if args.dataset == "sst2" else ""),
        explanations="exact node-complete Owen values (textlens corpus explain, max_evals auto)",
        words_alone=f"{len(vocabulary):,} words of {data_name} train, each predicted by itself, saved in words.json",
    )
    explainer.save(args.out or out)
    print(json.dumps({"agreement": [a.__dict__ for a in measured], "training": explainer.training}, indent=2))


if __name__ == "__main__":
    main()
