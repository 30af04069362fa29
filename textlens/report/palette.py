"""The one diverging palette (red = toward the target, blue = against) shared by highlights, charts and reports."""

from __future__ import annotations

from dataclasses import dataclass

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
    return STANDARD.alpha(value, scale)


def background(value: float, scale: float) -> str:
    """CSS background for a value: translucent so it sits on light and dark themes alike."""
    return STANDARD.background(value, scale)


def text_color(value: float, scale: float) -> str | None:
    """A text colour for strongly coloured words, or None to keep the theme's own."""
    return STANDARD.text_color(value, scale)


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour (0-255 channels)."""

    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG contrast ratio of two sRGB colours (1 to 21; 4.5 is the bar for body text)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


BLACK, WHITE = (0, 0, 0), (255, 255, 255)


@dataclass(frozen=True)
class Palette:
    """How a value becomes a word's background and text colour; red toward the target, blue against.

    The standard palette is translucent (it sits on light and dark themes) and keeps the theme's text
    colour on faint tints. ``opaque`` palettes paint solid chips (white mixed with the colour) and
    always set the text colour with the better WCAG contrast, so no tint or text washes out on a
    projector, whatever the theme.
    """

    name: str
    min_alpha: float
    max_alpha: float
    opaque: bool = False
    white_text_from: float = WHITE_TEXT_FROM

    def alpha(self, value: float, scale: float) -> float:
        """Strength of a value's colour: 0 when negligible, else from ``min_alpha`` up to ``max_alpha``."""
        t = intensity(value, scale)
        if t < NEGLIGIBLE:
            return 0.0
        return round(self.min_alpha + (self.max_alpha - self.min_alpha) * t, 3)

    def rgb(self, value: float, scale: float) -> tuple[float, float, float]:
        """The solid colour of an opaque chip: white mixed with red or blue by :meth:`alpha`."""
        a = self.alpha(value, scale)
        base = TOWARD_RGB if value >= 0 else AGAINST_RGB
        return tuple(round(255 + (c - 255) * a) for c in base)

    def background(self, value: float, scale: float) -> str:
        """CSS background for a value ("transparent" when negligible)."""
        a = self.alpha(value, scale)
        if self.opaque:
            return "transparent" if a == 0 else "rgb({}, {}, {})".format(*self.rgb(value, scale))
        r, g, b = TOWARD_RGB if value >= 0 else AGAINST_RGB
        return f"rgba({r}, {g}, {b}, {a})"

    def text_color(self, value: float, scale: float) -> str | None:
        """The text colour on a value's background, or None to keep the theme's own."""
        if self.opaque:
            if self.alpha(value, scale) == 0:
                return None
            chip = self.rgb(value, scale)
            return "#000000" if contrast_ratio(chip, BLACK) >= contrast_ratio(chip, WHITE) else "#ffffff"
        return "#ffffff" if intensity(value, scale) >= self.white_text_from else None


STANDARD = Palette("standard", MIN_ALPHA, MAX_ALPHA)
# For projectors and bright rooms: the faintest tint is stronger, the strongest is the full colour,
# chips are solid and their text is black or white, whichever contrasts more (at least 4.5:1).
HIGH_CONTRAST = Palette("high contrast", min_alpha=0.45, max_alpha=1.0, opaque=True)
PALETTES = {p.name: p for p in (STANDARD, HIGH_CONTRAST)}


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
