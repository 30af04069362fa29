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
import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from textlens.text.encoder import DEFAULT_ADAPTER_DIR, base_encoder_dir
from textlens.text.sst2 import as_review, read_sst2
from textlens.text.words import WordSegmenter

LABELS = ("NEGATIVE", "POSITIVE")


def length_bucketed_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, then sort within chunks of 50 batches by length so padding stays small."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lengths.__getitem__)
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


class WordMasker:
    """Hide words of a text the way textlens's explainer does (its own masker: shap's Text over WordSegmenter)."""

    def __init__(self, mask_token: str) -> None:
        import shap

        self.segment = WordSegmenter(mask_token)
        self.masker = shap.maskers.Text(self.segment)
        self.mask_token = mask_token

    def n_words(self, text: str) -> int:
        """How many words (SHAP features) the explainer sees in ``text``."""
        return len(self.segment(text, return_offsets_mapping=False)["input_ids"])

    def hide(self, text: str, hidden: np.ndarray) -> str:
        """``text`` with the words where ``hidden`` is True replaced as the explainer replaces them."""
        return str(self.masker(~hidden, text)[0][0])

    def hide_share(self, text: str, rng: random.Random, rate: float) -> str | None:
        """``text`` with a random share of its words hidden, uniform in (0, ``rate``]: at least one word
        hidden and at least one kept (None for a text of fewer than two words).
        """
        n = self.n_words(text)
        if n < 2:
            return None
        k = min(n - 1, max(1, round(rng.uniform(0.0, rate) * n)))
        hidden = np.zeros(n, dtype=bool)
        hidden[rng.sample(range(n), k)] = True
        return self.hide(text, hidden)

    def all_hidden(self, n_words: int) -> str:
        """A text of ``n_words`` words with every word hidden (what the explainer's base value scores)."""
        return " ".join([self.mask_token] * n_words)


def augment(
    text: str, label: int, masker: WordMasker, rng: random.Random, args: argparse.Namespace
) -> tuple[str, float]:
    """One training view of an example: (text, P(POSITIVE) target), possibly masked."""
    draw = rng.random()
    if draw < args.full_mask_share:
        # No words left: no sentiment. The length is the example's own word count, so every length the
        # explainer meets (1 to ~50 words in SST-2 and beyond) is seen.
        return masker.all_hidden(max(1, masker.n_words(text))), 0.5
    if draw < args.full_mask_share + args.mask_share:
        masked = masker.hide_share(text, rng, args.mask_rate)
        if masked is not None:
            return masked, float(label)
    return text, float(label)


def long_view(
    texts: list[str], by_label: dict[int, list[int]], masker: WordMasker, rng: random.Random, args: argparse.Namespace
) -> tuple[str, float]:
    """One review-length training view: (text, P(POSITIVE) target).

    A third are every word hidden (50 to ``--long-words`` words, target 0.5); the rest join training
    sentences of one label until a length drawn uniformly up to ``--long-words`` words, and hide a random
    share of the words (uniform in (0, 1), at least one kept) half of the time.
    """
    if rng.random() < 1 / 3:
        return masker.all_hidden(rng.randint(50, args.long_words)), 0.5
    label = rng.randint(0, 1)
    goal = rng.randint(60, args.long_words)
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < goal:
        parts.append(texts[rng.choice(by_label[label])])
    text = as_review(parts)
    if rng.random() < 0.5:
        text = masker.hide_share(text, rng, 1.0) or text
    return text, float(label)


