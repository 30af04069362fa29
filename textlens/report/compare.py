"""Building blocks of the Compare page: shared colour scale, row headers, model-diff callouts, full report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from textlens.dataset.labels import label_shown, true_label
from textlens.report.document import html_document
from textlens.report.export_info import ExportInfo
from textlens.report.highlight import PER_ROW, highlight_html, legend_html, scale_for
from textlens.report.palette import AGAINST, TOWARD
from textlens.text.multilabel import is_multi_label, predicted_labels
from textlens.text.summary import signed
from textlens.text.wordstats import CHANGE_FLOOR, WordChange, word_changes, word_statistics
from textlens.types import Explanation


@dataclass(frozen=True)
class CompareRow:
    """One input of a comparison: its explanation under model A, optionally under model B, and a true label."""

    name: str
    a: Explanation
    b: Explanation | None = None
    truth: str | None = None  # as written in the file
    inputs: dict[str, str] | None = None  # the input row's own columns (an uploaded file's id, text, label…)

    @property
    def true_label(self) -> str | None:
        """The model label the row's true label matches (by name, else as an id in model A's label
        order: ``textlens.dataset.labels``, as every page matches them), or None.
        """
        return true_label(self.truth, self.a.labels)


def row_correct(row: CompareRow) -> bool:
    """Whether model A's predicted label is the row's matched true label (False when it matched none)."""
    return row.true_label == row.a.predicted_label


def shared_scale(explanations: Sequence[Explanation], target: str) -> float:
    """The largest |value| toward ``target`` over all explanations: one colour scale for every row."""
    return max((scale_for(e, target) for e in explanations), default=0.0)


def all_explanations(rows: Sequence[CompareRow]) -> list[Explanation]:
    """Every explanation of the comparison, A's then B's, for a scale shared by all."""
    return [r.a for r in rows] + [r.b for r in rows if r.b is not None]


def row_header_html(row: CompareRow, explanation: Explanation, target: str, model_name: str = "") -> str:
    """``#3 · POSITIVE 0.97 · P(target) 0.97 · ✓ true label POSITIVE`` as escaped HTML."""
    parts = [f"<b>{escape(row.name)}</b>"]
    if model_name:
        parts.append(f"model {escape(model_name)}")
    label = explanation.predicted_label
    if is_multi_label(explanation):  # several labels, or none, at or above the model's threshold
        parts.append(f"predicted <b>{escape(', '.join(predicted_labels(explanation)) or 'no label')}</b>")
    else:
        parts.append(f"predicted <b>{escape(label)}</b> {max(explanation.scores):.2f}")
    parts.append(f"P({escape(target)}) = {explanation.scores[explanation.label_index(target)]:.3f}")
    if row.truth is not None and row.truth.strip() != "":
        matched, shown = label_shown(row.truth, row.a.labels)  # model A's labels, as the page's note says
        if matched is None:
            mark, color = "? not one of the model's labels", "#57606a"
        else:
            correct = matched == label  # for this explanation (A's or B's)
            mark, color = ("✓ correct", "#1a7f37") if correct else ("✗ wrong", "#cf222e")
        parts.append(f'<span style="color: {color}; font-weight: 600;">{mark}</span> (true: {escape(shown)})')
    if explanation.truncated:
        parts.append("✂ cut at the model's maximum length")
    return '<div class="tl-row-head" style="font-size: 0.9rem;">' + " &nbsp;·&nbsp; ".join(parts) + "</div>"


def changes_html(changes: Sequence[WordChange], k: int = 3) -> str:
    """Callout of words whose attribution changed sign, then those that moved most, between models A and B."""
    flips = [c for c in changes if c.sign_flip][:k]
    moved = [c for c in changes if not c.sign_flip and not c.noise][:k]

    def item(c: WordChange) -> str:
        a_color = TOWARD if c.value_a >= 0 else AGAINST
        b_color = TOWARD if c.value_b >= 0 else AGAINST
        return (
            f'"{escape(c.word)}" <span style="color: {a_color};">{signed(c.value_a, 3)}</span> → '
            f'<span style="color: {b_color};">{signed(c.value_b, 3)}</span>'
        )

    lines = []
    if flips:
        lines.append("<b>Changed sign:</b> " + "; ".join(item(c) for c in flips))
    if moved:
        lines.append("<b>Moved most:</b> " + "; ".join(item(c) for c in moved))
    lines.append(f'<span class="tl-meta">Changes below ±{CHANGE_FLOOR} are treated as noise.</span>')
    body = "".join(f"<div>{line}</div>" for line in lines[:-1]) or "<div>No word changed by more than noise.</div>"
    body += f"<div>{lines[-1]}</div>"
    return f'<div class="tl-changes" style="font-size: 0.88rem; line-height: 1.6;">{body}</div>'


def probability_change(row: CompareRow, target: str) -> float:
    """P_B(target) - P_A(target) for one row of a two-model comparison."""
    assert row.b is not None
    return row.b.scores[row.b.label_index(target)] - row.a.scores[row.a.label_index(target)]


def comparison_report(
    rows: Sequence[CompareRow],
    target: str,
    *,
    per_row_scale: bool = False,
    model_names: tuple[str, str | None] = ("", None),
    info: ExportInfo | None = None,
) -> str:
    """The whole comparison as one self-contained HTML file: legend, every row, the set's strongest words.

    ``info`` says what the report is (source, models, precision, date, version) under its title.
    """
    explanations = all_explanations(rows)
    scale = shared_scale(explanations, target)
    name_a, name_b = model_names
    body = [f"<h1>textlens comparison: {len(rows)} inputs, target {escape(target)}</h1>"]
    if info is not None:
        body.append(info.html())
    if name_b:
        body.append(f'<div class="tl-meta">model A <b>{escape(name_a)}</b> · model B <b>{escape(name_b)}</b></div>')
    if rows:
        legend_scale = PER_ROW if per_row_scale else scale
        body.append(
            '<div class="tl-card">' + legend_html(rows[0].a, target, scale=legend_scale, totals=False) + "</div>"
        )
    for row in rows:
        body.append('<div class="tl-card">')
        for model_name, e in ((name_a, row.a), (name_b, row.b)):
            if e is None:
                continue
            row_scale = None if per_row_scale else scale
            body.append(row_header_html(row, e, target, model_name if row.b is not None else ""))
            body.append(highlight_html(e, target, scale=row_scale))
        if row.b is not None:
            body.append(f"<div>Change in P({escape(target)}): {signed(probability_change(row, target), 3)}</div>")
            body.append(changes_html(word_changes(row.a, row.b, target)))
        body.append("</div>")
    stats = word_statistics([r.a for r in rows], target)[:20]
    if stats:
        which = f" (model {escape(name_a)})" if name_b else ""
        body.append(
            f"<h2>Strongest words across the set{which}: mean attribution for {escape(target)}, "
            "red toward it, blue against</h2><table>"
        )
        body.append("<tr><th>word</th><th>mean</th><th>inputs</th><th>occurrences</th></tr>")
        for s in stats:
            color = TOWARD if s.mean >= 0 else AGAINST
            body.append(
                f'<tr><td>{escape(s.word)}</td><td style="color: {color};">{signed(s.mean, 4)}</td>'
                f"<td>{s.inputs}</td><td>{s.occurrences}</td></tr>"
            )
        body.append("</table>")
    return html_document(f"textlens comparison ({len(rows)} inputs)", "".join(body))
