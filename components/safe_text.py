"""Escaping user text for Streamlit's Markdown-rendering calls (st.error, st.caption, st.write, ...)."""

from __future__ import annotations

import re

# Every ASCII punctuation character CommonMark lets a backslash escape, plus ":" for Streamlit's
# :color[...] and :emoji: directives; "<" and ">" keep raw HTML-looking text literal.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=/])")


def escape_md(text: object) -> str:
    """``text`` with Markdown and Streamlit directives neutralised: it displays exactly as typed."""
    return _SPECIAL.sub(r"\\\1", str(text))
