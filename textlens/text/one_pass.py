"""One-pass word values: a small head on the classifier's own token states, trained on exact explanations."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from textlens.errors import TextlensError
from textlens.provenance import IDENTITY_VERSION
from textlens.text.models import Classifier
from textlens.text.words import word_spans
from textlens.types import Explanation, Span

HEAD_FILE = "head.pt"
CARD_FILE = "one_pass.json"
# What earlier textlens called the card, the folder beside a model and the environment variable (still read).
EARLIER_CARD_FILE, EARLIER_FOLDER_NAME, EARLIER_ENV = "amortizer.json", "textlens-amortizer", "TEXTLENS_AMORTIZERS"
WORDS_FILE = "words.json"  # words_alone's memory, saved with the head: the words seen in training need no pass
HIDDEN = 128
# Training steps (batches of 32 texts): 1,200 agreed better on SST-2 dev than 600 (median r 0.886 vs 0.878,
# 814 training texts); more overfit a few hundred texts less than they help.
STEPS = 1200
DROPOUT = 0.3
WEIGHT_DECAY = 0.01
# Every hidden state feeds the head: the embeddings (the words themselves) up to the last layer (what
# the classifier reads). On SST-2 dev this agreed better with exact values than the last and a middle
# layer alone (median r 0.878 vs 0.866 on 300 sentences, heads trained on the same 814).
LAYERS = "all"
# Words whose exact value is below this are left out of the sign agreement: their sign is noise.
SIGN_THRESHOLD = 0.05
# Each word's output by itself feeds the head beside its token states (see words_alone), this many times
# the raw figures so that 4 inputs are not lost among 3,072.
ALONE_WEIGHT = 3.0
ALONE_CACHE = 200_000  # words remembered per explainer; past this the memory starts again


class OnePassError(TextlensError):
    """A one-pass explainer that cannot be trained, loaded or used with this model."""


@dataclass(frozen=True)
class Agreement:
    """How far one-pass values agree with exact ones on held-out texts (toward each text's predicted class)."""

    texts: int
    median_r: float  # median per-text Pearson correlation
    top3: float  # mean share of the exact top-3 words (by |value|) among the estimated top 3
    sign: float  # share of words with |exact value| > SIGN_THRESHOLD whose estimated sign is the same
    data: str = ""  # what the texts were, e.g. "SST-2 dev, 300 sentences"
    min_words: int = 0  # measured on texts of at least this many words: the figure shown for such texts

    def sentence(self) -> str:
        """The one line shown wherever one-pass values are: how far to trust them."""
        where = f" on {self.data}" if self.data else " on held-out texts"
        return (
            f"estimated in one pass; r = {self.median_r:.3f} with exact{where} "
            f"(top-3 words {self.top3:.0%}, signs {self.sign:.0%})"
        )


def text_words(text: object) -> int:
    """A text's length in words as the length bands of :class:`Agreement` count them: split on white space.

    Punctuation does not count: the long-text band was measured on texts of 150-300 such words.
    """
    return len(str(text).split())


@dataclass
class OnePassExplainer:
    """A trained head for one classifier: every word's value for every label in one batched forward pass.

    Base values are the model's output with every word masked, as in the exact explanations, and the
    head's values are shifted evenly per label so that base value + sum of word values = model output.
    """

    model_id: str
    fingerprint: str
    labels: tuple[str, ...]
    head: torch.nn.Module
    layers: tuple[int, ...]
    scale: float = 1.0  # the head predicts values in units of this (the training values' spread)
    agreement: tuple[Agreement, ...] = ()
    training: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # the folder it was loaded from ("" for one trained in this process)
    alone: bool = False  # whether the head also reads each word's output by itself (words_alone)
    known: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)  # words_alone's memory
    identity: int = IDENTITY_VERSION  # the scheme its fingerprint was made with (1: path and dtype included)

    def digest(self) -> str:
        """A short hash of the head's weights and settings: what a corpus run resumed with it must share."""
        import hashlib

        h = hashlib.sha256(json.dumps([self.fingerprint, list(self.layers), self.scale, self.alone]).encode())
        for name, tensor in sorted(self.head.state_dict().items()):
            h.update(name.encode())
            h.update(tensor.detach().cpu().numpy().tobytes())
        return h.hexdigest()[:16]

    def explain(
        self, classifier: Classifier, texts: Sequence[str], batch_size: int = 64, progress=None
    ) -> list[Explanation]:
        """One-pass :class:`Explanation` records of ``texts`` (``settings["method"] == "one-pass"``).

        ``progress(texts_done, n_texts)`` is called after every batch. A text with nothing to explain
        (empty or blank) is refused as the exact explainer refuses it.
        """
        from textlens.text.explain import validate_text

        self.check(classifier)
        for text in texts:
            validate_text(text)
        started = time.perf_counter()
        out: list[Explanation] = []
        # Length-sorted batches pad little; the records come back in the order given.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        known: dict[str, np.ndarray] = {}  # all-masked rows repeat across batches (one per length)
        for first in range(0, len(order), batch_size):
            chunk = [texts[i] for i in order[first : first + batch_size]]
            feats, probs, spans, readable = word_features(
                classifier, chunk, self.layers, self.known if self.alone else None
            )
            base = base_values(classifier, readable, known)
            with torch.inference_mode():
                raw = [self.head(torch.as_tensor(f, dtype=torch.float32)).double().numpy() * self.scale for f in feats]
            for text, cut, s, r, p, b in zip(chunk, readable, spans, raw, probs, base):
                values = efficient(r, p - b)
                out.append(self._record(classifier, text, cut, s, values, p, b))
            if progress is not None:
                progress(len(out), len(texts))
        seconds = (time.perf_counter() - started) / max(len(texts), 1)
        records: list[Explanation] = [None] * len(texts)  # type: ignore[list-item]
        for i, record in zip(order, out):
            records[i] = _with_seconds(record, seconds)
        return records

    def trust(self, words: int | None = None) -> str:
        """The line shown beside its values: its agreement with exact values, or that none was measured.

        For a text of ``words`` words, the agreement measured on texts of at least that length where there
        is one (long texts agree less), else the first (the held-out texts of its own kind).
        """
        if not self.agreement:
            return "estimated in one pass; agreement with exact values not measured"
        longer = [a for a in self.agreement if a.min_words and words is not None and words >= a.min_words]
        return max(longer, key=lambda a: a.min_words, default=self.agreement[0]).sentence()

    def _record(self, classifier, text, readable, spans, values, probs, base) -> Explanation:
        words = tuple(
            Span(text[a:b], a, b, tuple(float(v) for v in values[i]), False) for i, (a, b) in enumerate(spans)
        )
        settings = {"method": "one-pass", **classifier.record_settings}
        if self.agreement:
            settings["agreement"] = self.trust(text_words(text))
        return Explanation(
            text=text,
            model_id=classifier.model_id,
            labels=classifier.labels,
            scores=tuple(float(x) for x in probs),
            base_values=tuple(float(x) for x in base),
            words=words,
            features=words,
            leaves="words",
            max_evals=0,
            evals=0,
            evals_needed=0,
            unsettled=1.0 if words else 0.0,
            truncated=len(readable) < len(text),
            read_until=len(readable) if len(readable) < len(text) else None,
            settings=settings,
        )

    def check(self, classifier: Classifier) -> None:
        """Refuse a classifier this head was not trained for (another model, or changed weights)."""
        if tuple(classifier.labels) == tuple(self.labels) and classifier.is_identity(self.fingerprint):
            return
        if tuple(classifier.labels) == tuple(self.labels) and self.identity < IDENTITY_VERSION:
            raise OnePassError(reattach_message(self.source or "DIR", self.model_id, classifier.model_id))
        raise OnePassError(
            f"This one-pass explainer was trained for {self.model_id!r} (labels {', '.join(self.labels)}); "
            f"{classifier.model_id!r} is another model or changed weights. Train one for it with "
            "`textlens one-pass train`."
        )

    def save(self, folder: str | Path) -> Path:
        """Write the head's weights and its card (model, layers, agreement, training) to ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        torch.save(self.head.state_dict(), folder / HEAD_FILE)
        card = {
            "model_id": self.model_id,
            "fingerprint": self.fingerprint,
            "identity": self.identity,
            "labels": list(self.labels),
            "layers": list(self.layers),
            "scale": self.scale,
            "inputs": int(_linears(self.head)[0].in_features),
            "alone": self.alone,
            "hidden": int(_linears(self.head)[0].out_features),
            "agreement": [asdict(a) for a in self.agreement],
            "training": self.training,
        }
        (folder / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
        if self.alone:
            words = {w: [round(float(x), 7) for x in p] for w, p in sorted(self.known.items())}
            (folder / WORDS_FILE).write_text(json.dumps(words, ensure_ascii=False) + "\n", encoding="utf-8")
        return folder


def load_one_pass(folder: str | Path) -> OnePassExplainer:
    """The one-pass explainer saved in ``folder`` (weights only: nothing in it runs as code)."""
    folder = Path(folder)
    try:
        card = json.loads(card_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OnePassError(f"No one-pass explainer could be read from {folder}: {exc}") from exc
    return _from_card(folder, card)


def _from_card(folder: Path, card: dict) -> OnePassExplainer:
    try:
        head = make_head(card["inputs"], len(card["labels"]), card["hidden"])
        head.load_state_dict(torch.load(folder / HEAD_FILE, map_location="cpu", weights_only=True))
        head.eval()
        return OnePassExplainer(
            card["model_id"],
            card["fingerprint"],
            tuple(card["labels"]),
            head,
            tuple(card["layers"]),
            float(card.get("scale", 1.0)),
            tuple(Agreement(**a) for a in card.get("agreement", ())),
            card.get("training", {}),
            str(folder),
            bool(card.get("alone", False)),
            _remembered(folder / WORDS_FILE, len(card["labels"])),
            int(card.get("identity", 1)),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError) as exc:
        raise OnePassError(f"No one-pass explainer could be read from {folder}: {exc}") from exc


def _remembered(path: Path, labels: int) -> dict[str, np.ndarray]:
    """The word memory saved beside a head (empty when there is none: words are then predicted as met)."""
    if not path.is_file():
        return {}
    words = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(words, dict):
        raise ValueError(f"{path.name} is not a table of words")
    known = {str(w): np.asarray(p, dtype=np.float64) for w, p in words.items()}
    if any(p.shape != (labels,) for p in known.values()):
        raise ValueError(f"{path.name} does not hold one output per label for every word")
    return known


def make_head(inputs: int, labels: int, hidden: int = HIDDEN, dropout: float = DROPOUT) -> torch.nn.Sequential:
    """The head: per word, its token states (every layer) and the text's [CLS] state in, one value per label out.

    Dropout (active in training only) keeps a head trained on a few thousand texts from learning them by heart.
    """
    return torch.nn.Sequential(
        torch.nn.Dropout(dropout),
        torch.nn.Linear(inputs, hidden),
        torch.nn.GELU(),
        torch.nn.Dropout(dropout),
        torch.nn.Linear(hidden, labels),
    )


def _linears(head: torch.nn.Module) -> list[torch.nn.Linear]:
    return [m for m in head.modules() if isinstance(m, torch.nn.Linear)]


def resolve_layers(classifier: Classifier, layers=LAYERS) -> tuple[int, ...]:
    """Hidden-state indices for ``layers``: "all" (embeddings to last layer), or indices and "middle"."""
    n = int(getattr(classifier.model.config, "num_hidden_layers", 0) or 0)
    if layers == "all":
        return tuple(range(n + 1)) if n else (-1,)
    return tuple((n + 1) // 2 if layer == "middle" else int(layer) for layer in layers)


@torch.inference_mode()
def word_features(
    classifier: Classifier,
    texts: Sequence[str],
    layers: tuple[int, ...],
    alone: dict[str, np.ndarray] | None = None,
):
    """Per text: word features ``(words, inputs)``, probabilities, word spans and the part the model reads.

    One forward pass for all texts: a word's features are the mean of its tokens' states in each of
    ``layers``, then the first token's state of the last of them, then (given ``alone``, the memory of
    :func:`words_alone`) the word's output by itself.
    """
    readable = []
    for text in texts:
        cut = classifier.read_until(text)
        readable.append(text if cut is None else text[:cut])
    enc = classifier.tokenizer(
        readable,
        padding=True,
        truncation=True,
        max_length=classifier.max_length,
        return_tensors="pt",
        return_offsets_mapping=True,
    )
    offsets = enc.pop("offset_mapping").numpy()
    output = classifier.model(**enc, output_hidden_states=True)
    logits = output.logits.float()
    probs = (torch.sigmoid(logits) if classifier.multi_label else torch.softmax(logits, dim=-1)).double().numpy()
    states = torch.cat([output.hidden_states[layer].float() for layer in layers], dim=-1)  # (texts, tokens, inputs)
    first = output.hidden_states[layers[-1]][:, 0].float()
    spans = [word_spans(text) for text in readable]
    mask = enc["attention_mask"].numpy().astype(bool)
    feats = []
    for row, words in enumerate(spans):
        # A matrix per text averages each word's token states: one matmul, not a Python loop over words
        # (the loop was most of the one-pass explainer's time).
        pool = torch.as_tensor(word_pooling(words, offsets[row], mask[row]))
        feats.append(torch.cat([pool @ states[row], first[row].expand(len(words), -1)], dim=1).numpy())
    if alone is not None:
        every = [text[a:b] for text, words in zip(readable, spans) for a, b in words]
        by_itself = words_alone(classifier, every, alone)
        ends = np.cumsum([len(words) for words in spans])[:-1]
        feats = [np.hstack([f, w]).astype(np.float32) for f, w in zip(feats, np.split(by_itself, ends))]
    return feats, probs, spans, readable


def words_alone(classifier: Classifier, words: Sequence[str], known: dict[str, np.ndarray]) -> np.ndarray:
    """``(words, 2 * labels)``: each word's output by itself less the output on an empty text, and its log-odds.

    The token states are read in the whole text, where a confident model hardly moves for any one word,
    while exact values average over coalitions of a few words where it does: what a word does alone
    tells the head what the states hide. Each distinct word is predicted once; ``known`` remembers them.
    """
    if len(known) > ALONE_CACHE:
        known.clear()
    have = predicted_once(classifier, ["", *words], known)
    if not words:
        return np.zeros((0, 2 * len(classifier.labels)), dtype=np.float32)
    probs = np.stack([have[w] for w in words])
    odds = np.clip(probs, 1e-6, 1 - 1e-6)
    return ALONE_WEIGHT * np.hstack([probs - have[""], np.log(odds / (1 - odds)) / 10]).astype(np.float32)


def word_pooling(words: Sequence[tuple[int, int]], offsets: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``(words, tokens)``: each word's row averages the tokens overlapping it (the first token if none)."""
    real = mask & (offsets[:, 1] > offsets[:, 0])
    bounds = np.asarray(words, dtype=np.int64).reshape(-1, 2)
    hits = ((offsets[None, :, 0] < bounds[:, 1:]) & (offsets[None, :, 1] > bounds[:, :1]) & real[None, :]).astype(
        np.float32
    )
    hits[hits.sum(axis=1) == 0, 0] = 1.0
    return hits / hits.sum(axis=1, keepdims=True)


