"""Frontline Ideas: the application factory."""
import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, flash, redirect, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from ideas.config import Config, database_url, instance_secret
from ideas.extensions import csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | None = None, overrides: dict | None = None) -> Flask:
    """Build the app from a settings class (default `Config`) with `overrides` laid over it."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("IDEAS_INSTANCE_PATH", str(ROOT / "instance")),
    )
    app.config.from_object(config or Config)
    app.config.update(overrides or {})
    configure(app)
    register_converters(app)
    register_extensions(app)
    register_features()
    register_blueprints(app)
    register_web(app)
    register_cli(app)
    return app


def configure(app: Flask) -> None:
    cfg = app.config
    cfg["SQLALCHEMY_DATABASE_URI"] = database_url(cfg.get("SQLALCHEMY_DATABASE_URI"), app.instance_path)
    cfg.setdefault("NODE_MODULES", str(ROOT / "node_modules"))
    for name in ("SECRET_KEY", "AUDIT_KEY"):
        if not cfg.get(name) and cfg["REQUIRE_KEYS"]:
            raise RuntimeError(f"{name} is not set: production refuses to start without it (see README, Deployment)")
        cfg[name] = cfg.get(name) or instance_secret(app.instance_path, name.lower())
    cfg["AUDIT_CHECKPOINT_PATH"] = (cfg.get("AUDIT_CHECKPOINT_PATH")
                                    or str(Path(app.instance_path) / "audit-checkpoint.json"))
    # A page left open must still post: the CSRF token lives as long as a session may.
    cfg["WTF_CSRF_TIME_LIMIT"] = cfg["SESSION_ABSOLUTE_HOURS"] * 3600
    cfg["PERMANENT_SESSION_LIFETIME"] = cfg["SESSION_ABSOLUTE_HOURS"] * 3600
    if cfg["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=cfg["PROXY_FIX_X_FOR"], x_proto=1)


def register_converters(app: Flask) -> None:
    from ideas.web import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added: ids a database can hold


def register_extensions(app: Flask) -> None:
    import ideas.models  # noqa: F401  (the whole schema, for Alembic)
    from ideas.accounts.sessions import load_session_user
    from ideas.audit.hooks import init_app as init_audit
    from ideas.database import serialise_sqlite_writes

    db.init_app(app)
    with app.app_context():
        serialise_sqlite_writes(db.engine)
    init_audit(app)  # before the limiter, which reads its breach callback from the config
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.session_protection = None  # the server-side session does this job
    login_manager.user_loader(load_session_user)

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import g

        if g.get("session_expired"):
            flash("Your session ended. Sign in again to carry on where you were.", "info")
        else:
            flash(login_manager.login_message, "info")
        target = url_for("accounts.sign_in", next=_return_path())
        if htmx:
            response = app.make_response(("", 401))
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target)


def _return_path() -> str:
    """Where sign-in leads back to: the page itself, also when an htmx request from it was refused."""
    if htmx and htmx.current_url:
        parts = urlsplit(htmx.current_url)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.full_path.rstrip("?")


def register_features() -> None:
    """Each feature's facts for the workflow rules and what it hears from the core's announcements."""
    import ideas.committee.wiring  # noqa: F401  (its facts; voting rounds; the frozen-plan check)
    import ideas.notifications.events  # noqa: F401  (who hears of what happens)
    import ideas.pilots.stop_rules  # noqa: F401  (listens for new observations: a tripped stop rule holds the idea)
    import ideas.pilots.wiring  # noqa: F401  (its facts)
    import ideas.review.wiring  # noqa: F401  (its facts)
    import ideas.spread.wiring  # noqa: F401  (its facts)


def register_blueprints(app: Flask) -> None:
    from ideas.accounts.views import bp as accounts_bp
    from ideas.admin.views import bp as admin_bp
    from ideas.audit.views import bp as audit_bp
    from ideas.board.views import bp as board_bp
    from ideas.committee.condition_views import bp as conditions_bp
    from ideas.committee.meeting_views import bp as meetings_bp
    from ideas.committee.views import bp as committee_bp
    from ideas.dashboard.views import bp as dashboard_bp
    from ideas.discussion.views import bp as discussion_bp
    from ideas.home.views import bp as home_bp
    from ideas.notifications.views import bp as notifications_bp
    from ideas.pilots.views import bp as pilots_bp
    from ideas.pilots.chart_views import bp as charts_bp
    from ideas.pipeline.hold_views import bp as hold_bp
    from ideas.pipeline.views import bp as pipeline_bp
    from ideas.review.views import bp as review_bp
    from ideas.service.health import bp as service_bp
    from ideas.similar.views import bp as similar_bp
    from ideas.spread.views import bp as spread_bp
    from ideas.web import vendor

    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(board_bp)
    app.register_blueprint(committee_bp)
    app.register_blueprint(conditions_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(discussion_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(pilots_bp)
    app.register_blueprint(charts_bp)
    app.register_blueprint(pipeline_bp)
    app.register_blueprint(hold_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(service_bp)
    app.register_blueprint(similar_bp)
    app.register_blueprint(spread_bp)
    app.register_blueprint(vendor)


def register_web(app: Flask) -> None:
    from ideas.service import request_log
    from ideas.web import register_errorhandlers, register_filters, register_query_check, register_security

    request_log.init_app(app)
    register_filters(app)
    register_query_check(app)
    register_security(app)
    register_errorhandlers(app)

    @app.before_request
    def load_user_first():
        # Validate the server-side session before the view runs, while nothing is pending.
        from flask_login import current_user

        current_user._get_current_object()


def register_cli(app: Flask) -> None:
    from ideas.cli import register

    register(app)
