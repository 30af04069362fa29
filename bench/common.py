"""Shared pieces of the benchmarks: the texts, the naive recipe, timing, and the printed verdicts."""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from textlens.text.sst2 import long_reviews, read_sst2
from textlens.text.words import merge_to_words


def load_texts(path: str, n_short: int, n_long: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """``n_short`` dev sentences, and ``n_long`` reviews of 150-400 words made by joining dev sentences."""
    sentences, _ = read_sst2(path)
    rng = random.Random(seed)
    short = rng.sample(sentences, n_short)
    chosen = set(short)
    return short, long_reviews([s for s in sentences if s not in chosen], n_long, rng)


def words_of(text: str, n: int, source: list[str]) -> str:
    """A text of exactly ``n`` words taken from ``source`` sentences in order."""
    words = " ".join(source).split()
    while len(words) < n:
        words += words
    return " ".join(words[:n])


class NaiveRecipe:
    """The public guide's recipe: a transformers pipeline, and ``shap.Explainer`` built anew for each text."""

    def __init__(self, classifier) -> None:
        from transformers import pipeline

        tokenizer = getattr(classifier.tokenizer, "raw", classifier.tokenizer)
        self.tokenizer = tokenizer
        self.labels = classifier.labels
        self.pipe = pipeline(
            "text-classification",
            model=classifier.model,
            tokenizer=tokenizer,
            top_k=None,
            device="cpu",
            truncation=True,
            max_length=classifier.max_length,
        )

    def explain(self, text: str, max_evals: int = 500) -> tuple[np.ndarray, np.ndarray, float]:
        """Word values (words x labels), base values, and seconds, as the guide computes them."""
        import shap

        started = time.perf_counter()
        explainer = shap.Explainer(self.pipe)
        result = explainer([text], max_evals=max_evals, silent=True)
        seconds = time.perf_counter() - started
        names = list(result.output_names)
        order = [names.index(label) for label in self.labels]
        values = np.asarray(result.values[0])[:, order]
        base = np.asarray(result.base_values[0])[order]
        offsets = self.tokenizer(text, return_offsets_mapping=True, truncation=True)["offset_mapping"]
        spans = [(a, b) for a, b in offsets]
        kept = [(s, v) for s, v in zip(spans, values) if s[1] > s[0]]
        _, word_values = merge_to_words(text, [s for s, _ in kept], [v for _, v in kept])
        return np.asarray(word_values), base, seconds


def pearson(a, b) -> float:
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return 1.0 if np.allclose(a, b) else 0.0
    return float(np.corrcoef(a, b)[0, 1])


def median(xs) -> float:
    return float(statistics.median(xs)) if xs else float("nan")


def bench_parser(doc: str):
    """The arguments every benchmark takes: the texts, where to write JSON, how many texts, which model."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--texts", required=True, help="SST-2 dev.tsv")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--n-short", type=int, default=40)
    parser.add_argument("--n-long", type=int, default=10)
    parser.add_argument("--model", default="default")
    return parser


def machine() -> dict:
    import torch

    return {
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "platform": platform.platform(),
    }


def verdict(name: str, value: float, target: float, higher_is_better: bool, unit: str = "") -> str:
    ok = value >= target if higher_is_better else value <= target
    sign = ">=" if higher_is_better else "<="
    return f"{'PASS' if ok else 'SHORT'} {name}: {value:.3f}{unit} (target {sign} {target}{unit})"


def write_json(path: str | None, data: dict) -> None:
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(data, indent=2) + "\n")
