"""Colour contrast, as WCAG 2.2 defines it, for the council's configurable header colour."""

from __future__ import annotations

WHITE = "#ffffff"
NEAR_BLACK = "#0b0c0c"
# WCAG 2.2 AA for normal-size text; the header meets it whatever colour a council picks.
MINIMUM_CONTRAST = 4.5


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_for(background: str) -> str:
    """White or near-black, whichever reads better on the background."""
    return max((WHITE, NEAR_BLACK), key=lambda text: contrast_ratio(background, text))


def is_legible_background(background: str) -> bool:
    return contrast_ratio(background, text_colour_for(background)) >= MINIMUM_CONTRAST