def base_values(
    classifier: Classifier, readable: Sequence[str], known: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """The model's output with every word masked, as the exact explainer computes it (each distinct row once).

    ``known``: outputs of masked rows already predicted, filled in with the new ones (a cache for one run).
    """
    from textlens.text.explain import masked_texts

    rows = masked_texts(classifier, readable)
    outputs = predicted_once(classifier, rows, {} if known is None else known)
    return np.stack([outputs[r] for r in rows]) if rows else np.zeros((0, len(classifier.labels)))


def predicted_once(classifier: Classifier, rows: Sequence[str], known: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The model's output for each distinct row: those in ``known`` as remembered, the rest predicted in one
    call and added to ``known``.

    The answer is a dict of this call's own, so another session sharing ``known`` may empty it meanwhile.
    """
    outputs = {r: known.get(r) for r in dict.fromkeys(rows)}
    new = [r for r, output in outputs.items() if output is None]
    if new:
        fresh = dict(zip(new, classifier.predict(new)))
        outputs.update(fresh)
        known.update(fresh)
    return outputs


def efficient(values: np.ndarray, total: np.ndarray) -> np.ndarray:
    """``values`` shifted evenly per label so that they add up to ``total`` (base value + sum = output)."""
    if len(values) == 0:
        return values
    return values + (np.asarray(total) - values.sum(axis=0)) / len(values)


def top_overlap(estimated: np.ndarray, exact: np.ndarray, k: int = 3) -> float:
    """The share of the ``k`` largest ``exact`` values (by size) that are among the ``k`` largest estimated."""
    k = min(k, len(exact))
    top = set(np.argsort(-np.abs(estimated))[:k]) & set(np.argsort(-np.abs(exact))[:k])
    return len(top) / k


def agreement(
    estimated: Sequence[Explanation], exact: Sequence[Explanation], data: str = "", min_words: int = 0
) -> Agreement:
    """How far ``estimated`` values agree with ``exact`` ones, text by text, toward each predicted class.

    ``min_words``: the texts are a length band (all at least this long), whose figure is shown for such texts.
    """
    rs, tops, signs_same, signs_all = [], [], 0, 0
    for est, ref in zip(estimated, exact):
        i = ref.label_index(ref.predicted_label)
        a = np.array([w.values[i] for w in est.words])
        b = np.array([w.values[i] for w in ref.words])
        if len(a) != len(b) or len(b) < 2:
            continue
        if a.std() > 0 and b.std() > 0:
            rs.append(float(np.corrcoef(a, b)[0, 1]))
        tops.append(top_overlap(a, b))
        strong = np.abs(b) > SIGN_THRESHOLD
        signs_same += int((np.sign(a[strong]) == np.sign(b[strong])).sum())
        signs_all += int(strong.sum())
    if not rs:
        raise OnePassError("No text with two or more words to compare one-pass and exact values on.")
    return Agreement(
        len(rs), float(np.median(rs)), float(np.mean(tops)), signs_same / max(signs_all, 1), data, min_words
    )


def train(
    classifier: Classifier,
    exact: Sequence[Explanation],
    *,
    steps: int = STEPS,
    batch_texts: int = 32,
    hidden: int = HIDDEN,
    dropout: float = DROPOUT,
    weight_decay: float = WEIGHT_DECAY,
    learning_rate: float = 1e-3,
    layers=LAYERS,
    alone: bool = True,
    seed: int = 0,
    progress=None,
) -> OnePassExplainer:
    """Train a head on exact explanations of ``classifier`` (their texts, words and values).

    The loss is the squared error of the values after the efficiency shift, so the head learns
    what the shift cannot give: how the output's change splits over the words.
    """
    exact = [e for e in exact if len(e.words) >= 1 and e.settings.get("method", "exact") == "exact"]
    if not exact:
        raise OnePassError("Training needs exact explanations of at least one text.")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    layers = resolve_layers(classifier, layers)
    known: dict[str, np.ndarray] = {}
    examples = []
    for first in range(0, len(exact), 64):
        chunk = exact[first : first + 64]
        feats, _, spans, _ = word_features(classifier, [e.text for e in chunk], layers, known if alone else None)
        for e, f, s in zip(chunk, feats, spans):
            if [(w.start, w.end) for w in e.words] != list(s):
                continue  # words split another way (a truncated or edited text): not a clean example
            target = np.array([w.values for w in e.words])
            examples.append((torch.as_tensor(f), torch.as_tensor(target), torch.as_tensor(target.sum(axis=0))))
    if not examples:
        raise OnePassError("None of the exact explanations' words match this model's reading of their texts.")
    # Values of a weak model are tiny (1e-6 for a random one): the head learns them in units of their spread.
    scale = float(torch.cat([e[1] for e in examples]).std()) or 1.0
    examples = [(f, target / scale, total / scale) for f, target, total in examples]
    head = make_head(examples[0][0].shape[1], len(classifier.labels), hidden, dropout)
    head.train()
    optimizer = torch.optim.AdamW(head.parameters(), lr=learning_rate, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    started = time.perf_counter()
    for step in range(steps):
        batch = rng.choice(len(examples), size=min(batch_texts, len(examples)), replace=False)
        feats = torch.cat([examples[j][0] for j in batch])
        target = torch.cat([examples[j][1] for j in batch])
        totals = torch.stack([examples[j][2] for j in batch])
        owner = torch.cat([torch.full((len(examples[j][0]),), k) for k, j in enumerate(batch)])
        counts = torch.bincount(owner, minlength=len(batch)).double()
        raw = head(feats).double()
        sums = torch.zeros_like(totals).index_add_(0, owner, raw)
        values = raw + ((totals - sums) / counts[:, None])[owner]
        # Every text weighs the same, whatever its length.
        per_word = ((values - target) ** 2).mean(dim=1)
        loss = (torch.zeros(len(batch), dtype=torch.float64).index_add_(0, owner, per_word) / counts).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if progress is not None:
            progress(step + 1, steps)
    head.eval()
    training = {
        "texts": len(examples),
        "steps": steps,
        "batch_texts": batch_texts,
        "hidden": hidden,
        "dropout": dropout,
        "weight_decay": weight_decay,
        "learning_rate": learning_rate,
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return OnePassExplainer(
        classifier.model_id,
        classifier.fingerprint,
        tuple(classifier.labels),
        head,
        layers,
        scale,
        (),
        training,
        alone=alone,
        known=known,
    )


def _with_seconds(explanation: Explanation, seconds: float) -> Explanation:
    from dataclasses import replace

    return replace(explanation, seconds=seconds)


BUNDLED = Path(__file__).resolve().parent.parent / "bundled" / "one_pass"
ONE_PASS_EMOTION = BUNDLED.with_name("one_pass_emotion")  # the bundled ``emotion`` model's
FOLDER_NAME = "textlens-one-pass"  # beside a local model's own files


def _candidates(classifier: Classifier, extra: Sequence[str | Path]) -> list[Path]:
    candidates = [Path(p) for p in extra]
    for variable in ("TEXTLENS_ONE_PASS", EARLIER_ENV):
        candidates += [Path(p) for p in os.environ.get(variable, "").split(os.pathsep) if p]
    if Path(classifier.model_id).is_dir():
        candidates += [Path(classifier.model_id) / FOLDER_NAME, Path(classifier.model_id) / EARLIER_FOLDER_NAME]
    return [*candidates, BUNDLED, ONE_PASS_EMOTION]


def card_path(folder: str | Path) -> Path:
    """Where ``folder``'s card is: ``one_pass.json``, or ``amortizer.json`` in a folder saved by earlier textlens."""
    folder = Path(folder)
    earlier = folder / EARLIER_CARD_FILE
    return earlier if earlier.is_file() and not (folder / CARD_FILE).is_file() else folder / CARD_FILE


def _card_at(folder: Path) -> dict | None:
    """The card in ``folder`` when there is one that reads as JSON object, else None."""
    try:
        card = json.loads(card_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return card if isinstance(card, dict) else None


def find_one_pass(classifier: Classifier, extra: Sequence[str | Path] = ()) -> OnePassExplainer | None:
    """The one-pass explainer trained for this model, or None: looked for in ``extra`` folders, the folders
    in ``TEXTLENS_ONE_PASS`` (separated like PATH), the model's own folder and the package's bundled one.
    """
    for folder in _candidates(classifier, extra):
        card = _card_at(folder)
        if card is None:
            continue
        if tuple(card.get("labels", ())) == classifier.labels and classifier.is_identity(card.get("fingerprint")):
            return _from_card(folder, card)
    return None


def _earlier_identity(classifier: Classifier, extra: Sequence[str | Path] = ()) -> Path | None:
    """A folder among :func:`find_one_pass`'s whose card has this model's labels and an identity of the earlier
    scheme that is not this model's here: perhaps trained for it elsewhere, to be re-attached by the user.
    """
    for folder in _candidates(classifier, extra):
        card = _card_at(folder)
        if card and tuple(card.get("labels", ())) == classifier.labels and int(card.get("identity", 1)) == 1:
            return folder
    return None


def reattach_message(folder: str | Path, trained_for: str, model_id: str) -> str:
    """What to do with a one-pass explainer saved under the earlier identity scheme (path and dtype included)."""
    return (
        f"The one-pass explainer in {folder} was saved under textlens's earlier model identity, which changed "
        f"with the folder a model was installed in, so it cannot tell whether it was trained for {model_id!r}. "
        f"If it was (it says {trained_for!r}), re-attach it once: `textlens reattach {folder} --model {model_id}`."
    )


def reattach_one_pass(folder: str | Path, classifier: Classifier) -> dict[str, Any]:
    """Give the one-pass explainer in ``folder`` this model's identity (the user vouches that it was trained for
    it); the card keeps the identity it replaced under ``"reattached"``. Returns the new card.
    """
    folder = Path(folder)
    card = _card_at(folder)
    if card is None:
        raise OnePassError(f"No one-pass explainer could be read from {folder}.")
    if tuple(card.get("labels", ())) != classifier.labels:
        raise OnePassError(
            f"The one-pass explainer in {folder} has the labels {', '.join(map(str, card.get('labels', ())))}; "
            f"{classifier.model_id!r} has {', '.join(classifier.labels)}: it was trained for another model."
        )
    load_one_pass(folder)  # refuses weights that do not fit the card before anything is written
    if card.get("fingerprint") != classifier.fingerprint:
        old = {"fingerprint": card.get("fingerprint"), "identity": int(card.get("identity", 1))}
        card["reattached"] = [*card.get("reattached", []), old]
        card.update(fingerprint=classifier.fingerprint, identity=IDENTITY_VERSION)
        path = card_path(folder)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    return card


def require_one_pass(classifier: Classifier, folder: str | Path | None = None) -> OnePassExplainer:
    """The one-pass explainer in ``folder``, or the one found for the model; the error says how to train one."""
    explainer = load_one_pass(folder) if folder else find_one_pass(classifier)
    if explainer is None:
        earlier = _earlier_identity(classifier)
        if earlier is not None:
            raise OnePassError(reattach_message(earlier, str(_card_at(earlier).get("model_id")), classifier.model_id))
        raise OnePassError(
            f"No one-pass explainer is trained for {classifier.model_id!r}: train one with `textlens one-pass "
            "train --model … --data FILE --text-column C --out DIR` and pass --explainer DIR (or put DIR in "
            "TEXTLENS_ONE_PASS)."
        )
    explainer.check(classifier)
    return explainer
