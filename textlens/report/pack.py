"""Review packs as escaped HTML: a case card, a case in Present mode, and the whole pack as one report file."""

from __future__ import annotations

import base64
import io
from collections import Counter
from collections.abc import Sequence
from html import escape

import numpy as np

from textlens.dataset.labels import label_shown
from textlens.report.compare import CompareRow, changes_html, row_header_html, shared_scale
from textlens.report.document import explanation_card, html_document
from textlens.report.highlight import highlight_html
from textlens.report.image_overlay import image_legend_html, overlay, png
from textlens.report.legend import swatch
from textlens.report.palette import AGAINST, STANDARD, TOWARD, Palette
from textlens.store import VERDICTS, Case, Pack
from textlens.store.rerun import RerunRow
from textlens.store.store import now
from textlens.text.multilabel import is_multi_label, predicted_labels
from textlens.text.summary import signed

# Verdict badges: hues away from the red/blue of the attributions, so a badge never reads as a value.
VERDICT_COLORS = {
    "": "#6e7781",
    "right-right": "#1a7f37",
    "right-wrong": "#9a6700",
    "wrong": "#8250df",
    "label-error": "#bf3989",
    "follow-up": "#0a7b83",
}


def verdict_badge(verdict: str) -> str:
    """The verdict as a small coloured badge (readable on light and dark backgrounds)."""
    color = VERDICT_COLORS.get(verdict, VERDICT_COLORS[""])
    return (
        f'<span class="tl-badge" style="display: inline-block; padding: 0.05rem 0.55rem; border-radius: 1rem; '
        f'border: 1.5px solid {color}; color: {color}; font-weight: 600; font-size: 0.8rem; white-space: nowrap;">'
        f"{escape(VERDICTS.get(verdict, verdict))}</span>"
    )


def tags_html(tags: Sequence[str]) -> str:
    """Tags as escaped chips."""
    return " ".join(
        '<span class="tl-tag" style="display: inline-block; padding: 0 0.45rem; border-radius: 0.3rem; '
        f'background: rgba(128, 128, 128, 0.18); font-size: 0.8rem;">#{escape(t)}</span>'
        for t in tags
    )


