"""Present mode: the Review page's projector screen (one case, Previous / Next, Exit) and its chrome, the pack's
title and CSS that leaves the projector only the case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

import streamlit as st

from components.state.review import ReviewKeys
from textlens.report.pack import present_html
from textlens.report.palette import HIGH_CONTRAST, STANDARD

KEYS = ReviewKeys

# Scoped to Present mode: this block is on the page only while a pack is presented, so leaving
# Present mode (or the page) brings the sidebar and the header back. It only hides and tightens
# Streamlit's own frame and sets no colour, so it holds in the light and the dark theme alike.
CHROME_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 1.6rem 0 !important; max-width: none !important; }
[data-testid="stMain"] { overflow: hidden; }
.tl-present-title { font-size: clamp(1.2rem, 3.6vh, 1.9rem); font-weight: 700; line-height: 1.2;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
</style>
"""


def title_html(pack_name: str) -> str:
    """The presented pack's name (escaped), with the CSS that hides everything but the case."""
    return f'{CHROME_CSS}<div class="tl-present-title" title="{escape(pack_name)}">{escape(pack_name)}</div>'


def step(index: int, offset: int, total: int) -> int:
    """Previous / Next: the case ``offset`` places on, never before the first or after the last."""
    return max(0, min(total - 1, index + offset))


def _step(key: str, offset: int, total: int) -> None:
    st.session_state[key] = step(st.session_state[key], offset, total)


def present_ui(pack, cases: Sequence, on_exit: Callable[[], None]) -> None:
    """The projector's screen: the pack's title, previous/next (arrow keys too), a high-contrast switch,
    Exit (Esc, calls ``on_exit``), and one case sized to fit the screen. Sidebar, title, search and filters
    are hidden (:data:`CHROME_CSS`).
    """
    key = f"{KEYS.PRESENT}{pack.id}"  # each pack remembers where its presentation was
    total = len(cases)
    index = min(st.session_state.setdefault(key, 0), max(total - 1, 0))
    st.session_state[key] = index
    bar = st.container(horizontal=True, vertical_alignment="center", gap="small")
    bar.html(title_html(pack.name))
    bar.button(
        "Previous",
        icon=":material/arrow_back:",
        shortcut="Left",
        disabled=index == 0,
        on_click=_step,
        args=(key, -1, total),
    )
    bar.button(
        "Next",
        icon=":material/arrow_forward:",
        shortcut="Right",
        disabled=index >= total - 1,
        on_click=_step,
        args=(key, 1, total),
    )
    contrast = bar.toggle(
        "High contrast",
        key=KEYS.HIGH_CONTRAST,
        help="Solid colours and black or white text: for a projector or a bright room.",
        persist_state="session",
    )
    bar.button("Exit", icon=":material/close:", shortcut="Esc", on_click=on_exit, key=KEYS.EXIT_PRESENT)
    if not cases:
        st.info("Nothing to present: the pack is empty.")
        return
    palette = HIGH_CONTRAST if contrast else STANDARD
    st.html(present_html(cases[index], index + 1, total, palette=palette))
