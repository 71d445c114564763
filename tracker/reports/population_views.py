"""The area's population figures for the equality report: HR uploads a council's Census 2021
file, sees what is loaded, and removes it (VIEW_EQUALITY_REPORT, as the report)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, require
from tracker.actions import attempt
from tracker.reports import equality, population, population_services
from tracker.reports.blueprint import bp
from tracker.reports.population_forms import PopulationUploadForm, RemovePopulationForm


@bp.route("/equality/population", methods=["GET", "POST"], endpoint="population")
@require(Permission.VIEW_EQUALITY_REPORT)
def population_page():
    form = PopulationUploadForm()
    if form.validate_on_submit():
        filename = form.file.data.filename
        if attempt(
            form,
            lambda: population_services.replace_population(
                actor=current_user, population=form.population, filename=filename
            ),
            field="file",
        ):
            flash("Population figures uploaded", "success")
            return redirect(url_for("reports.population"))
    return render_template(
        "reports/population.html",
        form=form,
        figures=population_services.current(),
        measures=equality.MEASURES,
        max_size=f"{population.MAX_BYTES // 1000} KB",
    )


@bp.route("/equality/population/remove", methods=["GET", "POST"], endpoint="remove_population")
@require(Permission.VIEW_EQUALITY_REPORT)
def remove_population_page():
    figures = population_services.current()
    if figures is None:
        return redirect(url_for("reports.population"))
    form = RemovePopulationForm()
    if form.validate_on_submit() and attempt(
        form, lambda: population_services.remove_population(actor=current_user)
    ):
        flash("Population figures removed", "success")
        return redirect(url_for("reports.population"))
    return render_template("reports/population_remove.html", form=form, figures=figures)
