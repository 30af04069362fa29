"""Loading text classifiers (a bundled model, local folder or hub id) and running them in batches."""

from __future__ import annotations

import functools
import os
import socket
import threading
import time
import warnings
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import torch
from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

from textlens.caches import clear_caches
from textlens.errors import EmptyTextError, ModelLoadError
from textlens.text.encoder import (
    BUNDLED_MODEL_IDS,
    DEFAULT_MODEL_ID,
    EMOTION_MODEL_ID,
    PRECISIONS,
    base_encoder_dir,
    bundled_adapter_dir,
)
from textlens.text.multilabel import MULTI_LABEL, multi_label_settings
from textlens.types import Prediction

# Positions beyond this are rarely worth their quadratic attention cost for an interactive tool;
# models with a smaller limit keep theirs.
MAX_LENGTH_CAP = 512
DEFAULT_BATCH_SIZE = 64
# A prefix this many characters per token long is probed before tokenizing a whole long text.
PROBE_CHARS_PER_TOKEN = 16
PRECISION_ENV = "TEXTLENS_PRECISION"
BUNDLED_MODEL_USE = {
    "language": "en",
    "intended_use": "English movie reviews and similar short opinions (trained on SST-2, sentiment "
    "NEGATIVE/POSITIVE). Other languages, domains, or pasted markup are outside what it was built for.",
}
EMOTION_MODEL_USE = {
    "language": "en",
    "intended_use": "Short English texts that say how the writer feels, like tweets (trained on the dair-ai "
    "emotion tweets, research use only: sadness, joy, love, anger, fear, surprise; one emotion per text). "
    "Other languages, long documents, or texts with no emotion in them are outside what it was built for.",
}
# What each bundled model was built for (Classifier.language and intended_use).
BUNDLED_USES = {DEFAULT_MODEL_ID: BUNDLED_MODEL_USE, EMOTION_MODEL_ID: EMOTION_MODEL_USE}
# Row lengths (tokens) whose speed is measured separately for time estimates; batches of fewer rows
# than MIN_TIMED_BATCH are too noisy to time.
ROW_LENGTH_BUCKETS = (16, 32, 64, 128, 256, 512)
MIN_TIMED_BATCH = 4
# Seconds to wait for the model hub to accept a connection before a hub id is declared unreachable.
HUB_PROBE_SECONDS = 2.0


def native_bfloat16() -> bool:
    """Whether this CPU multiplies bfloat16 matrices in hardware (Intel AMX).

    There a batch of masked rows runs about 3x faster in bfloat16 than in float32; elsewhere
    bfloat16 is emulated and slower, so "auto" keeps float32.
    """
    probe = getattr(torch.cpu, "_is_amx_tile_supported", None)
    try:
        return bool(probe is not None and probe())
    except Exception:  # a private probe: treat any failure as "no"
        return False


def resolve_precision(precision: str = "auto") -> str:
    """``"float32"`` or ``"bfloat16"`` for a requested precision; ``"auto"`` defers to the
    :data:`PRECISION_ENV` environment variable, then to the hardware (:func:`native_bfloat16`).
    """
    if precision == "auto":
        precision = os.environ.get(PRECISION_ENV, "").strip().lower() or "auto"
        if precision not in PRECISIONS:  # an operator's setting: a message for the page, not a traceback
            raise ModelLoadError(f"{PRECISION_ENV} is {precision!r}; set it to one of {', '.join(PRECISIONS)}.")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if precision == "auto":
        return "bfloat16" if native_bfloat16() else "float32"
    return precision


class LockedTokenizer:
    """A fast tokenizer that one thread uses at a time.

    Rust tokenizers change their truncation/padding state per call, and two threads doing so at
    once fail with "Already borrowed"; the dashboard's sessions share one tokenizer.
    """

    def __init__(self, tokenizer) -> None:
        self.raw = tokenizer  # for code that needs the real class (hold :attr:`lock` while using it)
        self.lock = threading.RLock()

    def __call__(self, *args, **kwargs):
        with self.lock:
            return self.raw(*args, **kwargs)

    def __getattr__(self, name: str):
        attr = getattr(self.raw, name)
        if callable(attr):

            def locked(*args, **kwargs):
                with self.lock:
                    return attr(*args, **kwargs)

            return locked
        return attr


