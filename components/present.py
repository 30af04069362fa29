"""Present mode's screen chrome as HTML: the pack's title, and CSS that leaves the projector only the case."""

from __future__ import annotations

from html import escape

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