def _data_png(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _image_array(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.uint8)


def image_case_html(case: Case) -> str:
    """An image case: legend as stored, the image the model saw beside the attributions for the target class."""
    result = case.result()
    k = result.label_index(case.target if case.target in result.labels else 0)
    values = result.values[k]
    legend = image_legend_html(result, k)
    label = escape(result.labels[k])
    if case.image is None:
        return legend + "<div>(the image was not stored with this case)</div>"
    image = _image_array(case.image)
    figure = (
        '<figure style="margin: 0; flex: 1 1 14rem; max-width: 24rem;">'
        '<img src="{src}" alt="{alt}" style="width: 100%; image-rendering: auto; border-radius: 0.3rem;">'
        '<figcaption class="tl-meta" style="font-size: 0.8rem;">{alt}</figcaption></figure>'
    )
    parts = [figure.format(src=_data_png(case.image), alt="What the model saw")]
    if image.shape[:2] == values.shape:
        parts.append(figure.format(src=_data_png(png(overlay(image, values))), alt=f"Attributions toward {label}"))
    return legend + '<div style="display: flex; gap: 1rem; flex-wrap: wrap;">' + "".join(parts) + "</div>"


def case_result_html(case: Case) -> str:
    """The stored result with its summary, legend and highlight (or image), never recomputed."""
    if case.kind == "image":
        return image_case_html(case)
    result = case.result()
    if case.kind != "text":  # a kind without its own view yet (a prediction, a future tabular result)
        scores = " · ".join(f"{escape(str(k))} {v:.3f}" for k, v in zip(result.labels, result.scores))
        # A text prediction (e.g. a likely label error from the Dataset page) shows its text, escaped.
        text = f'<div style="margin: 0.3rem 0;">{escape(result.text)}</div>' if case.kind == "text-prediction" else ""
        return (
            f'<div class="tl-card"><div class="tl-meta">{escape(case.kind)} result</div>{text}<div>{scores}</div></div>'
        )
    return explanation_card(result, case.target)


def context_line(case: Case) -> str:
    """Where the case came from: page, row, true label, model, and a re-run's change, escaped."""
    parts = []
    if case.source:
        parts.append(f"from {escape(case.source)}")
    ctx = case.context
    if "row" in ctx:
        parts.append(f"row {escape(str(ctx['row']))}")
    if "truth" in ctx:
        _, shown = label_shown(ctx["truth"], case.record.get("labels") or ())  # "1 → POSITIVE" as Compare shows it
        parts.append(f"true label <b>{escape(shown)}</b>")
    if "previous_model" in ctx:
        parts.append(f"re-run of a case explained by {escape(str(ctx['previous_model']))}")
    if ctx.get("previous_verdict"):
        parts.append(f"its verdict there: {escape(VERDICTS.get(ctx['previous_verdict'], ''))}")
    if "probability_change" in ctx:
        parts.append(f"change in P({escape(case.target)}) {signed(float(ctx['probability_change']), 3)}")
    if ctx.get("label_flip"):
        parts.append("<b>label flipped</b>")
    model = case.provenance.get("model_id") or case.record.get("model_id", "")
    if model:
        parts.append(f"model {escape(str(model))}")
    if case.author:
        parts.append(f"added by {escape(case.author)}")
    return '<div class="tl-meta">' + " · ".join(parts) + "</div>"


def provenance_html(case: Case) -> str:
    """The case's provenance as a collapsed table (model, fingerprint, settings, versions, time, author)."""
    prov = case.provenance
    rows: list[tuple[str, str]] = []
    for key in ("model_id", "model_fingerprint", "precision", "created"):
        if key in prov:
            rows.append((key.replace("_", " "), str(prov[key])))
    if "labels" in prov:
        rows.append(("labels", ", ".join(str(x) for x in prov["labels"])))
    for key, value in (prov.get("settings") or {}).items():
        rows.append((f"setting {key}", str(value)))
    for key, value in (prov.get("versions") or {}).items():
        rows.append((f"{key} version", str(value)))
    rows.append(("added", short_time(case.created)))
    if case.author:
        rows.append(("author", case.author))
    body = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<details class="tl-meta"><summary>Provenance</summary><table>{body}</table></details>'


def short_time(stamp: str) -> str:
    """A stored ISO time as ``2026-11-25 21:11 UTC``."""
    return stamp[:16].replace("T", " ") + " UTC" if len(stamp) >= 16 else stamp


def note_html(note: str) -> str:
    """A note as a quote block, whitespace kept, escaped."""
    if not note.strip():
        return ""
    return (
        '<div class="tl-note" style="white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.4rem 0; '
        f'padding: 0.2rem 0.7rem; border-left: 3px solid rgba(128, 128, 128, 0.55);">{escape(note)}</div>'
    )


def case_card(case: Case, number: int, *, with_note: bool = True) -> str:
    """One case as a card: number, verdict, tags, where it came from, the note, the result, provenance.

    ``with_note=False`` leaves the note out (the Review page shows it in its edit box instead).
    """
    head = (
        f'<div class="tl-case-head" style="display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap;">'
        f"<b>Case {number}</b>{verdict_badge(case.verdict)}{tags_html(case.tags)}</div>"
    )
    note = note_html(case.note) if with_note else ""
    return (
        f'<div class="tl-card tl-case" id="case-{number}">{head}{context_line(case)}{note}'
        f"{case_result_html(case)}{provenance_html(case)}</div>"
    )


# Present mode fits one case to the screen. The text's size follows its length (a short review in
# very large type, a long one smaller) so that it fills the space left of the note without scrolling:
# f <= sqrt(area / (0.96 * characters)) for the text's share of a 1024x768 or 1280x720 screen, written
# as CSS viewport units so the browser applies it to the screen it has. Anything longer than a screen
# can hold at the smallest size scrolls inside its own box; the page itself never scrolls.
TEXT_FIT = (75, 51)  # (vh, vw) numerators over sqrt(characters): the text left of the note
NOTE_FIT = (50, 36)  # the note in its narrower column
PRESENT_STYLE = """
<style>
.tl-present { display: grid; grid-template-columns: minmax(0, 1fr) minmax(15rem, 28%); gap: 0 2.2rem;
  height: calc(100vh - 5.2rem); overflow: hidden; }
.tl-present-main, .tl-present-side { display: flex; flex-direction: column; min-height: 0; }
.tl-present .tl-prediction { font-size: clamp(1.3rem, 4.2vh, 2.2rem); font-weight: 700; line-height: 1.25; }
.tl-present .tl-summary { font-size: clamp(0.95rem, 2.5vh, 1.3rem); line-height: 1.35; margin: 0.3rem 0 0.5rem;
  opacity: 0.92; }
.tl-present .tl-highlight { font-size: var(--tl-text-size) !important; line-height: 1.6 !important;
  flex: 0 1 auto; min-height: 0; overflow-y: auto; padding: 0.2rem 0.15rem !important; }
.tl-present .tl-present-text { font-size: var(--tl-text-size); line-height: 1.6; white-space: pre-wrap;
  overflow-wrap: anywhere; flex: 0 1 auto; min-height: 0; overflow-y: auto; padding: 0.2rem 0.15rem;
  margin-bottom: 0.4rem; }
.tl-present .tl-key { font-size: clamp(0.9rem, 2.3vh, 1.2rem); margin-top: 0.4rem; }
.tl-present .tl-meta { font-size: clamp(0.9rem, 2.3vh, 1.15rem); }
.tl-present .tl-badge { font-size: clamp(1rem, 2.6vh, 1.3rem) !important; }
.tl-present .tl-tag { font-size: clamp(0.9rem, 2.3vh, 1.1rem) !important; }
.tl-present .tl-note { font-size: var(--tl-note-size); line-height: 1.4; margin: 0.6rem 0 0 !important;
  min-height: 0; overflow-y: auto; border-left-width: 5px !important; }
.tl-present .tl-phrase-value { font-size: 0.42em !important; }
.tl-present img { max-height: 52vh; object-fit: contain; }
/* Bold type is wider: a little smaller, so the same text still fits. */
.tl-present.tl-high-contrast .tl-highlight { font-weight: 600; font-size: calc(0.93 * var(--tl-text-size)) !important; }
.tl-present.tl-high-contrast .tl-present-text { font-weight: 600; font-size: calc(0.93 * var(--tl-text-size)); }
.tl-present.tl-high-contrast .tl-note { font-weight: 600; font-size: calc(0.93 * var(--tl-note-size)); }
</style>
"""


NO_NOTE = '<div class="tl-note"><i>No note.</i></div>'


def fit_size(characters: int, fit: tuple[float, float], *, largest_vh: float, smallest_px: int) -> str:
    """A CSS font size for ``characters`` of text filling its share of the screen (see :data:`TEXT_FIT`)."""
    root = max(characters, 1) ** 0.5
    vh, vw = fit
    return f"clamp({smallest_px}px, min({vh / root:.2f}vh, {vw / root:.2f}vw), {largest_vh}vh)"


def prediction_html(case: Case) -> str:
    """The prediction in one large line: the predicted class and its probability, and the class explained."""
    result = case.result()
    predicted = result.predicted_label
    score = result.scores[result.label_index(predicted)]
    line = f"Predicted <b>{escape(predicted)}</b> {score:.2f}"
    if is_multi_label(result):  # several labels, or none, at or above the model's threshold
        line = f"Predicted <b>{escape(', '.join(predicted_labels(result)) or 'no label')}</b>"
    truth = case.context.get("truth")
    if truth is not None and truth != "":
        _, shown = label_shown(truth, case.record.get("labels") or ())
        line += f' <span style="font-weight: 400;">· true label <b>{escape(shown)}</b></span>'
    if case.target and case.target not in predicted_labels(result) and case.kind != "text-prediction":
        line += f' <span style="font-weight: 400;">· explained toward <b>{escape(case.target)}</b></span>'
    return f'<div class="tl-prediction">{line}</div>'


def key_html(label: str) -> str:
    """The colour key in one line: red toward ``label``, blue away from it."""
    label = escape(label)
    return (
        f'<div class="tl-key">{swatch(TOWARD)}toward <b>{label}</b> &nbsp;&nbsp; '
        f"{swatch(AGAINST)}away from <b>{label}</b></div>"
    )


def present_main_html(case: Case, palette: Palette) -> str:
    """The left of a presented case: the prediction, why (one sentence), the highlighted text and its key."""
    if case.kind == "image":
        return prediction_html(case) + image_case_html(case)
    if case.kind == "text-prediction":  # no explanation stored (e.g. sent from a Dataset table)
        return prediction_html(case) + present_prediction_html(case)
    if case.kind != "text":
        return prediction_html(case) + case_result_html(case)
    from textlens.text.summary import summarize

    result = case.result()
    label = result.labels[result.label_index(case.target)]
    return (
        f'{prediction_html(case)}<div class="tl-summary">{escape(summarize(result, case.target))}</div>'
        f"{highlight_html(result, case.target, palette=palette)}{key_html(label)}"
    )


def present_prediction_html(case: Case) -> str:
    """An unexplained text (a prediction only) for the projector: the text in the type an explained text of
    its length gets (``--tl-text-size``, never the page's small body type), then each class's probability.
    """
    result = case.result()
    scores = " · ".join(f"{escape(str(k))} {v:.3f}" for k, v in zip(result.labels, result.scores))
    return (
        '<div class="tl-summary">Not explained: the prediction alone was kept, so no word is coloured.</div>'
        f'<div class="tl-present-text">{escape(result.text)}</div><div class="tl-meta">{scores}</div>'
    )


def _characters(case: Case) -> int:
    """How many characters a presented case shows as its text (a long text's unread tail counts in part)."""
    text = case.record.get("text") or ""
    return min(len(text), 1500)


def present_html(case: Case, number: int, total: int, *, palette: Palette = STANDARD) -> str:
    """One case for a projector, filling the screen without scrolling: the prediction, the highlighted
    text and its colour key on the left; the case number, verdict, tags and note on the right.

    Sizes follow the lengths of the text and the note (:func:`fit_size`); ``palette`` colours the words
    (:data:`textlens.report.palette.HIGH_CONTRAST` for a washed-out projector).
    """
    text_size = fit_size(_characters(case), TEXT_FIT, largest_vh=6.5, smallest_px=17)
    note_size = fit_size(len(case.note), NOTE_FIT, largest_vh=4.6, smallest_px=15)
    side = (
        f'<div class="tl-present-side"><div class="tl-meta">Case {number} of {total}</div>'
        f'<div style="margin: 0.5rem 0 0.3rem;">{verdict_badge(case.verdict)}</div><div>{tags_html(case.tags)}</div>'
        f"{note_html(case.note) or NO_NOTE}</div>"
    )
    main = f'<div class="tl-present-main">{present_main_html(case, palette)}</div>'
    contrast = " tl-high-contrast" if palette.opaque else ""
    return (
        f'{PRESENT_STYLE}<div class="tl-present{contrast}" '
        f'style="--tl-text-size: {text_size}; --tl-note-size: {note_size};">{main}{side}</div>'
    )


def verdict_summary(cases: Sequence[Case]) -> str:
    """How many cases carry each verdict, as badges with counts."""
    counts = Counter(c.verdict for c in cases)
    return " ".join(f"{verdict_badge(v)} {counts[v]}" for v in VERDICTS if counts[v])


def pack_report(pack: Pack, cases: Sequence[Case], *, parent: str | None = None, exported: str | None = None) -> str:
    """The whole pack as one self-contained HTML file: no scripts, styles inline, images as data URIs.

    ``parent`` is the name of the pack a re-run was made from; ``exported`` defaults to now.
    """
    exported = exported or short_time(now())
    meta = [f"owner <b>{escape(pack.owner or '—')}</b>", f"created {escape(short_time(pack.created))}"]
    meta += [f"updated {escape(short_time(pack.updated))}", f"{len(cases)} cases", f"exported {escape(exported)}"]
    body = [f"<h1>Review pack: {escape(pack.name)}</h1>", '<div class="tl-meta">' + " · ".join(meta) + "</div>"]
    if parent or pack.origin:
        origin = escape(pack.origin) + (f" (made from the pack <b>{escape(parent)}</b>)" if parent else "")
        body.append(f'<div class="tl-meta">{origin}</div>')
    if pack.description.strip():
        body.append(note_html(pack.description))
    if cases:
        body.append(f'<div style="margin: 0.8rem 0;">{verdict_summary(cases)}</div>')
    body.extend(case_card(c, n) for n, c in enumerate(cases, 1))
    return html_document(f"textlens review pack: {pack.name}", "".join(body), images=True)


def rerun_row_html(row: RerunRow, number: int, model_id: str) -> str:
    """A case beside its re-run: what flipped, the change in probability, both highlights, the words that moved.

    Both highlights share one colour scale, and the row header and word callouts are the Compare page's.
    """
    if row.new is None:
        return f'<div><b>Case {number}</b> <span class="tl-meta">not re-run: {escape(row.skipped)}</span></div>'
    target = row.target
    truth = row.case.context.get("truth")
    scale = shared_scale([row.old, row.new], target)
    badges = []
    if row.label_flip:
        badges.append(
            f'<span class="tl-badge" style="font-weight: 700;">label flipped: {escape(row.old.predicted_label)} → '
            f"{escape(row.new.predicted_label)}</span>"
        )
    badges.append(f"change in P({escape(target)}) <b>{signed(row.probability_change, 3)}</b>")
    if not row.changed:
        badges.append('<span class="tl-meta">no change beyond noise</span>')
    head = f'<div style="font-size: 1rem;"><b>Case {number}</b> &nbsp;·&nbsp; ' + " &nbsp;·&nbsp; ".join(badges)
    stored = row_header_html(CompareRow("Stored", row.old, truth=truth), row.old, target, row.old.model_id)
    again = row_header_html(CompareRow("Re-run", row.new, truth=truth), row.new, target, model_id)
    return (
        f"{head}</div>{note_html(row.case.note)}{stored}{highlight_html(row.old, target, scale=scale)}"
        f"{again}{highlight_html(row.new, target, scale=scale)}{changes_html(row.changes)}"
    )
