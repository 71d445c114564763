"""Email templates: one folder per event under templates/emails/, registered here.

Each registered template says how to turn the ids stored on the outbox row into the variables
its files use, and gives an example for previews and tests. Templates render with
StrictUndefined, so a placeholder nobody provides fails the tests instead of sending a gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tracker.colours import text_colour_for
from tracker.config import PROJECT_ROOT

EMAIL_TEMPLATES_DIR = PROJECT_ROOT / "templates" / "emails"
PARTS = ("subject.txt", "body.txt", "body.html")


@dataclass(frozen=True)
class EmailTemplate:
    name: str
    description: str
    # From the context stored on the outbox row to the variables the files use.
    variables: Callable[[dict], dict]
    # A stored context to preview and test the template with.
    example: Callable[[], dict]


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


REGISTRY: dict[str, EmailTemplate] = {}


def email_template(name: str, *, description: str, example: Callable[[], dict]):
    """Register the decorated function as the variables builder for templates/emails/NAME/."""

    def register(variables: Callable[[dict], dict]) -> Callable[[dict], dict]:
        if name in REGISTRY:
            raise ValueError(f"email template {name!r} is registered twice")
        REGISTRY[name] = EmailTemplate(name, description, variables, example)
        return variables

    return register


def _environment() -> Environment:
    env = current_app.extensions.get("email_jinja")
    if env is None:
        env = Environment(
            loader=FileSystemLoader(EMAIL_TEMPLATES_DIR),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html",)),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        env.filters.update(current_app.jinja_env.filters)
        current_app.extensions["email_jinja"] = env
    return env


def _common_variables() -> dict:
    brand = current_app.config["BRANDING"]
    return {
        "brand": brand,
        "header_text_colour": text_colour_for(brand["colour"]),
        "service_url": current_app.config["PUBLIC_BASE_URL"] + "/",
    }


def render_email(name: str, context: dict, overrides: dict | None = None) -> RenderedEmail:
    """Render the three parts of template NAME from a stored context.

    ``overrides`` replace some of the variables the context gives: a confirmation page's
    preview of an email not yet queued puts in what the person has chosen (reasons, a date)
    and hides what its viewer may not see.

    :raise KeyError: for a template that is not registered.
    :raise jinja2.UndefinedError: when a file uses a variable nobody provides.
    """
    template = REGISTRY[name]
    variables = _common_variables() | template.variables(context) | (overrides or {})
    env = _environment()
    subject, text, html = (
        env.get_template(f"{name}/{part}").render(**variables).strip() for part in PARTS
    )
    return RenderedEmail(subject=" ".join(subject.split()), text=text + "\n", html=html)


def template_folders() -> set[str]:
    return {p.name for p in EMAIL_TEMPLATES_DIR.iterdir() if p.is_dir() and p.name[0] not in "_."}


def missing_parts(name: str) -> list[str]:
    return [part for part in PARTS if not (Path(EMAIL_TEMPLATES_DIR) / name / part).is_file()]