@dataclass
class Classifier:
    """A sequence classifier with its tokenizer; :meth:`predict` runs texts in padded batches.

    One instance may be shared by several threads (the dashboard's sessions): inference needs no
    lock, and :attr:`lock` serialises the CPU-heavy explanation work so two explanations do not
    fight over the same cores.
    """

    model_id: str
    model: torch.nn.Module
    tokenizer: object
    labels: tuple[str, ...]
    max_length: int
    # config problem_type "multi_label_classification": each label's probability is its own sigmoid, never a softmax.
    multi_label: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Measured by predict on batches of masked rows; seeds the time estimates shown before long work.
    seconds_per_row: float = 0.003
    # Seconds per token of a row, by padded row length (see ROW_LENGTH_BUCKETS): a 400-token row costs
    # far more than twenty 20-token rows, so estimates for long texts come from long rows.
    token_seconds: dict[int, float] = field(default_factory=dict, repr=False)
    # "bfloat16" runs the matrix products in bfloat16 (autocast) where the CPU does so natively:
    # the bundled model's SST-2 dev accuracy is unchanged and its probabilities move by 3e-5 (median).
    precision: str = "float32"
    # What the model was built for, when known: its language (ISO 639-1) and a sentence for the UI.
    language: str | None = None
    intended_use: str = ""

    @functools.cached_property
    def fingerprint(self) -> str:
        """The model's identity (computed once): SHA-256 of what decides its outputs, the same wherever its files
        are and whatever precision it was loaded in (:func:`textlens.provenance.fingerprint_module`).
        """
        from textlens.provenance import fingerprint_module

        return fingerprint_module(self.model)

    @functools.cached_property
    def legacy_fingerprint(self) -> str:
        """The identity older textlens gave this model as loaded here (path and dtype included), computed only
        when a saved result carries an identity that is not :attr:`fingerprint`.
        """
        from textlens.provenance import legacy_fingerprint_module

        return legacy_fingerprint_module(self.model)

    def is_identity(self, fingerprint: str | None) -> bool:
        """Whether a saved fingerprint names this model: its identity, or the older one it had in this folder."""
        return bool(fingerprint) and (fingerprint == self.fingerprint or fingerprint == self.legacy_fingerprint)

    def clear_caches(self) -> None:
        """Forget the explainers and evaluated rows built for this model; the next explanation rebuilds them.

        For tests and benchmarks that measure a cold start; results do not change.
        """
        clear_caches(self)

    @property
    def mask_token(self) -> str | None:
        """The tokenizer's mask token, used to hide words while explaining."""
        return getattr(self.tokenizer, "mask_token", None)

    def _count(self, text: str) -> int:
        # verbose=False: counting tokens of a long text is the point here, not a mistake to warn about.
        return len(self.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)["input_ids"])

    def model_view(self, text: str) -> str:
        """The shortest prefix of ``text`` that the model reads exactly as it reads the whole text.

        Tokenizing a megabyte takes about a second and the model keeps only :attr:`max_length`
        tokens, so a text is first probed by a prefix of :data:`PROBE_CHARS_PER_TOKEN` characters per
        token: if that prefix already has more tokens than the model reads, the rest cannot matter.
        """
        probe_chars = self.max_length * PROBE_CHARS_PER_TOKEN
        if len(text) <= probe_chars:
            return text
        probe = text[:probe_chars]
        return probe if self._count(probe) > self.max_length else text

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens (special tokens included) the model reads of each text: at most :attr:`max_length`."""
        return [min(self._count(self.model_view(t)), self.max_length) for t in texts]

    def read_until(self, text: str) -> int | None:
        """Character offset where the model stops reading ``text``, or None when it reads all of it."""
        view = self.model_view(text)
        if self._count(view) <= self.max_length:
            return None
        enc = self.tokenizer(view, truncation=True, max_length=self.max_length, return_offsets_mapping=True)
        ends = [end for start, end in enc["offset_mapping"] if end > start]
        return max(ends) if ends else 0

    @torch.inference_mode()
    def predict(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Probabilities, shape ``(len(texts), len(labels))``; softmax, or sigmoid for multi-label.

        Texts are sorted by length and padded per batch, so a batch of short masked rows stays short;
        texts longer than :attr:`max_length` tokens are truncated.
        """
        texts = [self.model_view(str(t)) for t in texts]
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float64)
        if not texts:
            return out
        size = batch_size or self.batch_size
        started = time.perf_counter()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), size):
            idx = order[start : start + size]
            enc = self.tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            batch_started = time.perf_counter()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bfloat16"):
                logits = self.model(**enc).logits.float()
            if len(idx) >= MIN_TIMED_BATCH:
                self._record_speed(enc["input_ids"].shape, time.perf_counter() - batch_started)
            probs = torch.sigmoid(logits) if self.multi_label else torch.softmax(logits, dim=-1)
            out[idx] = probs.numpy()
        if len(texts) >= 8:
            per_row = (time.perf_counter() - started) / len(texts)
            self.seconds_per_row = 0.7 * self.seconds_per_row + 0.3 * per_row
        return out

    def _record_speed(self, shape: tuple[int, int], seconds: float) -> None:
        rows, length = int(shape[0]), int(shape[1])
        bucket = _length_bucket(length)
        rate = seconds / (rows * length)
        old = self.token_seconds.get(bucket)
        self.token_seconds[bucket] = rate if old is None else 0.7 * old + 0.3 * rate

    def estimate_seconds(self, rows: int, n_tokens: int) -> float:
        """Seconds that ``rows`` masked copies of a text of ``n_tokens`` tokens take to run through the model.

        From this model's measured speed at that row length; a length not measured yet is timed
        once on a small batch (a fraction of a second), so a 400-token review is not estimated from
        the speed of 20-token rows.
        """
        n_tokens = max(2, min(int(n_tokens), self.max_length))
        bucket = _length_bucket(n_tokens)
        if bucket not in self.token_seconds:
            filler = " ".join(["word"] * max(1, n_tokens - 2))
            self.predict([filler] * MIN_TIMED_BATCH, batch_size=MIN_TIMED_BATCH)
        rate = self.token_seconds.get(bucket) or self.seconds_per_row / max(n_tokens, 1)
        return rows * n_tokens * rate

    def row_seconds(self, text: str) -> float:
        """Seconds one masked copy of ``text`` takes, measured at this text's length (long rows cost more)."""
        return self.estimate_seconds(1, self.token_counts([text])[0])

    @property
    def record_settings(self) -> dict:
        """What every record of this model's outputs carries in its settings: a multi-label model's problem type
        and threshold (:func:`textlens.text.multilabel.multi_label_settings`); empty for a single-label model.
        """
        return multi_label_settings(self.multi_label)

    def classify(self, texts: Sequence[str]) -> list[Prediction]:
        """Predictions with labels and truncation notes; empty texts raise :class:`EmptyTextError`."""
        texts = list(texts)
        for text in texts:
            if not text or not text.strip():
                raise EmptyTextError()
        probs = self.predict(texts)
        result = []
        for text, row in zip(texts, probs):
            cut = self.read_until(text)
            scores = tuple(float(p) for p in row)
            result.append(
                Prediction(
                    text, self.model_id, self.labels, scores, cut is not None, cut, settings=self.record_settings
                )
            )
        return result


