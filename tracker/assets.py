"""Built assets under content-hashed names, served by WhiteNoise with a year's caching.

static/build.mjs writes each file a page links to as ``name.<hash>.ext``, with a ``.gz``
and a ``.br`` beside it, and static/dist/manifest.json mapping plain names to hashed ones.
The manifest is read once, when the app is made; templates ask ``asset_url('app.mjs')``.
A changed file is a new name, so a browser may keep every one for a year without asking
again (``immutable``); WhiteNoise serves the precompressed copy a browser accepts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask, url_for
from werkzeug.datastructures import Headers
from whitenoise import WhiteNoise

ONE_YEAR_SECONDS = 365 * 24 * 60 * 60
IMMUTABLE = f"public, max-age={ONE_YEAR_SECONDS}, immutable"
# build.mjs's names: a dot, twelve hex digits of the content's hash, a dot.
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.")
DIST = "dist"


class AssetsNotBuilt(RuntimeError):
    """static/dist has no manifest: `make assets` (npm run build) has not been run."""


def read_manifest(static_folder: Path) -> dict[str, str]:
    path = static_folder / DIST / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _is_hashed(path: str, url: str) -> bool:
    return bool(HASHED_NAME.search(url))


def _security_headers(headers: Headers, path: str, url: str) -> None:
    # Talisman never sees these responses: WhiteNoise answers before Flask does.
    headers["X-Content-Type-Options"] = "nosniff"
    if _is_hashed(path, url):
        headers["Cache-Control"] = IMMUTABLE


def init_assets(app: Flask) -> None:
    static = Path(app.static_folder or "static")
    manifest = read_manifest(static)
    app.extensions["asset_manifest"] = manifest

    def asset_url(name: str) -> str:
        """The address of a built file, by its plain name (``application.css``)."""
        try:
            return url_for("static", filename=f"{DIST}/{manifest[name]}")
        except KeyError:
            message = f"{name} is not in static/dist/manifest.json: run make assets"
            raise AssetsNotBuilt(message) from None

    app.add_template_global(asset_url)


def serve_assets(app: Flask) -> None:
    """WhiteNoise in front of the app for static/dist: each file answered with no Flask
    request, and its precompressed copy where the browser takes one."""
    static = Path(app.static_folder or "static")
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(static / DIST),
        prefix=f"{app.static_url_path}/{DIST}/",
        max_age=None,  # only hashed files are cached, and they are cached for a year
        immutable_file_test=_is_hashed,
        add_headers_function=_security_headers,
    )


def built_file(app: Flask, name: str) -> Path:
    """Where a built file is on disk, by its plain name (for the panel pack's PDF)."""
    manifest = app.extensions["asset_manifest"]
    if name not in manifest:
        raise AssetsNotBuilt(f"{name} is not in static/dist/manifest.json: run make assets")
    return Path(app.static_folder or "static") / DIST / manifest[name]
