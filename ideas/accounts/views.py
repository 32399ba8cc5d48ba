"""Sign-in (password, then a code where enrolled), sign-out, password and two-step setup."""
import time
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ideas.accounts import recovery_codes, throttle, two_factor
from ideas.accounts.forms import (
    ChangePasswordForm, CodeForm, ConfirmPasswordForm, ReplaceTwoFactorForm, SetPasswordForm, SignInCodeForm,
    SignInForm,
)
from ideas.accounts.invites import accept_invite as use_invite, find_invite
from ideas.accounts.models import User
from ideas.accounts.passwords import check_password, set_password
from ideas.accounts.sessions import end_other_sessions, end_session, start_session
from ideas.audit import record, record_refusal
from ideas.database import db
from ideas.web import attempt, form_status

bp = Blueprint("accounts", __name__)

SIGN_IN_FAILED = "That e-mail and password do not match an active account."
PENDING_SECONDS = 300  # time allowed between the password and the code
ENROL_EXEMPT = {"accounts.two_factor_setup", "accounts.sign_out", "static", "vendor.asset"}
WRONG_CODE = "That code is not right or was already used. Enter the current code, or an unused recovery code."


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything pointing elsewhere, or unfit for a header, goes home."""
    if not target or not target.isprintable():  # CR, LF, NUL and the like cannot go in a Location header
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("home.index")
    return target


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@bp.route("/sign-in", methods=["GET", "POST"])
@throttle.sign_in
def sign_in():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = SignInForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None and not user.active:
            user = None
        if check_password(user, form.password.data):
            return _password_accepted(user, safe_next(request.args.get("next")))
        g.sign_in_failed = True
        record_refusal("user.sign_in_failed", entity=user, changes={"email": (None, form.email.data)})
        form.form_errors.append(SIGN_IN_FAILED)
    return render_template("accounts/sign_in.html", form=form), form_status(form)


def _password_accepted(user: User, next_url: str):
    """Second step when the user has a code generator; otherwise signed in."""
    if user.totp_secret:
        session.clear()
        session["pending_user_id"] = user.id
        session["pending_since"] = time.time()
        session["pending_next"] = next_url
        db.session.commit()  # keeps a rehashed password
        return redirect(url_for("accounts.sign_in_code"))
    start_session(user)
    db.session.commit()
    if two_factor.required_for(user):
        session["enrol_two_factor"] = True
        return redirect(url_for("accounts.two_factor_setup"))
    return redirect(next_url)


def _pending_user() -> User | None:
    since = session.get("pending_since", 0)
    if time.time() - since > PENDING_SECONDS:
        return None
    user = db.session.get(User, session.get("pending_user_id", 0))
    return user if user is not None and user.active and user.totp_secret else None


@bp.route("/sign-in/code", methods=["GET", "POST"])
@throttle.code_step
def sign_in_code():
    user = _pending_user()
    if user is None:
        session.clear()
        flash("Sign in again: the code step timed out.", "info")
        return redirect(url_for("accounts.sign_in"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        if _second_step_passed(user, form.code.data):
            next_url = session.get("pending_next") or url_for("home.index")
            start_session(user)
            db.session.commit()
            if recovery_codes.looks_like_one(form.code.data):
                flash(f"You signed in with a recovery code. Recovery codes left: {recovery_codes.codes_left(user)}. "
                      "Make new ones from your two-step sign-in page.", "info")
            return redirect(safe_next(next_url))
        g.sign_in_failed = True
        record_refusal("user.sign_in_code_failed", entity=user)
        form.code.errors.append(WRONG_CODE)
    return render_template("accounts/sign_in_code.html", form=form), form_status(form)


def _second_step_passed(user: User, text: str) -> bool:
    """A current code from the user's app, or one of their unused recovery codes."""
    if recovery_codes.looks_like_one(text):
        return recovery_codes.use(user, text)
    return two_factor.accept_code(user, user.totp_secret, text)


