"""Downloadable files: self-contained HTML reports and CSV tables with the same colours and legend."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from html import escape

from textlens.summary import summarize
from textlens.types import Explanation

from .highlight import highlight_html, legend_html

PAGE_STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1f2430; background: #ffffff; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.tl-card { border: 1px solid #d0d4dc; border-radius: 0.5rem; padding: 0.75rem 1rem; margin: 0.75rem 0; }
.tl-meta { color: #555c6a; font-size: 0.85rem; }
table { border-collapse: collapse; font-size: 0.85rem; } td, th { padding: 0.2rem 0.6rem; text-align: left; }
@media (prefers-color-scheme: dark) {
  body { color: #e6e8ee; background: #0e1117; } .tl-card { border-color: #3a3f4b; } .tl-meta { color: #a3a8b4; }
}
"""


def html_document(title: str, body: str) -> str:
    """A standalone HTML page (no scripts, no external files) around ``body``."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}</style></head><body>{body}</body></html>\n"
    )


def explanation_card(explanation: Explanation, target: str | int | None, *, scale: float | None = None) -> str:
    """One explanation as an HTML card: summary, legend and highlighted text."""
    return (
        '<div class="tl-card">'
        f"<div><b>{escape(summarize(explanation, target))}</b></div>"
        f'<div class="tl-meta">model {escape(explanation.model_id)}</div>'
        f"{legend_html(explanation, target, scale=scale)}"
        f"{highlight_html(explanation, target, scale=scale)}"
        "</div>"
    )


def explanation_report(explanation: Explanation, target: str | int | None = None) -> str:
    """A self-contained HTML file of one highlighted explanation with its legend."""
    label = explanation.labels[explanation.label_index(target)]
    body = f"<h1>textlens explanation: why {escape(label)}?</h1>{explanation_card(explanation, target)}"
    return html_document(f"textlens: {label}", body)


def words_csv(explanations: Sequence[Explanation], names: Sequence[str] | None = None) -> str:
    """CSV with one row per input and word: position, span, and the value toward every label."""
    out = io.StringIO()
    writer = csv.writer(out)
    labels = explanations[0].labels if explanations else ()
    writer.writerow(["input", "model", "word_index", "word", "start", "end", *[f"value_{lab}" for lab in labels]])
    for n, e in enumerate(explanations):
        name = names[n] if names else str(n + 1)
        for i, w in enumerate(e.words):
            writer.writerow([name, e.model_id, i, w.word, w.start, w.end, *[f"{v:.8g}" for v in w.values]])
    return out.getvalue()