def _length_bucket(n_tokens: int) -> int:
    return next((b for b in ROW_LENGTH_BUCKETS if n_tokens <= b), ROW_LENGTH_BUCKETS[-1])


def _labels_of(config) -> tuple[str, ...]:
    id2label = getattr(config, "id2label", None) or {}
    n = getattr(config, "num_labels", len(id2label))
    return tuple(str(id2label.get(i, id2label.get(str(i), f"LABEL_{i}"))) for i in range(n))


def _max_length(tokenizer, config) -> int:
    candidates = [MAX_LENGTH_CAP]
    tok_max = getattr(tokenizer, "model_max_length", None)
    if isinstance(tok_max, int) and 0 < tok_max < 1_000_000:
        candidates.append(tok_max)
    pos = getattr(config, "max_position_embeddings", None)
    if isinstance(pos, int) and pos > 0:
        # RoBERTa-style models reserve two positions for padding offsets.
        candidates.append(pos - 2 if getattr(config, "model_type", "") in {"roberta", "xlm-roberta"} else pos)
    return min(candidates)


@contextmanager
def _quiet_transformers():
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            # peft's merge calls a transformers API that warns of its own future renaming.
            warnings.simplefilter("ignore", FutureWarning)
            yield
    finally:
        hf_logging.set_verbosity(level)