@bp.before_app_request
def require_two_factor_enrolment():
    """Admin and committee accounts enrol a code generator before doing anything else."""
    if session.get("enrol_two_factor") and current_user.is_authenticated and request.endpoint not in ENROL_EXEMPT:
        return redirect(url_for("accounts.two_factor_setup"))
    return None


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Enrolment for a user without a code generator; what they have and can change otherwise."""
    user = current_user._get_current_object()
    if user.totp_secret and request.method == "GET":
        return _two_factor_page(user, ConfirmPasswordForm())
    form, codes = CodeForm(), []
    if form.validate_on_submit() and attempt(form, lambda: codes.extend(
            two_factor.enrol(user, g.user_session, form.code.data))) is None:
        session.pop("enrol_two_factor", None)
        flash("Two-step sign-in is on. You will be asked for a code each time you sign in.", "success")
        return _recovery_codes_page(codes)
    return render_template("accounts/two_factor.html", form=form, required=session.get("enrol_two_factor"),
                           **_candidate(user)), form_status(form)


def _candidate(user: User) -> dict:
    """The secret being set up and its QR code; it stays on the server until a code from it confirms it."""
    secret = two_factor.candidate(g.user_session)
    db.session.commit()
    return {"secret": secret, "qr": two_factor.qr_data_uri(two_factor.provisioning_uri(user, secret))}


def _two_factor_page(user: User, codes_form: ConfirmPasswordForm):
    return render_template("accounts/two_factor_status.html", form=codes_form,
                           codes_left=recovery_codes.codes_left(user)), form_status(codes_form)


def _recovery_codes_page(codes: list[str]):
    """The codes, this once: only their hashes are kept."""
    return render_template("accounts/recovery_codes.html", codes=codes)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def new_recovery_codes():
    user = current_user._get_current_object()
    form, codes = ConfirmPasswordForm(), []
    if form.validate_on_submit() and attempt(form, lambda: codes.extend(
            two_factor.new_recovery_codes(user, form.current_password.data))) is None:
        return _recovery_codes_page(codes)
    return _two_factor_page(user, form)


@bp.route("/account/two-factor/replace", methods=["GET", "POST"])
@login_required
def replace_two_factor():
    """Move two-step sign-in to another phone: the password and a code from the old app, then the new."""
    user = current_user._get_current_object()
    if not user.totp_secret:
        return redirect(url_for("accounts.two_factor_setup"))
    form = ReplaceTwoFactorForm()
    if form.validate_on_submit() and attempt(form, lambda: two_factor.replace(
            user, g.user_session, form.current_password.data, form.current_code.data, form.new_code.data)) is None:
        flash("Two-step sign-in now uses your new app. You are signed out on every other computer.", "success")
        return redirect(url_for("accounts.two_factor_setup"))
    return render_template("accounts/two_factor_replace.html", form=form, **_candidate(user)), form_status(form)


@bp.post("/sign-out")
@login_required
def sign_out():
    record("user.signed_out", entity=current_user._get_current_object())
    end_session("signed_out")
    db.session.commit()
    flash("You are signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not check_password(user, form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
            record_refusal("user.reauthentication_failed", entity=user, reason="change password")
        else:
            set_password(user, form.new_password.data)
            end_other_sessions(user, "password_changed")
            record("user.password_changed", entity=user)
            db.session.commit()
            flash("Your password is changed. You are signed out everywhere else.", "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/password.html", form=form,
                           codes_left=recovery_codes.codes_left(current_user)), form_status(form)


@bp.route("/set-password", methods=["GET", "POST"])
def accept_invite():
    """The one-time link from an administrator: set a password, then sign in.

    The token rides in the query string, not the path, so the audit trail (which keeps the
    path) never holds it."""
    invite = find_invite(request.args.get("token", ""))
    if invite is None:
        return render_template(
            "errors/error.html", code=404, title="This link cannot be used",
            message="It has expired, was used already, or a newer link replaced it. "
                    "Ask an administrator for a new link."), 404
    if current_user.is_authenticated and current_user.id != invite.user_id:
        return render_template("accounts/invite.html", form=None, user=invite.user)
    form = SetPasswordForm()
    if form.validate_on_submit():
        use_invite(invite, form.new_password.data)
        if current_user.is_authenticated:
            end_session("password_set")
        db.session.commit()
        flash("Your password is set. Sign in with your e-mail address and new password.", "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/invite.html", form=form, user=invite.user), 422 if form.errors else 200
