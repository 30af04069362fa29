"""Train the bundled default sentiment model: a LoRA adapter and head on the MiniLM-L6 encoder, on SST-2."""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForSequenceClassification, AutoTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from textlens.encoder import DEFAULT_ADAPTER_DIR, base_encoder_dir  # noqa: E402
from textlens.sst2 import read_sst2  # noqa: E402

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

    base = base_encoder_dir()
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        num_labels=2,
        id2label=dict(enumerate(LABELS)),
        label2id={name: i for i, name in enumerate(LABELS)},
    )
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

    encoded = tokenizer(texts, truncation=True, max_length=128)["input_ids"]
    lengths = [len(ids) for ids in encoded]
    steps_per_epoch = math.ceil(len(texts) / args.batch_size)
    total_steps = int(steps_per_epoch * args.epochs)
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    warmup = max(1, int(0.06 * total_steps))
    optim = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup)))
    )

    started = time.time()
    step = 0
    history = []
    while step < total_steps:
        model.train()
        for batch in length_bucketed_batches(lengths, args.batch_size, rng):
            if step >= total_steps:
                break
            enc = tokenizer.pad({"input_ids": [encoded[i] for i in batch]}, return_tensors="pt")
            out = model(**enc, labels=torch.tensor([labels[i] for i in batch]))
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            optim.zero_grad()
            step += 1
            if step % 200 == 0 or step == total_steps:
                elapsed = time.time() - started
                print(f"step {step}/{total_steps} loss {out.loss.item():.4f} {elapsed:.0f}s", flush=True)
            if step % steps_per_epoch == 0 or step == total_steps:
                acc = accuracy(model, tokenizer, dev_texts, dev_labels)
                history.append({"step": step, "dev_accuracy": acc})
                print(f"dev accuracy at step {step}: {acc:.4f}", flush=True)
    train_seconds = time.time() - started

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    # The labels and base architecture, so the loader needs nothing but this folder and the encoder.
    model.base_model.model.config.save_pretrained(out_dir)
    info = {
        "dev_accuracy": history[-1]["dev_accuracy"] if history else None,
        "history": history,
        "train_seconds": round(train_seconds),
        "train_rows": len(texts),
        "torch_threads": torch.get_num_threads(),
        "settings": {k: v for k, v in vars(args).items() if k not in {"train", "dev", "out"}},
    }
    (out_dir / "training.json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
