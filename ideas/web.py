"""Request-wide behaviour: security headers, error pages, htmx helpers, front-end assets."""
from functools import wraps
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, render_template, request, send_from_directory
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter

from ideas.clock import local_time
from ideas.database import BIGINT_MAX, INTEGER_MAX, db, is_locked, parse_int, reads_from_now_on
from ideas.errors import Forbidden, Refusal
from ideas.extensions import htmx, login_manager, talisman
from ideas.forms import LINE_UNSAFE, TEXT_AREA_UNSAFE, error_summary
from ideas.pipeline.numbers import idea_number

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
MAX_PAGE = 1_000_000  # far past any list's last page; keeps OFFSET within every database's range


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits within the database's integer range, else 404."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = INTEGER_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def number_arg(name: str, maximum: int = INTEGER_MAX, minimum: int = 1) -> int | None:
    """A whole number from the query string (an id, by default); anything else is ignored (None)."""
    return parse_int(request.args.get(name), minimum, maximum)


def page_number() -> int:
    """The `page` query argument: 1 unless it is a page number; past MAX_PAGE, that (empty) page."""
    page = number_arg("page", BIGINT_MAX) or 1
    return min(page, MAX_PAGE)


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


def wants_fragment() -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    return bool(htmx) and not htmx.history_restore_request


def render(page: str, fragment: str, **context):
    """The fragment for an htmx swap, the whole page otherwise."""
    return render_template(fragment if wants_fragment() else page, **context)


def register_filters(app: Flask) -> None:
    app.add_template_global(error_summary)

    @app.template_filter("local_time")
    def local_time_filter(moment, fmt: str = "%d %b %Y, %H:%M:%S %Z") -> str:
        """A stored UTC time as the hospital's clock shows it."""
        return local_time(moment, app.config["HOSPITAL_TIME_ZONE"]).strftime(fmt)

    app.add_template_filter(idea_number)  # an idea id as people name it: FI-142

    @app.template_global()
    def idea_label(idea) -> Markup:
        """An idea named in a list or heading: its number, then its title."""
        return Markup('<span class="idea-number">{}</span> {}').format(idea.number, idea.title or "Untitled draft")


def register_query_check(app: Flask) -> None:
    @app.before_request
    def refuse_unsafe_query():
        """A query string with control characters (tab and line breaks aside) is refused before any view runs."""
        for name, value in request.args.items(multi=True):
            if TEXT_AREA_UNSAFE.search(value) or LINE_UNSAFE.search(name):
                abort(400, f"The address holds a character that cannot be used (in “{name[:40]}”). "
                           "Nothing was changed.")


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


def _user_as_loaded_so_far() -> None:
    """After a database fault, the page does not load the signed-in user again: that may be what failed."""
    if "_login_user" not in g:  # Flask-Login's cache of the current user for this request
        g._login_user = login_manager.anonymous_user()


def error_page(code: int, title: str, message: str):
    """The friendly error page, after rolling back whatever the request left half done."""
    db.session.rollback()  # the page itself reads (the signed-in user's name and roles), and only reads
    reads_from_now_on()
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        response = app.make_response(error_page(
            400, "This page had expired",
            "For your safety the form was not sent. Go back, reload the page and send it again."))
        if htmx:
            response.headers["HX-Refresh"] = "true"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            400: ("Not understood", error.description),
            403: ("Not allowed", "Your roles do not allow this. Ask an administrator if you need it."),
            404: ("Not found", "There is nothing here, or it is not yours to see."),
            405: ("Not allowed", "That action cannot be done this way."),
            413: ("Too large", "What you sent is larger than the limit."),
            429: ("Too many attempts", "Please wait a few minutes before trying again."),
        }
        title, message = messages.get(error.code, (error.name, error.description))
        return error_page(error.code, title, message)

    @app.errorhandler(Refusal)
    def refused(refusal: Refusal):
        titles = {403: "Not allowed", 409: "Someone else changed it first", 422: "Not possible yet"}
        return error_page(refusal.status, titles.get(refusal.status, "Refused"), refusal.message)

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        if error.connection_invalidated:  # the database ended the connection (restart, failover): the pool reconnects
            _user_as_loaded_so_far()
            body, code = error_page(503, "Connection interrupted, try again",
                                    "The connection to the database was cut while this was sent. Look whether "
                                    "it was saved before sending it again.")
            return body, code, {"Retry-After": "5"}
        if not is_locked(error):
            raise error  # a real fault: logged, and answered by the 500 page below
        _user_as_loaded_so_far()
        body, code = error_page(503, "Busy, try again",
                                "Many people are saving at this moment. Nothing you sent was saved; "
                                "please send it again in a few seconds.")
        return body, code, {"Retry-After": "5"}

    @app.errorhandler(InternalServerError)
    def server_error(error):
        _user_as_loaded_so_far()
        return error_page(500, "Something went wrong",
                          "The error is logged. Nothing you sent was saved; please try again.")
