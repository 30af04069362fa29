"""Highlighted text and its legend as escaped HTML: every word coloured by its attribution."""

from __future__ import annotations

from html import escape

from textlens.report import legend
from textlens.report.legend import PER_ROW, scale_note, swatch  # noqa: F401 - the text pages import them from here
from textlens.report.palette import STANDARD, Palette, bar_color
from textlens.text.summary import signed
from textlens.types import Explanation

# Beyond this many unread characters the rest of a huge text is summarised, not rendered.
UNREAD_PREVIEW_CHARS = 2000

CONTAINER_STYLE = (
    "white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.9; font-size: 1.05rem; "
    "font-family: 'Source Sans Pro', 'Source Sans 3', system-ui, sans-serif; padding: 0.25rem 0;"
)
# The negative margin cancels the padding, so chips take exactly the width of their text: "died," stays
# "died," and not "died ," when the comma is a chip of its own.
WORD_STYLE = "border-radius: 0.25rem; padding: 0.05rem 0.1rem; margin: 0 -0.1rem;"


def attr(text: str) -> str:
    """Escape text for a double-quoted HTML attribute."""
    return escape(text, quote=True)


PHRASE_STYLE = (
    "border: 1.5px solid {edge}; border-radius: 0.35rem; padding: 0.1rem 0.2rem; "
    "-webkit-box-decoration-break: clone; box-decoration-break: clone;"
)


def shown_items(explanation: Explanation, target: str | int | None) -> list[tuple[int, int, float, int, int]]:
    """What the display shows, in text order: ``(start, end, value, words, index)`` per item.

    A resolved word is an item of one word (``index`` its position among the words); an
    unresolved unit is one item per run of words it covers, carrying the unit's value as a whole
    (``index`` the unit's position, ``words`` how many words it holds).
    """
    i = explanation.label_index(target)
    items = [(w.start, w.end, w.values[i], 1, n) for n, w in enumerate(explanation.words) if w.resolved]
    for n, unit in enumerate(explanation.units):
        if not unit.resolved:
            items.extend((a, b, unit.values[i], unit.words, n) for a, b in unit.spans)
    return sorted(items)


def scale_for(explanation: Explanation, target: str | int | None) -> float:
    """The largest |value| shown toward ``target``: the colour scale of one explanation on its own.

    Words of a phrase not yet split are not shown one by one, so the phrase's value counts instead.
    """
    return max((abs(item[2]) for item in shown_items(explanation, target)), default=0.0)


def phrase_tip(value: float, words: int) -> str:
    """The tooltip of a phrase not split further."""
    return f"this phrase as a whole ({words} words): {signed(value, 4)}; not split further at this budget"


def highlight_html(
    explanation: Explanation,
    target: str | int | None = None,
    *,
    scale: float | None = None,
    palette: Palette = STANDARD,
) -> str:
    """The original text, whitespace kept, with each word's background on the shared diverging scale.

    ``scale`` is the |value| that gets full colour (default: this explanation's own maximum), so
    several texts can share one scale. Each word carries a tooltip with its exact value. ``palette``
    turns values into colours (:data:`textlens.report.palette.HIGH_CONTRAST` for projectors).
    """
    i = explanation.label_index(target)
    label = explanation.labels[i]
    if scale is None:
        scale = scale_for(explanation, i)
    text = explanation.text
    end_of_read = explanation.read_until if explanation.truncated else len(text)
    parts = [f'<div class="tl-highlight" style="{CONTAINER_STYLE}">']
    pos = 0
    for start, end, value, n_words, index in shown_items(explanation, i):
        parts.append(escape(text[pos:start]))
        style = f"background: {palette.background(value, scale)}; "
        color = palette.text_color(value, scale)
        if color:
            style += f"color: {color}; "
        piece = text[start:end]
        if n_words == 1:
            direction = "toward" if value >= 0 else "against"
            tip = f"{piece}: {signed(value, 4)} {direction} {label} (change in probability)"
            parts.append(
                f'<span class="tl-word" data-i="{index}" data-value="{value:.6g}" style="{style}{WORD_STYLE}" '
                f'title="{attr(tip)}">{escape(piece)}</span>'
            )
        else:
            edge = bar_color(value)
            parts.append(
                f'<span class="tl-phrase" data-unit="{index}" data-words="{n_words}" data-value="{value:.6g}" '
                f'style="{style}{PHRASE_STYLE.format(edge=edge)}" title="{attr(phrase_tip(value, n_words))}">'
                f'<span class="tl-phrase-value" style="font-size: 0.72rem; font-weight: 700; '
                f'margin-right: 0.3rem; opacity: 0.9;">{escape(signed(value, 2))}</span>{escape(piece)}</span>'
            )
        pos = end
    parts.append(escape(text[pos:end_of_read]))
    if explanation.truncated:
        rest = text[end_of_read:]
        shown = rest[:UNREAD_PREVIEW_CHARS]
        parts.append(
            '<span class="tl-cut" style="display: inline-block; margin: 0 0.3rem; padding: 0 0.4rem; '
            'border-radius: 0.25rem; border: 1px dashed currentColor; font-size: 0.8rem; opacity: 0.8;" '
            'title="The model reads at most its maximum number of tokens; the rest had no effect.">'
            "✂ the model stopped reading here</span>"
        )
        parts.append(f'<span class="tl-unread" style="opacity: 0.45;">{escape(shown)}</span>')
        if len(rest) > len(shown):
            parts.append(
                f'<span style="opacity: 0.6; font-style: italic;"> … and {len(rest) - len(shown):,} more '
                "characters the model did not read</span>"
            )
    parts.append("</div>")
    return "".join(parts)


def settledness(explanation: Explanation) -> str:
    """How exact the values are, in words: exact Owen values, or the share still unsettled."""
    if explanation.units:
        n_words = len(explanation.words)
        if explanation.converged:
            return f"exact: every word has its own Owen value ({explanation.evals:,} model calls)"
        phrases = sum(not u.resolved for u in explanation.units)
        rest = n_words - explanation.resolved_words
        return (
            f"approximate for single words, exact at the granularity shown: "
            f"{explanation.resolved_words:,} of {n_words:,} words resolved "
            f"(their own value); the other {rest:,} are in {phrases:,} boxed phrases, each with its exact "
            f"value as a whole, not split further at this budget ({explanation.evals:,} model calls; "
            f"{1 - explanation.unsettled:.0%} of the attribution is on resolved words)"
        )
    if explanation.converged:
        return f"exact (partition tree fully expanded, {explanation.evals:,} model calls)"
    return (
        f"approximate: {explanation.unsettled:.1%} of the attribution is still spread over word groups "
        f"({explanation.evals:,} of {explanation.evals_needed:,} model calls for the exact values)"
    )


def legend_html(
    explanation: Explanation, target: str | int | None = None, *, scale: float | None = None, totals: bool = True
) -> str:
    """Legend: target class, units, base value, model output (base + sum), colour key and settledness.

    ``totals=False`` leaves out the one text's base value, output and settledness (a legend for many rows).
    """
    i = explanation.label_index(target)
    notes = [f"Values are {settledness(explanation)}"]
    if explanation.truncated:
        notes.append(
            f"⚠ Text cut: the model read the first {explanation.read_until:,} of {len(explanation.text):,} "
            "characters; words after that are not explained."
        )
    return legend.legend_html(
        explanation,
        i,
        scale=scale_for(explanation, i) if scale is None else scale,
        attributed=sum(w.value for w in explanation.for_label(i)),
        totals=totals,
        feature="word and phrase" if any(not u.resolved for u in explanation.units) else "word",
        notes=notes,
    )