def _load_bundled(name: str) -> tuple[torch.nn.Module, object]:
    """A bundled model (``textlens/bundled/<name>/``): the MiniLM-L6 encoder with that folder's LoRA adapter and
    head merged in; its config (labels, architecture) comes from the folder. No model code is run from it.
    """
    from peft import PeftModel

    adapter_dir = bundled_adapter_dir(name)
    if not (adapter_dir / "adapter_config.json").is_file():
        raise ModelLoadError(f"The bundled model '{name}' is missing its adapter in {adapter_dir}.")
    base_dir = base_encoder_dir()
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    config = AutoConfig.from_pretrained(adapter_dir)
    with _quiet_transformers():  # the head is "missing" from the encoder on purpose: the adapter brings it
        base = AutoModelForSequenceClassification.from_pretrained(base_dir, config=config)
        # Merge once at load: inference then runs at the plain encoder's speed.
        model = PeftModel.from_pretrained(base, adapter_dir).merge_and_unload()
    return model, tokenizer


def _looks_like_hub_id(name: str) -> bool:
    parts = name.split("/")
    return 1 <= len(parts) <= 2 and all(p and not p.startswith(".") for p in parts) and " " not in name


def _hub_address() -> tuple[str, int]:
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    return endpoint.hostname or "huggingface.co", endpoint.port or (443 if endpoint.scheme != "http" else 80)


def hub_reachable(timeout: float = HUB_PROBE_SECONDS) -> bool:
    """Whether the model hub accepts a connection within ``timeout`` seconds (no request is sent).

    Without it, a hub id on a machine with no network fails only after the hub client's retries
    (about 25 s); with it, in about the time of one connection attempt.
    """
    try:
        with socket.create_connection(_hub_address(), timeout=timeout):
            return True
    except OSError:
        return False


