"""Reading and validating a catalogue file.

A council edits this file by hand, so every problem is reported at once, each with the line and
the path of the value at fault, and nothing is loaded until the whole file is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

_RELATIVE_DATE = re.compile(
    r"^today(?:\s*([+-])\s*(\d+)\s*(day|days|d|week|weeks|w))?$", re.IGNORECASE
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, Field(pattern=_SLUG, max_length=100)]
Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Paragraph = Annotated[str, Field(min_length=1)]


def resolve_date(value: Any, today: date) -> date:
    """An ISO date (2026-06-18) or a date relative to the load: today, today + 6 weeks."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    relative = _RELATIVE_DATE.match(text)
    if relative:
        sign, amount, unit = relative.groups()
        if not sign:
            return today
        days = int(amount) * (7 if unit.lower().startswith("w") else 1)
        return today + timedelta(days=days if sign == "+" else -days)
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(
        f"{text!r} is not a date: write YYYY-MM-DD, or 'today', or 'today + N days' or weeks"
    )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CampaignEntry(_Strict):
    slug: Slug
    name: Text200
    summary: str = ""
    opens: date
    closes: date
    expected_start: date
    retention_months: int = Field(default=6, ge=1, le=120)

    @field_validator("opens", "closes", "expected_start", mode="before")
    @classmethod
    def _dates(cls, value: Any, info) -> date:
        return resolve_date(value, info.context["today"])


class TrackEntry(_Strict):
    slug: Slug
    name: Text200
    summary: str = ""


class RoleEntry(_Strict):
    slug: Slug
    title: Text200
    track: Slug
    level: Literal[3, 4]
    standard: Text200
    openings: int = Field(ge=1, le=1000)
    location: Text200
    hours: Text200
    salary: Text200
    summary: Paragraph
    duties: list[Paragraph] = Field(min_length=1)
    essential_criteria: list[Paragraph] = Field(min_length=1)
    desirable_criteria: list[Paragraph] = Field(default_factory=list)
    closes: date | None = None

    @field_validator("closes", mode="before")
    @classmethod
    def _closes(cls, value: Any, info) -> date | None:
        return None if value is None else resolve_date(value, info.context["today"])


class CatalogueDocument(_Strict):
    campaign: CampaignEntry
    tracks: list[TrackEntry] = Field(min_length=1)
    roles: list[RoleEntry] = Field(min_length=1)


@dataclass(frozen=True)
class Problem:
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}, {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class CatalogueInvalid(Exception):
    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)")


# libyaml's parser where PyYAML was built with it (the wheels are): ten times the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoTimestampLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """Leaves dates as text so that a malformed one becomes a reported problem, not a crash."""


_NoTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}

_FRIENDLY = {
    "missing": "is required",
    "extra_forbidden": "is not a field the catalogue knows (check the spelling)",
    "literal_error": "must be 3 or 4",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "must be lower-case letters, digits and hyphens (like data-analyst)",
}


def _message(error: dict) -> str:
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    if error["type"] == "too_short" and error.get("ctx", {}).get("min_length") == 1:
        return "needs at least one entry"
    return _FRIENDLY.get(error["type"], error["msg"][:1].lower() + error["msg"][1:])


def _line_index(node: yaml.Node) -> dict[tuple, int]:
    """Map each path in the document to the 1-based line it starts on."""
    lines: dict[tuple, int] = {}

    def walk(n: yaml.Node, path: tuple) -> None:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                walk(value, (*path, key.value))
                lines.setdefault((*path, key.value), key.start_mark.line + 1)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                walk(item, (*path, i))

    walk(node, ())
    return lines


def _format_path(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_for(lines: dict[tuple, int], path: tuple) -> int | None:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path)


def _cross_checks(doc: dict, today: date) -> list[tuple[tuple, str]]:
    """Checks between entries, made on the raw data so they run alongside field errors."""
    found: list[tuple[tuple, str]] = []
    tracks = doc.get("tracks") if isinstance(doc.get("tracks"), list) else []
    roles = doc.get("roles") if isinstance(doc.get("roles"), list) else []
    track_slugs = [t.get("slug") for t in tracks if isinstance(t, dict)]
    for seq_name, seq in (("tracks", tracks), ("roles", roles)):
        seen: set = set()
        for i, entry in enumerate(seq):
            slug = entry.get("slug") if isinstance(entry, dict) else None
            if slug in seen:
                found.append(((seq_name, i, "slug"), f"{slug!r} is used twice"))
            seen.add(slug)
    for i, role in enumerate(roles):
        if isinstance(role, dict) and "track" in role and role["track"] not in track_slugs:
            known = ", ".join(str(s) for s in track_slugs) or "none"
            found.append(
                (("roles", i, "track"), f"unknown track {role['track']!r} (tracks: {known})")
            )
    campaign = doc.get("campaign")
    if isinstance(campaign, dict):
        try:
            opens = resolve_date(campaign.get("opens"), today)
            closes = resolve_date(campaign.get("closes"), today)
            start = resolve_date(campaign.get("expected_start"), today)
        except ValueError:
            return found  # the field validators report these
        if closes < opens:
            found.append((("campaign", "closes"), "must not be before the opening date"))
        if start < closes:
            found.append((("campaign", "expected_start"), "must not be before the closing date"))
    return found


def parse_catalogue(text: str, *, source: str, today: date) -> CatalogueDocument:
    """Parse and validate a catalogue file's text.

    :raise CatalogueInvalid: with every problem found, each located by line and path.
    """
    try:
        node = yaml.compose(text, Loader=_NoTimestampLoader)
        raw = yaml.load(text, Loader=_NoTimestampLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise CatalogueInvalid(source, [Problem(line, "", f"not valid YAML: {exc}")]) from exc
    if not isinstance(raw, dict) or node is None:
        raise CatalogueInvalid(
            source, [Problem(1, "", "must be a mapping with campaign, tracks and roles")]
        )
    lines = _line_index(node)
    located: list[tuple[tuple, str]] = []
    document = None
    try:
        document = CatalogueDocument.model_validate(raw, context={"today": today})
    except ValidationError as exc:
        located += [(tuple(e["loc"]), _message(e)) for e in exc.errors()]
    located += _cross_checks(raw, today)
    if located:
        problems = sorted(
            {Problem(_line_for(lines, path), _format_path(path), msg) for path, msg in located},
            key=lambda p: (p.line or 0, p.path, p.message),
        )
        raise CatalogueInvalid(source, problems)
    assert document is not None
    return document
