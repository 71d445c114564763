"""Every email template renders from its example with the council's branding, or fails here."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from tracker import register_email_templates
from tracker.notifications import rendering
from tracker.notifications.rendering import REGISTRY, render_email

register_email_templates()  # so that the parametrisation below sees every template


def test_every_template_folder_is_registered_and_every_registered_template_has_its_files():
    assert rendering.template_folders() == set(REGISTRY)
    for name in REGISTRY:
        assert rendering.missing_parts(name) == [], name


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_template_renders_its_example_in_plain_english_with_branding(app, name):
    with app.test_request_context():
        rendered = render_email(name, REGISTRY[name].example())

    assert rendered.subject and "\n" not in rendered.subject
    assert "Example Borough Council" in rendered.text
    assert "Example Borough Council" in rendered.html
    assert "{{" not in rendered.text + rendered.html


def test_a_template_using_a_placeholder_nobody_provides_fails_loudly(app, tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "subject.txt").write_text("Hello {{ applicant_name }}")
    (broken / "body.txt").write_text("Body")
    (broken / "body.html").write_text("<p>Body</p>")
    monkeypatch.setattr(rendering, "EMAIL_TEMPLATES_DIR", tmp_path)
    monkeypatch.setitem(
        REGISTRY,
        "broken",
        rendering.EmailTemplate("broken", "test", lambda context: {}, lambda: {}),
    )

    with app.test_request_context(), pytest.raises(UndefinedError, match="applicant_name"):
        app.extensions.pop("email_jinja", None)
        try:
            render_email("broken", {})
        finally:
            app.extensions.pop("email_jinja", None)


def test_html_parts_escape_what_people_typed(app):
    with app.test_request_context():
        rendered = render_email("test_email", {"requested_by": "<script>alert(1)</script>"})

    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "<script>alert(1)</script>" in rendered.text
