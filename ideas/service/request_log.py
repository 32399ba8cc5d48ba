"""Structured logs: JSON lines on standard error, one per request (id, user, status, duration).

Only what identifies a request is logged: its path without the query string (an invitation
token travels there), never a form field, a cookie or a header's value.
"""
import json
import logging
import sys
import time

from flask import Flask, g, request
from flask.logging import default_handler

from ideas.audit.writer import request_id

REQUESTS = logging.getLogger("ideas.requests")
RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({key: value for key, value in vars(record).items() if key not in RECORD_FIELDS})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


JsonFormatter.converter = time.gmtime


def init_app(app: Flask) -> None:
    """Log every request; with LOG_JSON, every record of the process as a JSON line."""
    root = logging.getLogger()
    if app.config["LOG_JSON"] and not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        app.logger.removeHandler(default_handler)  # else Flask prints each of its records twice
    app.before_request(_start_clock)
    app.after_request(_log_request)


def _start_clock() -> None:
    g.request_started = time.perf_counter()


def _log_request(response):
    started = g.get("request_started", time.perf_counter())
    user = g.get("_login_user")  # only if this request loaded it: logging never queries
    REQUESTS.info("%s %s %s", request.method, request.path, response.status_code, extra={
        "request_id": request_id(),
        "user_id": user.get_id() if user is not None and user.is_authenticated else None,
        "method": request.method,
        "path": request.path,
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "client_address": request.remote_addr,
    })
    return response
