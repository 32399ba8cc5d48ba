"""Sign-in (password, then a code where enrolled), sign-out, password and two-step setup."""
import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ideas.accounts import two_factor
from ideas.accounts.forms import ChangePasswordForm, CodeForm, SetPasswordForm, SignInForm
from ideas.accounts.invites import accept_invite as use_invite, find_invite
from ideas.accounts.models import User
from ideas.accounts.passwords import check_password, set_password
from ideas.accounts.sessions import end_other_sessions, end_session, start_session
from ideas.audit import record, record_refusal
from ideas.database import db
from ideas.extensions import limiter
from ideas.web import form_status

bp = Blueprint("accounts", __name__)

SIGN_IN_FAILED = "That e-mail and password do not match an active account."
PENDING_SECONDS = 300  # time allowed between the password and the code
ENROL_EXEMPT = {"accounts.two_factor_setup", "accounts.sign_out", "static", "vendor.asset"}


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything pointing elsewhere, or unfit for a header, goes home."""
    if not target or not target.isprintable():  # CR, LF, NUL and the like cannot go in a Location header
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("home.index")
    return target


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def _address_key() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _failed(response) -> bool:
    return bool(g.get("sign_in_failed"))


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_ACCOUNT"], key_func=_account_key,
               methods=["POST"], deduct_when=_failed, scope="sign-in-account")
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_ADDRESS"], key_func=_address_key,
               methods=["POST"], deduct_when=_failed, scope="sign-in-address")
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


def _pending_key() -> str:
    return f"code:{session.get('pending_user_id')}"


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT_ACCOUNT"], key_func=_pending_key,
               methods=["POST"], deduct_when=_failed, scope="sign-in-code")
def sign_in_code():
    user = _pending_user()
    if user is None:
        session.clear()
        flash("Sign in again: the code step timed out.", "info")
        return redirect(url_for("accounts.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.accept_code(user, user.totp_secret, form.code.data):
            next_url = session.get("pending_next") or url_for("home.index")
            start_session(user)
            db.session.commit()
            return redirect(safe_next(next_url))
        g.sign_in_failed = True
        form.code.errors.append("That code is not right or was already used. Enter the current code.")
    return render_template("accounts/sign_in_code.html", form=form), form_status(form)


@bp.before_app_request
def require_two_factor_enrolment():
    """Admin and committee accounts enrol a code generator before doing anything else."""
    if session.get("enrol_two_factor") and current_user.is_authenticated and request.endpoint not in ENROL_EXEMPT:
        return redirect(url_for("accounts.two_factor_setup"))
    return None


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    user = current_user._get_current_object()
    secret = session.setdefault("totp_candidate", two_factor.new_secret())
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.accept_code(user, secret, form.code.data):
            user.totp_secret = secret
            record("user.two_factor_enrolled", entity=user)
            session.pop("totp_candidate", None)
            session.pop("enrol_two_factor", None)
            db.session.commit()
            flash("Two-step sign-in is on. You will be asked for a code each time you sign in.", "success")
            return redirect(url_for("home.index"))
        form.code.errors.append("That code is not right. Check the time on your phone and enter the current code.")
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("accounts/two_factor.html", form=form, secret=secret,
                           qr=two_factor.qr_data_uri(uri), required=session.get("enrol_two_factor")), form_status(form)


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
    return render_template("accounts/password.html", form=form), form_status(form)


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
