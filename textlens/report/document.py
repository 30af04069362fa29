"""Downloadable files: self-contained HTML reports and CSV tables with the same colours and legend."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from html import escape

from textlens.report.export_info import ExportInfo, shorten
from textlens.report.highlight import highlight_html, legend_html
from textlens.text.summary import summarize
from textlens.types import Explanation

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


def html_document(title: str, body: str, *, images: bool = False) -> str:
    """A standalone HTML page (no scripts, no external files) around ``body``; ``images`` allows data: images."""
    policy = "default-src 'none'; style-src 'unsafe-inline'" + ("; img-src data:" if images else "")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}</style></head><body>{body}</body></html>\n"
    )


def explanation_card(explanation: Explanation, target: str | int | None, *, scale: float | None = None) -> str:
    """One explanation as an HTML card: summary, legend and highlighted text."""
    precision = explanation.settings.get("precision", "float32")
    return (
        '<div class="tl-card">'
        f"<div><b>{escape(summarize(explanation, target))}</b></div>"
        f'<div class="tl-meta">model {escape(explanation.model_id)} ({escape(precision)})</div>'
        f"{legend_html(explanation, target, scale=scale)}"
        f"{highlight_html(explanation, target, scale=scale)}"
        "</div>"
    )


def explanation_report(explanation: Explanation, target: str | int | None = None) -> str:
    """A self-contained HTML file of one highlighted explanation with its legend."""
    info = ExportInfo.of(explanation, target)
    body = (
        f"<h1>textlens explanation: why {escape(info.target)}?</h1>{info.html()}{explanation_card(explanation, target)}"
    )
    return html_document(f"textlens: {info.target}", body)


def words_csv(
    explanations: Sequence[Explanation],
    names: Sequence[str] | None = None,
    *,
    inputs: Sequence[Mapping[str, object]] | None = None,
    info: ExportInfo | None = None,
) -> str:
    """CSV with one row per input and word: position, span, the value toward every label, and ``resolved``.

    ``resolved`` is false where a word's values are an even share of a phrase the explanation did not
    split further (a long text at its budget): such a value is the phrase's, not the word's own.

    ``input`` is the row's name in ``names``, else the start of its text. ``inputs`` are the input
    rows' own columns (e.g. an uploaded file's id, text and label), kept in front of every word row;
    ``info`` adds what the export is (title, precision, target, date, version).
    """
    out = io.StringIO()
    writer = csv.writer(out)
    labels = explanations[0].labels if explanations else ()
    input_columns = list(dict.fromkeys(k for row in inputs or () for k in row))
    # The file's own "input" and "model" columns say these per row.
    extra = {k: v for k, v in (info.columns() if info is not None else {}).items() if k not in ("input", "model")}
    head = ["input", *input_columns, "model", "word_index", "word", "start", "end"]
    values_head = [*[f"value_{lab}" for lab in labels], "resolved"]
    writer.writerow([*head, *values_head, *extra])
    for n, e in enumerate(explanations):
        name = names[n] if names else shorten(e.text)
        own = [(inputs[n].get(c, "") if inputs else "") for c in input_columns]
        tail = list(extra.values())
        for i, w in enumerate(e.words):
            values = [*(f"{v:.8g}" for v in w.values), "true" if w.resolved else "false"]
            writer.writerow([name, *own, e.model_id, i, w.word, w.start, w.end, *values, *tail])
    return out.getvalue()
