"""Built assets: content-hashed names a year in the cache, compressed copies, and pages that
link to them; no inline script anywhere, so the CSP needs no nonce."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from tracker.assets import IMMUTABLE
from tracker.config import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"
# A <script> element with no src attribute: inline code, which the CSP would have to allow.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def test_no_template_has_an_inline_script():
    inline = [
        f"{path.relative_to(TEMPLATES)}: {match[0]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in INLINE_SCRIPT.finditer(path.read_text(encoding="utf-8"))
    ]
    assert inline == []


def test_pages_link_the_hashed_files_and_those_resolve(client, default_catalogue):
    html = client.get("/roles").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/dist/[^"]+)"', html)
    assert len(links) == 3  # the stylesheet, the js-enabled class and the module

    for link in links:
        assert re.search(r"\.[0-9a-f]{12}\.", link), link
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()


def test_a_module_imports_its_neighbours_by_their_hashed_names(client, app):
    manifest = app.extensions["asset_manifest"]
    module = client.get(f"/static/dist/{manifest['app.mjs']}").get_data(as_text=True)

    imported = re.findall(r'from "\./([^"]+)"', module)
    assert manifest["govuk-frontend.min.js"] in imported
    assert manifest["session-timeout.mjs"] in imported
    for name in imported:
        assert client.get(f"/static/dist/{name}").status_code == 200


def test_a_browser_that_takes_gzip_gets_the_precompressed_copy(client, app):
    name = app.extensions["asset_manifest"]["application.css"]
    plain = client.get(f"/static/dist/{name}")
    packed = client.get(f"/static/dist/{name}", headers={"Accept-Encoding": "gzip"})

    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["Cache-Control"] == IMMUTABLE
    assert "Accept-Encoding" in packed.headers["Vary"]
    plain.close()
    packed.close()


def test_the_manifest_names_files_that_exist(app):
    dist = Path(app.static_folder) / "dist"
    for plain, hashed in app.extensions["asset_manifest"].items():
        assert (dist / hashed).is_file(), plain
        assert (dist / f"{hashed}.gz").is_file(), plain
