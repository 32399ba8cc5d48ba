"""Sign-in, sign-out and password change."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ideas.accounts.forms import ChangePasswordForm, SignInForm
from ideas.accounts.models import User
from ideas.accounts.passwords import check_password, set_password
from ideas.accounts.sessions import end_other_sessions, end_session, start_session
from ideas.audit import record, record_refusal
from ideas.database import db
from ideas.extensions import limiter

bp = Blueprint("accounts", __name__)

SIGN_IN_FAILED = "That e-mail and password do not match an active account."


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything pointing elsewhere goes home."""
    if not target:
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
            start_session(user)
            record("user.signed_in", entity=user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        g.sign_in_failed = True
        record_refusal("user.sign_in_failed", entity=user, changes={"email": (None, form.email.data)})
        form.form_errors.append(SIGN_IN_FAILED)
    return render_template("accounts/sign_in.html", form=form)


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
    return render_template("accounts/password.html", form=form)
