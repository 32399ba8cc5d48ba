"""Sign-in throttling (SECURITY.md "Sign-in and sessions"): no permanent lock-out by an attacker.

Failed tries count per account at one address and, more loosely (ward computers share an
address), per address, password and code steps together; so guesses from one address never
stop the owner signing in from another. Only failures count: a view sets `g.sign_in_failed`.
"""
from functools import wraps

from flask import current_app, g, render_template, request, session

from ideas.extensions import limiter

RETRY_AFTER_SECONDS = 60


def _failed(response) -> bool:
    return bool(g.get("sign_in_failed"))


def _address() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _account_at_address() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254] + "|" + _address()


def _pending_user_at_address() -> str:
    return f"code:{session.get('pending_user_id')}|{_address()}"


def _failures(setting: str, key_func, scope: str):
    # shared: a scope names one count wherever it applies (the address counts both steps together)
    return limiter.shared_limit(lambda: current_app.config[setting], scope, key_func=key_func, methods=["POST"],
                                deduct_when=_failed)


def _fail_closed(view):
    """Without its shared store the throttle cannot count, so a sign-in waits (503) rather than go unthrottled."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method == "POST" and not limiter.storage.check():
            current_app.logger.error("rate-limit storage unreachable: sign-in answers 503 until it is back")
            return render_template(
                "errors/error.html", code=503, title="Sign-in is briefly unavailable",
                message="Try again in a minute. Nothing you sent was checked or saved.",
            ), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return view(*args, **kwargs)

    return wrapped


def sign_in(view):
    """Throttle the password step: failures per account at an address, and per address."""
    return _fail_closed(_failures("SIGNIN_LIMIT_ACCOUNT", _account_at_address, "sign-in-account")(
        _failures("SIGNIN_LIMIT_ADDRESS", _address, "sign-in-address")(view)))


def code_step(view):
    """Throttle the code step: failures per pending user at an address, and per address."""
    return _fail_closed(_failures("SIGNIN_LIMIT_ACCOUNT", _pending_user_at_address, "sign-in-code")(
        _failures("SIGNIN_LIMIT_ADDRESS", _address, "sign-in-address")(view)))
