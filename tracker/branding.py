"""The council's branding: configured, checked for legible contrast, offered to templates."""

from __future__ import annotations

from flask import Flask, current_app, url_for


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def header_text_colour(background: str) -> str:
    """White or black, whichever reads better on the council's colour (WCAG 2.2 AA)."""
    return max(("#ffffff", "#0b0c0c"), key=lambda text: contrast_ratio(background, text))


def logo_url(logo: str) -> str:
    if logo.startswith(("https://", "http://", "/")):
        return logo
    return url_for("static", filename=logo)


def init_branding(app: Flask) -> None:
    @app.context_processor
    def branding_context() -> dict:
        brand = current_app.config["BRANDING"]
        return {"brand": brand, "brand_logo_url": logo_url(brand["logo"])}
