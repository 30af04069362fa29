"""Re-running a pack's cases on another model: what changed (probability, label, words), and a linked new pack."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from textlens.store.store import Case, Pack, Store
from textlens.text.wordstats import CHANGE_FLOOR, WordChange, shared_labels, word_changes
from textlens.types import Explanation


@dataclass(frozen=True)
class RerunRow:
    """One case explained again: the stored explanation beside the new one, or why it was skipped."""

    case: Case
    new: Explanation | None = None
    target: str = ""
    skipped: str = ""  # why it could not be re-run (an image case, no shared label)
    changes: tuple[WordChange, ...] = field(default=(), repr=False)

    @property
    def old(self) -> Explanation:
        """The stored explanation."""
        return self.case.result()

    @property
    def probability_change(self) -> float:
        """New P(target) minus stored P(target)."""
        if self.new is None:
            return 0.0
        return self.new.scores[self.new.label_index(self.target)] - self.old.scores[self.old.label_index(self.target)]

    @property
    def label_flip(self) -> bool:
        """True when the two models predict different labels."""
        return self.new is not None and self.new.predicted_label != self.old.predicted_label

    @property
    def sign_flips(self) -> list[WordChange]:
        """Words whose attribution changed sign (beyond the noise floor)."""
        return [c for c in self.changes if c.sign_flip]

    @property
    def changed(self) -> bool:
        """Label flipped, probability moved beyond the noise floor, or a word changed sign."""
        return self.new is not None and (
            self.label_flip or abs(self.probability_change) >= CHANGE_FLOOR or bool(self.sign_flips)
        )

    def order_key(self) -> tuple:
        """Changed cases first: label flips, then the largest probability change; skipped ones last."""
        return (self.new is None, not self.changed, not self.label_flip, -abs(self.probability_change))


def rerun_cases(
    cases: Sequence[Case],
    labels: Sequence[str],
    explain_texts: Callable[[list[str]], list[Explanation]],
) -> list[RerunRow]:
    """Explain every text case again with ``explain_texts`` (the other model), changed cases first.

    ``labels`` are the other model's labels; a case's target is kept when that model has it, else the
    case is skipped with the reason (the Compare page's rule: labels are matched by name).
    """
    rows: list[RerunRow] = []
    todo: list[tuple[Case, str]] = []
    for case in cases:
        if case.kind != "text":
            rows.append(RerunRow(case, skipped=f"a {case.kind} case: only text cases can be re-run on a text model"))
            continue
        common, _ = shared_labels(case.result().labels, labels)
        if case.target not in common:
            rows.append(RerunRow(case, skipped=f"the other model has no label {case.target!r}"))
            continue
        todo.append((case, case.target))
    if todo:
        fresh = explain_texts([case.result().text for case, _ in todo])
        for (case, target), new in zip(todo, fresh):
            changes = tuple(word_changes(case.result(), new, target))
            rows.append(RerunRow(case, new, target, changes=changes))
    return sorted(rows, key=RerunRow.order_key)


def save_rerun(
    store: Store,
    parent: Pack,
    rows: Sequence[RerunRow],
    name: str,
    *,
    model_id: str,
    provenance: dict[str, Any] | None = None,
    author: str | None = None,
) -> Pack:
    """Store the re-run as a new pack linked to ``parent``, cases in the parent's order, tags kept.

    Each case's context keeps what the parent said (note, verdict, model) and what changed.
    """
    pack = store.create_pack(
        name,
        f"Re-run of the pack {parent.name!r} on the model {model_id}.",
        owner=author,
        parent_id=parent.id,
        origin=f"re-run on {model_id}",
    )
    for row in sorted((r for r in rows if r.new is not None), key=lambda r: r.case.position):
        context = {
            "parent_case": row.case.id,
            "previous_model": row.old.model_id,
            "previous_note": row.case.note,
            "previous_verdict": row.case.verdict,
            "probability_change": row.probability_change,
            "label_flip": row.label_flip,
            **{k: v for k, v in row.case.context.items() if k in ("row", "truth")},
        }
        store.add_case(
            pack.id,
            row.new,
            row.target,
            tags=row.case.tags,
            provenance=provenance,
            author=author,
            source="rerun",
            context=context,
        )
    return store.pack(pack.id)
