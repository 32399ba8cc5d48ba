"""Time-based one-time codes (RFC 6238): enrolling, replacing and resetting a user's code generator.

The secret being set up lives on the server-side session row, never in Flask's cookie.
"""
import time

import pyotp
import segno
from pyotp.utils import strings_equal
from flask import current_app

from ideas.accounts import recovery_codes
from ideas.accounts.actor import acting_user
from ideas.accounts.models import Role, User, UserSession
from ideas.accounts.passwords import check_password
from ideas.accounts.reauth import FAILURES_ALLOWED, FAILURE_WINDOW, recent_failures
from ideas.accounts.sessions import end_all_sessions, end_other_sessions
from ideas.accounts.signals import two_factor_reset
from ideas.audit import record, record_refusal
from ideas.errors import Invalid

REAUTH_FAILED = "user.reauthentication_failed"


def required_for(user: User) -> bool:
    """Whether the user's roles oblige a second factor at password sign-in."""
    names = {n.strip() for n in current_app.config["TOTP_REQUIRED_ROLES"].split(",") if n.strip()}
    return any(Role(name) in user.roles for name in names if name in Role._value2member_map_)


def matching_step(secret: str, code: str) -> int | None:
    """The time step whose code this is (now, or one step of clock drift either way), or None."""
    code = "".join(ch for ch in (code or "") if ch.isascii() and ch.isdigit())
    totp = pyotp.TOTP(secret)
    counter = int(time.time()) // totp.interval
    return next((step for step in (counter, counter - 1, counter + 1)
                 if strings_equal(code, totp.generate_otp(step))), None)


def accept_code(user: User, secret: str, code: str) -> bool:
    """True for a current code not used before; remembers its time step so it is not replayed."""
    step = matching_step(secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def candidate(row: UserSession) -> str:
    """The secret being set up in this session, made on first sight and kept until used."""
    if row.totp_candidate is None:
        row.totp_candidate = pyotp.random_base32()
    return row.totp_candidate


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["TOTP_ISSUER"])


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI (CSP allows data: images only)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _take_candidate(user: User, row: UserSession, code: str, field: str) -> None:
    """Make the session's candidate the user's secret, given a current code from it."""
    step = matching_step(candidate(row), code)
    if step is None:
        raise Invalid("That code is not right. Check the time on your phone and enter the current code.",
                      field=field)
    user.totp_secret, user.totp_last_step, row.totp_candidate = row.totp_candidate, step, None


def enrol(user: User, row: UserSession, code: str) -> list[str]:
    """Turn on two-step sign-in for a user without it; returns their first recovery codes."""
    if user.totp_secret:
        raise Invalid("Two-step sign-in is on already; to use another phone, replace it.")
    _take_candidate(user, row, code, "code")
    record("user.two_factor_enrolled", entity=user)
    return recovery_codes.issue(user)


def _confirm(user: User, ok: bool, purpose: str, message: str, field: str) -> None:
    """Refuse (audited, in its own transaction) when the password or code given again is wrong."""
    if not ok:
        record_refusal(REAUTH_FAILED, entity=user, reason=purpose)
        raise Invalid(message, field=field)


def confirm_password(user: User, password: str, purpose: str) -> None:
    """The user's password again, for a change to how they sign in; wrong ones are audited and limited."""
    if recent_failures(user, REAUTH_FAILED) >= FAILURES_ALLOWED:
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        raise Invalid(f"After {FAILURES_ALLOWED} wrong tries this is paused for {minutes} minutes.",
                      field="current_password")
    _confirm(user, check_password(user, password), purpose, "That is not your current password.",
             "current_password")


def replace(user: User, row: UserSession, password: str, current_code: str, new_code: str) -> None:
    """Move two-step sign-in to a new code generator: needs the password and a current code."""
    purpose = "replace two-step sign-in"
    if not user.totp_secret:
        raise Invalid("Two-step sign-in is not on yet; set it up first.")
    confirm_password(user, password, purpose)
    _confirm(user, accept_code(user, user.totp_secret, current_code), purpose,
             "That is not the current code of the app you use now.", "current_code")
    _take_candidate(user, row, new_code, "new_code")
    end_other_sessions(user, "two_factor_replaced")
    record("user.two_factor_replaced", entity=user)


def new_recovery_codes(user: User, password: str) -> list[str]:
    """A fresh set of recovery codes, replacing the old set, after the password again."""
    if not user.totp_secret:
        raise Invalid("Recovery codes come with two-step sign-in; set that up first.")
    confirm_password(user, password, "new recovery codes")
    return recovery_codes.issue(user)


def reset(user: User, reason: str) -> None:
    """An administrator turns off a user's two-step sign-in (lost phone): they enrol again at sign-in."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Give the reason for the reset; it is kept in the audit trail.", field="reason")
    if acting_user() is not None and acting_user().id == user.id:
        raise Invalid("You cannot reset your own two-step sign-in; replace it from your account, "
                      "or ask another administrator.")
    if not user.totp_secret:
        raise Invalid(f"{user.name} has no two-step sign-in to reset.")
    user.totp_secret = user.totp_last_step = None
    recovery_codes.discard(user)
    end_all_sessions(user, "two_factor_reset")
    record("user.two_factor_reset", entity=user, changes={"two_factor": (True, False)}, reason=reason)
    two_factor_reset.send(user)
