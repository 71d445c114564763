"""Signing in and out, the second factor, invitations, and passwords.

Every sign-in, from the form or from accepting an invitation, goes through ``_signed_in``:
a fresh session (nothing from before survives), an audit event, and for an administrator
the security code before anything else.
"""

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

from tracker.accounts import links, login, sessions, users
from tracker.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    NewPasswordForm,
    SecondFactorForm,
    SignInForm,
)
from tracker.accounts.home import home_url
from tracker.accounts.models import TokenPurpose, User
from tracker.accounts.second_factor import (
    enrol_second_factor,
    new_totp_secret,
    provisioning_uri,
    verify_second_factor,
)
from tracker.actions import add_error, attempt, save
from tracker.extensions import limiter

bp = Blueprint("accounts", __name__, url_prefix="/staff")


def _email_key() -> str:
    return "sign-in:" + users.normalise_email(request.form.get("email", ""))[:320]


def _home(user: User) -> str:
    """Where a member of staff lands after signing in, when they were not on their way to a
    page: the one place that decides it."""
    return home_url(user)


def _safe_next(target: str | None) -> str | None:
    """Only ever redirect within this site after signing in."""
    # Browsers read a backslash as a slash, so "/\\evil.example" would leave the site too.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return None


def _signed_in(user: User, next_url: str | None):
    """Start a fresh, audited session for ``user`` and send them on: an administrator to their
    security code first (set it up if they have none), everyone else where they were going."""
    save(lambda: login.sign_in(user, ip=request.remote_addr))
    if user.needs_second_factor:
        session["after_second_factor"] = next_url
        target = "second_factor" if user.totp_secret else "set_up_second_factor"
        return redirect(url_for(f"accounts.{target}"))
    return redirect(next_url or _home(user))


def _after_second_factor():
    return redirect(_safe_next(session.pop("after_second_factor", None)) or _home(current_user))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    key_func=_email_key,
    methods=["POST"],
)
@limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT_PER_IP"], methods=["POST"])
def sign_in():
    if current_user.is_authenticated and not login.second_factor_pending():
        return redirect(_home(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        # Saved either way: a failure is audited, a success may have rehashed the password.
        user = save(
            lambda: sessions.find_user_for_sign_in(
                email=form.email.data, password=form.password.data
            )
        )
        if user is not None:
            return _signed_in(user, _safe_next(request.args.get("next")))
        add_error(form, "Enter a correct email address and password", "email")
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
        return redirect(_home(current_user))
    if not current_user.totp_secret:
        return redirect(url_for("accounts.set_up_second_factor"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        # Saved either way: a wrong code is audited too.
        if save(
            lambda: verify_second_factor(
                user=user, staff_session=user.staff_session, code=form.code.data
            )
        ):
            return _after_second_factor()
        add_error(form, "The security code is not right, or has been used already", "code")
    return render_template("accounts/second_factor.html", form=form)


@bp.route("/sign-in/set-up-security-codes", methods=["GET", "POST"])
@login_required
def set_up_second_factor():
    if current_user.totp_secret:
        return redirect(url_for("accounts.second_factor"))
    # The secret lives in the signed session until the user proves their app has it.
    secret = session.setdefault("pending_totp_secret", new_totp_secret())
    form = SecondFactorForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if attempt(
            form,
            lambda: enrol_second_factor(
                user=user, staff_session=user.staff_session, secret=secret, code=form.code.data
            ),
            field="code",
        ):
            session.pop("pending_totp_secret", None)
            flash("Security codes are set up. You will need a code each time you sign in.")
            return _after_second_factor()
    uri = provisioning_uri(current_user, secret)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your app")
    return render_template(
        "accounts/set_up_second_factor.html", form=form, secret=secret, qr_svg=qr_svg
    )


@bp.post("/sign-out")
def sign_out():
    save(login.sign_out)
    flash("You have signed out.")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/password/forgotten", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_LIMIT"],
    methods=["POST"],
    key_func=lambda: "reset:" + users.normalise_email(request.form.get("email", ""))[:320],
)
def forgotten_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        save(lambda: links.request_password_reset(email=form.email.data))
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
    user = links.user_for_token(token, purpose) if token else None
    if user is None:
        return render_template("accounts/link_expired.html", purpose=purpose), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: links.set_password_with_token(
                token=token, purpose=purpose, password=form.password.data
            ),
        )
        if outcome and purpose is TokenPurpose.INVITATION:
            # Someone who has just proved they hold the invitation need not type the
            # password again; an administrator still gives a security code first.
            response = _signed_in(outcome.value, None)
            flash("Your password is saved.")
            return response
        if outcome:
            session.pop(_STASH[purpose], None)
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
        user = current_user._get_current_object()
        if attempt(
            form,
            lambda: users.change_password(
                user=user,
                staff_session=user.staff_session,
                current=form.current.data,
                new=form.password.data,
            ),
        ):
            flash("Your password is changed. Any other sessions you had are signed out.")
            return redirect(_home(user))
    return render_template("accounts/change_password.html", form=form)
