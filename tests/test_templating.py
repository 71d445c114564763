"""The app's Jinja globals: a template sees its own globals over the environment's, live, as
Jinja's own do, and compares their keys as a set (a form page's hundred macro imports each
compare them: tracker/templating.py)."""

from __future__ import annotations

from flask import render_template_string


def test_template_globals_are_jinjas_with_keys_as_a_set(app):
    template = app.jinja_env.get_template("layout.html")
    keys = template.globals.keys()
    assert isinstance(keys, set)
    assert set(app.jinja_env.globals) <= keys

    # Live, as Jinja's ChainMap is: a global added to the environment later is seen.
    app.jinja_env.globals["added_later"] = "seen"
    try:
        assert "added_later" in set(template.globals.keys())
        assert template.globals["added_later"] == "seen"
    finally:
        del app.jinja_env.globals["added_later"]

    # A template's own globals stay its own.
    own = app.jinja_env.from_string("{{ mine }}", globals={"mine": "only here"})
    assert own.render() == "only here"
    assert "mine" not in app.jinja_env.globals


def test_a_macro_imported_inside_a_macro_renders_with_the_callers_globals(app):
    page = """
    {%- from "govuk_frontend_jinja/components/input/macro.html" import govukInput -%}
    {{ govukInput({"id": "postcode", "name": "postcode", "label": {"text": "Postcode"}}) }}
    """
    with app.test_request_context("/"):
        html = render_template_string(page)
    assert 'name="postcode"' in html
    assert "Postcode" in html
