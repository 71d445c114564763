"""HR's list of partner organisations (/staff/partners/organisations): add one, see its
people and its shares, invite someone into it, correct its name.

Registered on the partners blueprint (blueprint.py), as views.py is.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.accounts.models import PartnerOrganisation
from tracker.accounts.permissions import Permission, require
from tracker.actions import attempt, scoped_or_404
from tracker.partners import organisations
from tracker.partners.blueprint import bp
from tracker.partners.forms import OrganisationForm


def _organisation(organisation_id: int) -> PartnerOrganisation:
    """:raise 404: unless the signed-in user manages partner organisations."""
    return scoped_or_404(
        organisations.managed_organisations(current_user).where(
            PartnerOrganisation.id == organisation_id
        )
    )


@bp.get("/staff/partners/organisations", endpoint="organisations")
@require(Permission.SHARE_CANDIDATES)
def organisations_list():
    return render_template("partners/organisations.html", summaries=organisations.summaries())


@bp.route("/staff/partners/organisations/new", methods=["GET", "POST"])
@require(Permission.SHARE_CANDIDATES)
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: organisations.create_organisation(actor=current_user, name=form.name.data),
            field="name",
        )
        if done:
            flash(f"{done.value.name} is added. Now invite the people who will use the service.")
            return redirect(url_for("partners.organisation", organisation_id=done.value.id))
    return render_template("partners/organisation_form.html", form=form, organisation=None)


@bp.get("/staff/partners/organisations/<int:organisation_id>")
@require(Permission.SHARE_CANDIDATES)
def organisation(organisation_id: int):
    found = _organisation(organisation_id)
    return render_template(
        "partners/organisation.html",
        organisation=found,
        members=organisations.members(found),
        shares=organisations.shares_with(found),
    )


@bp.route("/staff/partners/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@require(Permission.SHARE_CANDIDATES)
def edit_organisation(organisation_id: int):
    found = _organisation(organisation_id)
    form = OrganisationForm(data={"name": found.name})
    form.submit.label.text = "Save name"
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: organisations.rename_organisation(
                actor=current_user, organisation=found, name=form.name.data
            ),
            field="name",
        )
        if done:
            flash(f"The organisation is now called {found.name}.")
            return redirect(url_for("partners.organisation", organisation_id=found.id))
    return render_template("partners/organisation_form.html", form=form, organisation=found)