def soft_loss(model, tokenizer, views: list[tuple[str, float]], max_length: int) -> torch.Tensor:
    """Soft-label cross-entropy of a batch of views: the usual loss for 0/1 targets, and 0.5/0.5 for hidden texts."""
    enc = tokenizer([v[0] for v in views], padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    p_pos = torch.tensor([v[1] for v in views])
    target = torch.stack([1.0 - p_pos, p_pos], dim=1)
    logits = model(**enc).logits
    return -(target * torch.log_softmax(logits, dim=-1)).sum(-1).mean()


@torch.inference_mode()
def p_positive(model, tokenizer, texts: list[str], batch_size: int = 64) -> list[float]:
    """P(POSITIVE) of each text, in batches (read to the model's 512 tokens)."""
    model.eval()
    out = []
    for i in range(0, len(texts), batch_size):
        enc = tokenizer(texts[i : i + batch_size], padding=True, truncation=True, return_tensors="pt")
        out += torch.softmax(model(**enc).logits.float(), -1)[:, 1].tolist()
    return out


def long_masks(model, tokenizer, masker: WordMasker, lengths=(64, 128, 256, 384, 500)) -> dict[str, float]:
    """P(POSITIVE) of long texts with every word hidden, by length in words."""
    probs = p_positive(model, tokenizer, [masker.all_hidden(n) for n in lengths])
    return {str(n): round(p, 3) for n, p in zip(lengths, probs)}


def base_values(model, tokenizer, masker: WordMasker, texts: list[str]) -> list[float]:
    """P(POSITIVE) of each text with all its words hidden (the explainer's base value)."""
    return p_positive(model, tokenizer, [masker.all_hidden(max(1, masker.n_words(t))) for t in texts])


@torch.inference_mode()
def accuracy(model, tokenizer, texts: list[str], labels: list[int], batch_size: int = 64) -> float:
    """Fraction of texts whose arg-max label matches."""
    model.eval()
    correct = 0
    for i in range(0, len(texts), batch_size):
        enc = tokenizer(texts[i : i + batch_size], padding=True, truncation=True, return_tensors="pt")
        pred = model(**enc).logits.argmax(-1)
        correct += int((pred == torch.tensor(labels[i : i + batch_size])).sum())
    return correct / len(texts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", required=True, help="path to SST-2 train.tsv")
    parser.add_argument("--dev", required=True, help="path to SST-2 dev.tsv")
    parser.add_argument("--out", default=str(DEFAULT_ADAPTER_DIR))
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--rank", type=int, default=32)
    parser.add_argument("--alpha", type=int, default=64)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-rows", type=int, default=0, help="0 = every training row")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=0, help="torch threads; 0 = torch's default")
    parser.add_argument("--max-steps", type=int, default=0, help="stop early (for timing runs)")
    parser.add_argument(
        "--max-minutes", type=float, default=0.0, help="stop after this many minutes of training and save; 0 = no limit"
    )
    parser.add_argument("--init-adapter", default="", help="warm start: continue training this adapter folder")
    parser.add_argument("--warmup", type=float, default=0.06, help="share of steps with linear lr warm-up")
    parser.add_argument(
        "--mask-share", type=float, default=0.0, help="share of examples with a random part of their words hidden"
    )
    parser.add_argument(
        "--mask-rate", type=float, default=0.0, help="largest share of words hidden in a masked example (uniform)"
    )
    parser.add_argument(
        "--full-mask-share",
        type=float,
        default=0.0,
        help="share of examples replaced by all words hidden, with the soft target 0.5/0.5",
    )
    parser.add_argument(
        "--long-every", type=int, default=0, help="every K-th step adds a batch of review-length views; 0 = never"
    )
    parser.add_argument("--long-batch-size", type=int, default=8, help="rows in a review-length batch")
    parser.add_argument("--long-words", type=int, default=450, help="longest review-length view, in words")
    args = parser.parse_args(argv)

    if args.threads:
        torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

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

    base = base_encoder_dir()
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        num_labels=2,
        id2label=dict(enumerate(LABELS)),
        label2id={name: i for i, name in enumerate(LABELS)},
    )
    if args.init_adapter:
        model = PeftModel.from_pretrained(model, args.init_adapter, is_trainable=True)
    else:
        lora = LoraConfig(
            r=args.rank,
            lora_alpha=args.alpha,
            lora_dropout=0.1,
            target_modules=r".*encoder\.layer\.\d+\..*(query|key|value|dense)$",
            modules_to_save=["classifier", "pooler"],
            task_type="SEQ_CLS",
        )
        model = get_peft_model(model, lora)
    model.print_trainable_parameters()
    masker = WordMasker(tokenizer.mask_token)

    # Lengths of the unmasked texts order the batches; a masked view is never longer in tokens.
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=128)["input_ids"]]
    steps_per_epoch = math.ceil(len(texts) / args.batch_size)
    total_steps = int(steps_per_epoch * args.epochs)
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    warmup = max(1, int(args.warmup * total_steps))
    optim = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup)))
    )

    def evaluate(step: int) -> dict:
        acc = accuracy(model, tokenizer, dev_texts, dev_labels)
        base_p = np.array(base_values(model, tokenizer, masker, dev_texts))
        row = {
            "step": step,
            "dev_accuracy": acc,
            "dev_base_value_median": float(np.median(base_p)),
            "dev_base_value_in_0.35_0.65": float(np.mean((base_p >= 0.35) & (base_p <= 0.65))),
            "long_all_masked": long_masks(model, tokenizer, masker),
        }
        print(json.dumps(row), flush=True)
        return row

    started = time.time()
    step = 0
    history = []
    out_of_time = False
    while step < total_steps and not out_of_time:
        model.train()
        for batch in length_bucketed_batches(lengths, args.batch_size, rng):
            if step >= total_steps:
                break
            views = [augment(texts[i], labels[i], masker, rng, args) for i in batch]
            loss = soft_loss(model, tokenizer, views, 128)
            if args.long_every and step % args.long_every == 0:
                long_views = [long_view(texts, by_label, masker, rng, args) for _ in range(args.long_batch_size)]
                loss = loss + soft_loss(model, tokenizer, long_views, 512)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            optim.zero_grad()
            step += 1
            elapsed = time.time() - started
            if step % 100 == 0 or step == total_steps:
                print(f"step {step}/{total_steps} loss {loss.item():.4f} {elapsed:.0f}s", flush=True)
            out_of_time = bool(args.max_minutes) and elapsed > 60 * args.max_minutes
            if step % steps_per_epoch == 0 or step == total_steps or out_of_time:
                history.append(evaluate(step))
                model.train()
            if out_of_time:
                print(f"stopping at step {step}: --max-minutes {args.max_minutes} reached", flush=True)
                break
    train_seconds = time.time() - started

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    # The labels and base architecture, so the loader needs nothing but this folder and the encoder.
    model.base_model.model.config.save_pretrained(out_dir)
    info = {
        "dev_accuracy": history[-1]["dev_accuracy"] if history else None,
        "dev_base_value_in_0.35_0.65": history[-1]["dev_base_value_in_0.35_0.65"] if history else None,
        "history": history,
        "train_seconds": round(train_seconds),
        "steps": step,
        "total_steps_planned": total_steps,
        "train_rows": len(texts),
        "data": {"train": Path(args.train).name, "dev": Path(args.dev).name, "detokenized": True},
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "settings": {k: v for k, v in vars(args).items() if k not in {"train", "dev", "out"}},
    }
    (out_dir / "training.json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
