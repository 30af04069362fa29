"""The legend of any result record: colour key, units, base value + attributions = model output, notes."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from textlens.report.palette import AGAINST, NEGLIGIBLE, TOWARD
from textlens.text.summary import signed
from textlens.types import Record

# Pass as a legend's scale when every row is coloured on its own scale.
PER_ROW = -1.0


def swatch(color: str) -> str:
    """A small square of ``color`` for legends."""
    return (
        f'<span style="display: inline-block; width: 0.9rem; height: 0.9rem; border-radius: 0.2rem; '
        f'background: {color}; vertical-align: -0.1rem; margin-right: 0.25rem;"></span>'
    )


def scale_note(scale: float, *, floor: bool = True) -> str:
    """What the colours mean in numbers: where full colour is reached and (``floor``) below what nothing is coloured."""
    if scale == PER_ROW:
        where = "full colour at each row's own largest |value|"
        below = f"below {NEGLIGIBLE:.0%} of it"
    else:
        where = f"full colour at ±{scale:.3g}"
        below = f"below ±{NEGLIGIBLE * scale:.2g}"
    return f"{where}; every value above a faint tint, values {below} uncoloured" if floor else where


def legend_html(
    record: Record,
    target: str | int | None,
    *,
    scale: float | None,
    attributed: float | None = None,
    totals: bool = True,
    feature: str = "word",
    hidden: str = "all words hidden",
    floor: bool = True,
    notes: Sequence[str] = (),
) -> str:
    """Legend of ``record`` toward ``target``: colour key, units (the record's output space) and scale.

    ``scale=None`` leaves out the colour scale (charts whose bars are solid colours).

    With ``totals``: base value (``hidden``: what the base value hides) + the sum of the ``feature``
    values (``attributed``; default the score minus the base) = the model output, then ``notes``
    (plain text, one line each). Every string is escaped here.
    """
    i = record.label_index(target)
    label = escape(record.labels[i])
    rows = [
        f"{swatch(TOWARD)}pushes toward <b>{label}</b> &nbsp; {swatch(AGAINST)}pushes away from <b>{label}</b>",
        f"Values: change in the {escape(record.output_space)} of <b>{label}</b>"
        + ("" if scale is None else " &nbsp;·&nbsp; " + scale_note(scale, floor=floor)),
    ]
    if totals:
        base = record.base_values[i]
        if attributed is None:
            attributed = record.scores[i] - base
        rows.append(
            f"Base value ({escape(hidden)}) <b>{base:.3f}</b> + sum of {escape(feature)} values "
            f"<b>{signed(attributed, 3)}</b> = model output <b>{base + attributed:.3f}</b>"
        )
        rows.extend(escape(note) for note in notes)
    body = "".join(f"<div>{row}</div>" for row in rows)
    return f'<div class="tl-legend" style="font-size: 0.85rem; line-height: 1.7; opacity: 0.92;">{body}</div>'
