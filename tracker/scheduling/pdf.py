"""A panel pack as a PDF, made by WeasyPrint from the same template the printable page uses.

WeasyPrint needs Pango (and HarfBuzz, fontconfig) from the operating system: see
docs/deployment.md. Where they are missing the import fails, the pack page says a PDF is not
available and offers the browser's print instead, and nothing else is affected. The library
is imported on first use, not at start-up, so a machine without it still starts.
"""

from __future__ import annotations

import logging
import warnings
from functools import cache

from flask import current_app

from tracker.assets import built_file

log = logging.getLogger(__name__)

# Built by `npm run build` from static/src/pack.scss (under a hashed name, tracker/assets.py):
# the pack's print styles and the page boxes (A4, margins, page numbers) that a PDF needs.
STYLESHEET = "pack.css"


@cache
def _weasyprint():
    """The weasyprint module, or None where it cannot be loaded (asked once per process)."""
    # WeasyPrint warns on import about optional system libraries (HarfBuzz's subsetter): advice
    # for whoever installs the server, so it goes to the log rather than to each request.
    with warnings.catch_warnings(record=True) as advice:
        warnings.simplefilter("always")
        try:
            import weasyprint
        except (ImportError, OSError) as error:
            # OSError: the Python package is there but Pango's shared libraries are not.
            log.warning("PDF panel packs are not available: %s", error)
            return None
    for warning in advice:
        log.warning("WeasyPrint: %s", warning.message)
    return weasyprint


def available() -> bool:
    return _weasyprint() is not None


def render(html: str) -> bytes:
    """The PDF of a pack document (``scheduling/pack_document.html``).

    :raise RuntimeError: where WeasyPrint is not available (ask ``available`` first).
    """
    weasyprint = _weasyprint()
    if weasyprint is None:
        raise RuntimeError("WeasyPrint is not available")
    css = built_file(current_app, STYLESHEET).read_text(encoding="utf-8")
    # No protocol allowed: the styles are passed in and the document has no images, so
    # nothing in a pack (a place may be a video link) is ever fetched while it is drawn.
    nothing = weasyprint.urls.URLFetcher(allowed_protocols=())
    document = weasyprint.HTML(string=html, url_fetcher=nothing)
    return document.write_pdf(stylesheets=[weasyprint.CSS(string=css, url_fetcher=nothing)])
