"""Highlighted text and its legend as escaped HTML: every word coloured by its attribution."""

from __future__ import annotations

from html import escape

from textlens.summary import signed
from textlens.types import Explanation

from . import legend
from .legend import PER_ROW, scale_note, swatch  # noqa: F401 - the text pages import them from here
from .palette import background, text_color

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


def scale_for(explanation: Explanation, target: str | int | None) -> float:
    """The largest |value| toward ``target``: the colour scale of one explanation on its own."""
    return max((abs(w.value) for w in explanation.for_label(target)), default=0.0)


def highlight_html(explanation: Explanation, target: str | int | None = None, *, scale: float | None = None) -> str:
    """The original text, whitespace kept, with each word's background on the shared diverging scale.

    ``scale`` is the |value| that gets full colour (default: this explanation's own maximum), so
    several texts can share one scale. Each word carries a tooltip with its exact value.
    """
    i = explanation.label_index(target)
    label = explanation.labels[i]
    words = explanation.for_label(i)
    if scale is None:
        scale = scale_for(explanation, i)
    text = explanation.text
    end_of_read = explanation.read_until if explanation.truncated else len(text)
    parts = [f'<div class="tl-highlight" style="{CONTAINER_STYLE}">']
    pos = 0
    for w in words:
        parts.append(escape(text[pos : w.start]))
        style = f"background: {background(w.value, scale)}; {WORD_STYLE}"
        color = text_color(w.value, scale)
        if color:
            style += f" color: {color};"
        direction = "toward" if w.value >= 0 else "against"
        tip = f"{w.word}: {signed(w.value, 4)} {direction} {label} (change in probability)"
        parts.append(
            f'<span class="tl-word" data-i="{w.index}" data-value="{w.value:.6g}" style="{style}" '
            f'title="{attr(tip)}">{escape(w.word)}</span>'
        )
        pos = w.end
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
        notes=notes,
    )
