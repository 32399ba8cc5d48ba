"""The app under gunicorn with production settings, as `gunicorn wsgi:app` runs it behind the proxy."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHEAP_PASSWORDS = {"PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_KIB": "8", "PASSWORD_PARALLELISM": "1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(database_url: str, checkpoint_path: Path, redis_url: str, key_prefix: str, **extra) -> dict:
    """The environment every app server of one deployment shares (plain HTTP on 127.0.0.1: no Secure cookie)."""
    return {**os.environ, **CHEAP_PASSWORDS, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
            "AUDIT_KEY": "test-audit-key", "AUDIT_CHECKPOINT_PATH": str(checkpoint_path),
            "RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": key_prefix,
            "SESSION_COOKIE_SECURE": "0", "TOTP_REQUIRED_ROLES": "", **extra}


def start(environment: dict, port: int, workers: int = 1, log: Path | None = None) -> subprocess.Popen:
    """gunicorn serving wsgi:app on 127.0.0.1:port; waits until /healthz answers."""
    output = open(log, "ab") if log else subprocess.DEVNULL
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--graceful-timeout", "5", "wsgi:app"],
        cwd=ROOT, env=environment, stdout=output, stderr=output)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited with {server.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"gunicorn on port {port} did not answer within 30 s")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
