"""`notify send`: drain the outbox over SMTP, each message once.

One message per transaction: its row is locked while it is sent and marked sent before the commit, so a
second sender skips it (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite writers take turns). A failure
leaves the message waiting with a longer wait each time; the server unreachable ends the run.
"""
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from ideas.clock import utcnow
from ideas.database import db
from ideas.notifications.models import OutboxMessage

FIRST_WAIT, LONGEST_WAIT = timedelta(minutes=1), timedelta(hours=6)
# The server refused this message alone: the others may still go in the same run.
REFUSED_ONE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def next_wait(attempts: int) -> timedelta:
    """How long a message waits after its `attempts`-th failure: doubling from a minute, at most six hours."""
    return min(FIRST_WAIT * 2 ** min(attempts - 1, 20), LONGEST_WAIT)


@dataclass
class Run:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class Mailer:
    """One SMTP connection for a run, opened at the first message."""

    def __init__(self, config):
        self.config, self.connection = config, None

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        self.connection.send_message(message)

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        connection = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"])
        if cfg["SMTP_STARTTLS"]:
            connection.starttls(context=ssl.create_default_context())
        if cfg["SMTP_USER"]:
            connection.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        return connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except OSError:
                pass


def email(row: OutboxMessage, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, row.recipient, row.subject
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


def _claim() -> OutboxMessage | None:
    """The oldest message due to go that no other sender holds, locked until this transaction ends."""
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None),
                                                         OutboxMessage.next_attempt_at <= utcnow())
                             .order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True))


def send_outbox(limit: int | None = None) -> Run:
    """Send what is due, one transaction per message; returns what was sent and what failed."""
    run, mailer = Run(), Mailer(current_app.config)
    try:
        while limit is None or run.sent + run.failed < limit:
            row = _claim()
            if row is None:
                break
            try:
                mailer.send(email(row, current_app.config["MAIL_FROM"]))
            except OSError as error:  # smtplib's errors are OSErrors too
                row.attempts += 1
                row.next_attempt_at = utcnow() + next_wait(row.attempts)
                row.last_error = f"{type(error).__name__}: {error}"[:300]
                run.failed += 1
                run.errors.append(row.last_error)
                db.session.commit()
                if isinstance(error, REFUSED_ONE):
                    continue
                break  # the server is unreachable or broke off: everything else waits for the next run
            row.attempts += 1
            row.sent_at = utcnow()
            db.session.commit()
            run.sent += 1
    finally:
        db.session.rollback()
        mailer.close()
    return run
