"""Which addresses are the shared public pages, each named in one canonical form.

The page cache (tracker/page_cache.py) keys a page by this name, so that the same page asked
for in different ways (filters repeated or reordered, a tracking parameter added) is kept
once, and so that nobody can fill the cache by inventing addresses: a value no page would
accept is not cached at all.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from tracker.catalogue.models import LEVELS

_ROLE_PAGE = re.compile(r"/roles/[a-z0-9][a-z0-9-]{0,99}")
_TRACK = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_LEVELS = {str(level) for level in LEVELS}
# More filters than there are tracks and levels is not a request a page makes.
_MOST_FILTERS = 20


def shared_page_name(path: str, query: str) -> str | None:
    """The canonical name of a shared public page, or None for any other address."""
    if path == "/":
        return "/"  # the home page reads no parameter
    if _ROLE_PAGE.fullmatch(path):
        return path
    if path != "/roles":
        return None
    filters = [(k, v) for k, v in parse_qsl(query) if k in ("track", "level")]
    if len(filters) > _MOST_FILTERS:
        return None
    tracks = {v for k, v in filters if k == "track"}
    if not all(_TRACK.fullmatch(track) for track in tracks):
        return None
    # The list ignores a level it does not offer (catalogue.views), so the page does too.
    levels = {v for k, v in filters if k == "level" and v in _LEVELS}
    canonical = [("level", v) for v in sorted(levels)] + [("track", v) for v in sorted(tracks)]
    return "/roles?" + urlencode(canonical) if canonical else "/roles"
