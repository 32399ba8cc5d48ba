"""Request-wide behaviour: security headers, error pages, htmx helpers, front-end assets."""
from functools import wraps
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, render_template, request, send_from_directory
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ideas.clock import local_time
from ideas.database import db
from ideas.errors import Forbidden, Refusal
from ideas.extensions import htmx, talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}

# Front-end packages installed by npm; only these files are served.
VENDOR_FILES = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "pico.min.css": "@picocss/pico/css/pico.min.css",
}

vendor = Blueprint("vendor", __name__)


@vendor.get("/vendor/<name>")
def asset(name: str):
    if name not in VENDOR_FILES:
        abort(404)
    path = Path(current_app.config["NODE_MODULES"]) / VENDOR_FILES[name]
    return send_from_directory(path.parent, path.name, max_age=86400)


def role_required(*roles):
    """A view for signed-in users with any of these roles; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def form_status(form) -> int:
    """422 when a sent form is refused (its page shows the messages and keeps the input), else 200."""
    return 422 if form.is_submitted() and (form.errors or form.form_errors) else 200


def attempt(form, save) -> Refusal | None:
    """Run a save and commit; a refusal is rolled back and shown on the form, which keeps the input.

    Forbidden is not the form's business: it answers 403 through the error handler.
    """
    try:
        save()
        db.session.commit()
    except Forbidden:
        db.session.rollback()
        raise
    except Refusal as refusal:
        db.session.rollback()
        form.show(refusal)
        return refusal
    return None


def render(page: str, fragment: str, **context):
    """The fragment for an htmx swap, the whole page otherwise."""
    template = fragment if htmx and not htmx.history_restore_request else page
    return render_template(template, **context)


def register_filters(app: Flask) -> None:
    @app.template_filter("local_time")
    def local_time_filter(moment, fmt: str = "%d %b %Y, %H:%M:%S %Z") -> str:
        """A stored UTC time as the hospital's clock shows it."""
        return local_time(moment, app.config["HOSPITAL_TIME_ZONE"]).strftime(fmt)


def register_security(app: Flask) -> None:
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the proxy; HSTS is still sent on HTTPS requests
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
    )

    @app.after_request
    def page_headers(response):
        response.vary.add("HX-Request")
        if current_user.is_authenticated and request.endpoint not in {"static", "vendor.asset"}:
            response.headers["Cache-Control"] = "no-store"
        return response


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        response = app.make_response((render_template(
            "errors/error.html", code=400, title="This page had expired",
            message="For your safety the form was not sent. Go back, reload the page and send it again.",
        ), 400))
        if htmx:
            response.headers["HX-Refresh"] = "true"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            403: ("Not allowed", "Your roles do not allow this. Ask an administrator if you need it."),
            404: ("Not found", "There is nothing here, or it is not yours to see."),
            405: ("Not allowed", "That action cannot be done this way."),
            413: ("Too large", "What you sent is larger than the limit."),
            429: ("Too many attempts", "Please wait a few minutes before trying again."),
        }
        title, message = messages.get(error.code, (error.name, error.description))
        return render_template("errors/error.html", code=error.code, title=title, message=message), error.code

    @app.errorhandler(Refusal)
    def refused(refusal: Refusal):
        titles = {403: "Not allowed", 409: "Someone else changed it first", 422: "Not possible yet"}
        return render_template("errors/error.html", code=refusal.status, title=titles.get(refusal.status, "Refused"),
                               message=refusal.message), refusal.status

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return render_template(
            "errors/error.html", code=500, title="Something went wrong",
            message="The error is logged. Nothing you sent was saved; please try again.",
        ), 500
