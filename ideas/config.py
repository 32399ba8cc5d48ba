"""Settings, read from the environment (SPEC "Contract")."""
import os
import secrets
from pathlib import Path


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(raw: str | None, instance_path: str) -> str:
    """`DATABASE_URL` as SQLAlchemy wants it; SQLite in the instance folder by default."""
    if not raw:
        return f"sqlite:///{Path(instance_path) / 'ideas.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def instance_secret(instance_path: str, name: str) -> str:
    """A random key kept in the instance folder, for local use when none is configured."""
    path = Path(instance_path) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Production defaults; every value can be set from the environment."""

    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    AUDIT_KEY = os.environ.get("AUDIT_KEY")
    AUDIT_CHECKPOINT_PATH = os.environ.get("AUDIT_CHECKPOINT_PATH")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")  # several deployments on one Redis
    # Redis down: sign-in answers 503 until it is back (ideas/accounts/throttle.py checks first), so a
    # guess is never let through unthrottled; the limiter's own errors are logged, never a 500.
    RATELIMIT_SWALLOW_ERRORS = True
    # Fail fast when Redis is unreachable rather than hold a worker (seconds).
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    # Failed sign-ins per account from one address: guesses elsewhere never lock the owner out.
    SIGNIN_LIMIT_ACCOUNT = os.environ.get("SIGNIN_LIMIT_ACCOUNT", "10 per 15 minutes")
    # Failed sign-ins per address, any account; looser, as ward computers share one address.
    SIGNIN_LIMIT_ADDRESS = os.environ.get("SIGNIN_LIMIT_ADDRESS", "50 per 15 minutes")
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    # argon2id; OWASP minimum is m=19 MiB, t=2. These are RFC 9106's low-memory choice.
    PASSWORD_TIME_COST = int(os.environ.get("PASSWORD_TIME_COST", "3"))
    PASSWORD_MEMORY_KIB = int(os.environ.get("PASSWORD_MEMORY_KIB", "65536"))
    PASSWORD_PARALLELISM = int(os.environ.get("PASSWORD_PARALLELISM", "4"))
    PASSWORD_MIN_LENGTH = 12
    # Roles that must sign in with a second factor (TOTP) when they use a password.
    TOTP_REQUIRED_ROLES = os.environ.get("TOTP_REQUIRED_ROLES", "admin,committee")
    TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "Frontline Ideas")
    HOSPITAL_TIME_ZONE = os.environ.get("HOSPITAL_TIME_ZONE", "Europe/London")
    INVITE_HOURS = int(os.environ.get("INVITE_HOURS", "72"))
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Without SECRET_KEY/AUDIT_KEY the app makes random ones in its instance folder (the demo);
    # production refuses to start instead, as several servers must share one key.
    REQUIRE_KEYS = _flag("IDEAS_REQUIRE_KEYS", False)
    LOG_JSON = _flag("LOG_JSON", False)
    # E-mail (`notify send`): links in messages start with PUBLIC_BASE_URL, the address users open.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    SMTP_HOST = os.environ.get("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _flag("SMTP_STARTTLS", True)
    SMTP_TIMEOUT = int(os.environ.get("SMTP_TIMEOUT", "20"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "Frontline Ideas <ideas@localhost>")


class ProductionConfig(Config):
    """What `gunicorn wsgi:app` serves: never a key made up on one server."""

    REQUIRE_KEYS = True
    LOG_JSON = True


class TestConfig(Config):
    """Cheap hashing, insecure cookies over the test client, CSRF left on."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    AUDIT_KEY = "test-audit-key"
    SESSION_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_TIME_COST = 1
    PASSWORD_MEMORY_KIB = 8
    PASSWORD_PARALLELISM = 1
    SMTP_STARTTLS = False  # the tests' SMTP server on 127.0.0.1 speaks plain SMTP
    SMTP_TIMEOUT = 5