def _in_local_cache(name: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    try:
        return isinstance(try_to_load_from_cache(name, "config.json"), str)
    except Exception:  # an id the cache cannot even look up is not in it
        return False


def _load_pretrained(name: str, trust_remote_code: bool) -> tuple[torch.nn.Module, object]:
    path = Path(name).expanduser()
    is_dir = path.is_dir()
    if not is_dir and (
        path.exists() or name.startswith((".", "/", "~")) or os.sep in name and not _looks_like_hub_id(name)
    ):
        raise ModelLoadError(f"'{name}' is not a folder with a model in it.")
    if is_dir and not (path / "config.json").is_file():
        raise ModelLoadError(f"The folder '{name}' has no config.json, so it holds no Hugging Face model.")
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    if not is_dir and not offline and not _in_local_cache(name) and not hub_reachable():
        host, _ = _hub_address()
        raise ModelLoadError(
            f"Model '{name}' is not a local folder and not in the local model cache, and the model hub "
            f"({host}) cannot be reached from this machine. Hub ids work only where the hub is reachable; "
            "give the path of a folder with the model instead."
        )
    source = str(path) if is_dir else name
    try:
        config = AutoConfig.from_pretrained(source, trust_remote_code=trust_remote_code)
    except ValueError as exc:
        if "trust_remote_code" in str(exc):
            raise ModelLoadError(
                f"'{name}' needs its own code to run (trust_remote_code). textlens does not run a model's "
                "code unless you pass trust_remote_code=True yourself."
            ) from exc
        raise ModelLoadError(f"'{name}' could not be read as a model: {exc}") from exc
    except OSError as exc:
        offline = os.environ.get("HF_HUB_OFFLINE") == "1" or "offline" in str(exc).lower()
        where = (
            "while offline: only local folders and models already in the cache can be used"
            if offline
            else ("on the model hub, and no local folder has that name")
        )
        raise ModelLoadError(f"Model '{name}' was not found {where}.") from exc
    architectures = getattr(config, "architectures", None) or []
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, trust_remote_code=trust_remote_code, use_fast=True)
        with _quiet_transformers():
            model = AutoModelForSequenceClassification.from_pretrained(source, trust_remote_code=trust_remote_code)
    except ValueError as exc:
        raise ModelLoadError(
            f"'{name}' is not a text classifier (its architecture is {', '.join(architectures) or 'unknown'})."
        ) from exc
    except OSError as exc:
        raise ModelLoadError(f"'{name}' is missing files it needs: {str(exc).splitlines()[0]}") from exc
    if architectures and not any(a.endswith("ForSequenceClassification") for a in architectures):
        raise ModelLoadError(
            f"'{name}' is a {architectures[0]}, not a sequence classifier: its classification head would be "
            "random. Pick a model fine-tuned for text classification."
        )
    if not getattr(tokenizer, "is_fast", False):
        raise ModelLoadError(f"'{name}' has no fast tokenizer, which textlens needs for exact word spans.")
    return model, tokenizer


def load_classifier(
    model: str = DEFAULT_MODEL_ID,
    *,
    trust_remote_code: bool = False,
    batch_size: int | None = None,
    precision: str = "auto",
) -> Classifier:
    """Load a text classifier: a bundled model (``"default"``, sentiment; ``"emotion"``, six emotions), a local
    folder or a hub id.

    ``precision`` is where the forward passes run: see :func:`resolve_precision`. Raises
    :class:`ModelLoadError` with a message a user can act on when the model cannot be loaded.
    """
    name = (model or DEFAULT_MODEL_ID).strip()
    precision = resolve_precision(precision)
    try:
        if name in BUNDLED_MODEL_IDS:
            net, tokenizer = _load_bundled(name)
        else:
            net, tokenizer = _load_pretrained(name, trust_remote_code)
    except ModelLoadError:
        raise
    except Exception as exc:  # any other loader failure becomes one clear line, not a traceback
        raise ModelLoadError(f"Model '{name}' could not be loaded: {type(exc).__name__}: {exc}") from exc
    net.eval()
    config = net.config
    labels = _labels_of(config)
    if len(labels) < 1:
        raise ModelLoadError(f"'{name}' has no labels in its config.")
    problem_type = getattr(config, "problem_type", None)
    if problem_type == "regression" or (len(labels) == 1 and problem_type != MULTI_LABEL):
        # One softmax output is always 1.0, and a regression score is not a probability: nothing to explain.
        raise ModelLoadError(
            f"'{name}' has {'a regression head' if problem_type == 'regression' else 'one output'}, not class "
            "probabilities: textlens explains classifiers. If its one output is a label's probability (a sigmoid), "
            f'set "problem_type": "{MULTI_LABEL}" in its config.json.'
        )
    return Classifier(
        model_id=name,
        model=net,
        tokenizer=LockedTokenizer(tokenizer),
        labels=labels,
        max_length=_max_length(tokenizer, config),
        multi_label=problem_type == MULTI_LABEL,
        batch_size=batch_size or DEFAULT_BATCH_SIZE,
        precision=precision,
        **BUNDLED_USES.get(name, {}),
    )
