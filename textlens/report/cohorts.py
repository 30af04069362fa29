"""Failure cohorts as table rows and as the HTML report's section (every user string escaped)."""

from __future__ import annotations

from html import escape
from typing import Any

from textlens.dataset.cohorts import FailureCohorts

READING = (
    "Each cohort is a leaf of a shallow decision tree that learns where the model is wrong from the words a row "
    "contains, its length, metadata, true and predicted label, confidence and likely label errors. A cohort says "
    "where errors concentrate, not why: the words and values that define it may only travel with the cause. "
    "p: Fisher's exact test against the rest of the set, Holm-corrected over the cohorts shown; the tree chose "
    "these groups on the same rows, so read p as a screen, not as proof."
)


def cohort_rows(found: FailureCohorts) -> list[dict[str, Any]]:
    """One row per cohort, most errors first, as the page's table and the report show it."""
    return [
        {
            "cohort": c.description,
            "rows": c.rows,
            "errors": c.errors,
            "error rate": c.error_rate,
            "share of errors": c.error_share,
            "p (Holm)": c.p_value,
        }
        for c in found.cohorts
    ]


def cohorts_html(found: FailureCohorts) -> str:
    """The report's section: what was found, the cohorts' table and how to read it."""
    parts = [f"<h2>{escape(found.title)}</h2>", f"<div><b>{escape(found.summary())}</b></div>"]
    rows = cohort_rows(found)
    if rows:
        head = "".join(f"<th>{escape(name)}</th>" for name in rows[0])
        body = "".join(
            "<tr>"
            f"<td>{escape(r['cohort'])}</td><td>{r['rows']:,}</td><td>{r['errors']:,}</td>"
            f"<td>{r['error rate']:.1%}</td><td>{r['share of errors']:.1%}</td><td>{r['p (Holm)']:.2g}</td>"
            "</tr>"
            for r in rows
        )
        parts.append(f"<table><tr>{head}</tr>{body}</table>")
    parts.append(f"<p class='tl-meta'>{escape(READING)}</p>")
    return "".join(parts)
