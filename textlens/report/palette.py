"""The one diverging palette (red = toward the target, blue = against) shared by highlights, charts and reports."""

from __future__ import annotations

from textlens.text.summary import NEGLIGIBLE_SHARE

# ColorBrewer RdBu ends: red and blue stay distinct for red-green colour-blind readers.
TOWARD_RGB = (178, 24, 43)
AGAINST_RGB = (33, 102, 172)
TOWARD = "#b2182b"
AGAINST = "#2166ac"
NEUTRAL_GREY = "#a0a4ad"
# The predicted class in probability charts: neither red nor blue, which mean toward and against.
PREDICTED = "#6d4bd1"
MAX_ALPHA = 0.85
# Every value that is not negligible gets at least this tint, so a word at a tenth of the scale
# (e.g. "wonderful" at -0.12 beside "dull" at +0.80) stays visible, in dark mode too.
MIN_ALPHA = 0.25
# Values below this share of the scale are negligible and left uncoloured (the legend says so); the
# same share keeps them out of the "for" and "against" lists.
NEGLIGIBLE = NEGLIGIBLE_SHARE
# Above this intensity the background is dark enough that white text reads better in both themes.
WHITE_TEXT_FROM = 0.5


def intensity(value: float, scale: float) -> float:
    """|value| / scale, clipped to [0, 1]; 0 when the scale is 0."""
    if scale <= 0:
        return 0.0
    return min(1.0, abs(value) / scale)


def alpha(value: float, scale: float) -> float:
    """Opacity of a value's colour: 0 when negligible, else from :data:`MIN_ALPHA` up to :data:`MAX_ALPHA`."""
    t = intensity(value, scale)
    if t < NEGLIGIBLE:
        return 0.0
    return round(MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * t, 3)


def background(value: float, scale: float) -> str:
    """CSS background for a value: translucent so it sits on light and dark themes alike."""
    r, g, b = TOWARD_RGB if value >= 0 else AGAINST_RGB
    return f"rgba({r}, {g}, {b}, {alpha(value, scale)})"


def text_color(value: float, scale: float) -> str | None:
    """A text colour for strongly coloured words, or None to keep the theme's own."""
    return "#ffffff" if intensity(value, scale) >= WHITE_TEXT_FROM else None


def bar_color(value: float) -> str:
    """Solid colour of a bar in the charts."""
    return TOWARD if value >= 0 else AGAINST


def plotly_colorscale() -> list[list]:
    """The same diverging scale for Plotly heatmaps, centred at 0 (use zmid=0).

    Like the highlights it fades to transparent at 0, so small values sit on the theme's own
    background, light or dark, instead of a white that glares on dark pages.
    """
    (ar, ag, ab), (tr, tg, tb) = AGAINST_RGB, TOWARD_RGB
    return [
        [0.0, f"rgba({ar}, {ag}, {ab}, {MAX_ALPHA})"],
        [0.5, f"rgba({ar}, {ag}, {ab}, 0)"],
        [0.5, f"rgba({tr}, {tg}, {tb}, 0)"],
        [1.0, f"rgba({tr}, {tg}, {tb}, {MAX_ALPHA})"],
    ]
