"""Signing in and out, the second factor, invitations, and passwords."""

from __future__ import annotations

from urllib.parse import urlsplit

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from tracker.accounts import login, services
from tracker.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    NewPasswordForm,
    SecondFactorForm,
    SignInForm,
)
from tracker.accounts.models import TokenPurpose
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db, limiter
from tracker.navigation import home_url

bp = Blueprint("accounts", __name__, url_prefix="/staff")


def _email_key() -> str:
    return "sign-in:" + services.normalise_email(request.form.get("email", ""))[:320]


def _safe_next(target: str | None) -> str:
    """Only ever redirect within this site after signing in."""
    # Browsers read a backslash as a slash, so "/\\evil.example" would leave the site too.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return home_url()


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    key_func=_email_key,
    methods=["POST"],
)
@limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT_PER_IP"], methods=["POST"])
def sign_in():
    if current_user.is_authenticated and not login.second_factor_pending():
        return redirect(home_url())
    form = SignInForm()
    if form.validate_on_submit():
        user = services.find_user_for_sign_in(email=form.email.data, password=form.password.data)
        if user is None:
            record_event(
                actor=None,
                actor_label=services.normalise_email(form.email.data),
                action="sign_in.failed",
            )
            db.session.commit()
            form.email.errors.append("Enter a correct email address and password")
            return render_template("accounts/sign_in.html", form=form), 200
        login.sign_in(user, ip=request.remote_addr)
        next_url = _safe_next(request.args.get("next"))  # after: home depends on who
        record_event(actor=user, action="sign_in.succeeded", object_type="user", object_id=user.id)
        db.session.commit()
        if user.needs_second_factor:
            session["after_second_factor"] = next_url
            target = "second_factor" if user.totp_secret else "set_up_second_factor"
            return redirect(url_for(f"accounts.{target}"))
        return redirect(next_url)
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@login_required
# Two windows: a burst is stopped at once, and a patient guesser gets 30 tries a day (each
# covers three 30-second steps out of a million codes: about 1 in 10,000 a day).
@limiter.limit(
    "10 per 15 minutes;30 per day", methods=["POST"], key_func=lambda: f"2fa:{current_user.id}"
)
def second_factor():
    if not login.second_factor_pending():
        return redirect(url_for("staff.dashboard"))
    if not current_user.totp_secret:
        return redirect(url_for("accounts.set_up_second_factor"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        user = current_user
        if services.verify_second_factor(
            user=user, staff_session=user.staff_session, code=form.code.data
        ):
            record_event(
                actor=user,
                action="sign_in.second_factor_passed",
                object_type="user",
                object_id=user.id,
            )
            db.session.commit()
            return redirect(_safe_next(session.pop("after_second_factor", None)))
        record_event(
            actor=user, action="sign_in.second_factor_failed", object_type="user", object_id=user.id
        )
        db.session.commit()
        form.code.errors.append("The security code is not right, or has been used already")
    return render_template("accounts/second_factor.html", form=form)


@bp.route("/sign-in/set-up-security-codes", methods=["GET", "POST"])
@login_required
def set_up_second_factor():
    if current_user.totp_secret:
        return redirect(url_for("accounts.second_factor"))
    # The secret lives in the signed session until the user proves their app has it.
    secret = session.setdefault("pending_totp_secret", services.new_totp_secret())
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            services.enrol_second_factor(user=current_user, secret=secret, code=form.code.data)
        except services.AccountError as error:
            form.code.errors.append(str(error))
        else:
            current_user.staff_session.verified_at = utcnow()
            session.pop("pending_totp_secret", None)
            db.session.commit()
            flash("Security codes are set up. You will need a code each time you sign in.")
            return redirect(_safe_next(session.pop("after_second_factor", None)))
    uri = services.provisioning_uri(current_user, secret)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your app")
    return render_template(
        "accounts/set_up_second_factor.html", form=form, secret=secret, qr_svg=qr_svg
    )


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        record_event(
            actor=current_user, action="sign_out", object_type="user", object_id=current_user.id
        )
    login.sign_out()
    db.session.commit()
    flash("You have signed out.")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/password/forgotten", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_LIMIT"],
    methods=["POST"],
    key_func=lambda: "reset:" + services.normalise_email(request.form.get("email", ""))[:320],
)
def forgotten_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(email=form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account.
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgotten_password.html", form=form)


_STASH = {TokenPurpose.INVITATION: "invitation_token", TokenPurpose.PASSWORD_RESET: "reset_token"}


def _stash_token(token: str, purpose: TokenPurpose, endpoint: str):
    """Move the token from the address into the session, so it is not left in the browser's
    history or sent on in a Referer header."""
    session[_STASH[purpose]] = token
    return redirect(url_for(endpoint))


def _set_password_page(purpose: TokenPurpose, template: str):
    token = session.get(_STASH[purpose], "")
    user = services.user_for_token(token, purpose) if token else None
    if user is None:
        return render_template("accounts/link_expired.html", purpose=purpose), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password_with_token(
                token=token, purpose=purpose, password=form.password.data
            )
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            session.pop(_STASH[purpose], None)
            db.session.commit()
            flash("Your password is saved. Sign in with it now.")
            return redirect(url_for("accounts.sign_in"))
    return render_template(template, form=form, user=user)


@bp.get("/invitation/<token>")
def invitation_link(token: str):
    return _stash_token(token, TokenPurpose.INVITATION, "accounts.accept_invitation")


@bp.route("/invitation", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept_invitation():
    return _set_password_page(TokenPurpose.INVITATION, "accounts/accept_invitation.html")


@bp.get("/password/reset/<token>")
def reset_link(token: str):
    return _stash_token(token, TokenPurpose.PASSWORD_RESET, "accounts.reset_password")


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password():
    return _set_password_page(TokenPurpose.PASSWORD_RESET, "accounts/reset_password.html")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                user=current_user,
                staff_session=current_user.staff_session,
                current=form.current.data,
                new=form.password.data,
            )
        except services.AccountError as error:
            field = form.current if "current" in str(error) else form.password
            field.errors.append(str(error))
        else:
            db.session.commit()
            flash("Your password is changed. Any other sessions you had are signed out.")
            return redirect(url_for("staff.dashboard"))
    return render_template("accounts/change_password.html", form=form)
