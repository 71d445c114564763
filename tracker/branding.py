"""The council's branding, offered to every template. Settings are checked in config.py."""

from __future__ import annotations

from flask import Flask, current_app, url_for


def logo_url(logo: str) -> str:
    if logo.startswith(("https://", "http://", "/")):
        return logo
    return url_for("static", filename=logo)


def init_branding(app: Flask) -> None:
    @app.context_processor
    def branding_context() -> dict:
        brand = current_app.config["BRANDING"]
        return {"brand": brand, "brand_logo_url": logo_url(brand["logo"])}
