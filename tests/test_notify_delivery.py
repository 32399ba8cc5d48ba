"""`notify send` delivers the outbox to a real SMTP server on 127.0.0.1: the right people, the right text,
once; a message waits while the server is down and goes once it is back; two senders never send one twice."""
import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from ideas.accounts.models import User
from ideas.clock import utcnow
from ideas.database import db
from ideas.notifications.models import Notification, OutboxMessage
from ideas.notifications.outbox import send_outbox
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import Stage
from tests.conftest import make_app
from tests.support.ideas import make_idea
from tests.support.smtp import MailServer, free_port


@pytest.fixture
def mail(app):
    server = MailServer().start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, PUBLIC_BASE_URL="https://ideas.example.org")
    yield server
    server.stop()


def unsent() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))


def test_the_right_people_get_the_right_text_once(people, mail, runner):
    idea = make_idea(people["submitter"], Stage.SUBMITTED, co_authors=(people["co_author"],))
    apply_action(idea, people["mentor"], "start_review", idea.version)
    db.session.commit()
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0 and "Sent 5, failed 0." in result.output, result.output
    # invited: the co-author; submitted: both mentors (no pairing, so the open queue at once);
    # claimed: the submitter and the co-author (the mentor who claimed it is not told)
    assert sorted(m["To"] for m in mail.messages) == sorted(
        [people[k].email for k in ("co_author", "mentor", "other_mentor", "submitter", "co_author")])
    [message] = mail.to(people["submitter"].email)
    assert message["Subject"] == f"Priya Shah started reviewing FI-{idea.id} “Night-time falls checklist”"
    assert message["From"] == "Frontline Ideas <ideas@localhost>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    note = db.session.scalar(select(Notification).where(Notification.user_id == people["submitter"].id))
    link = f"https://ideas.example.org/notifications/{note.id}/open"
    assert "Hello Maya Okafor" in text and link in text and f'href="{link}"' in html
    assert "https://ideas.example.org/account/notifications" in text
    for part in (text, html):  # no free text of the idea, no tokens
        assert "Patients fall at night" not in part and "csrf" not in part.lower() and "token" not in part.lower()
    assert runner.invoke(args=["notify", "send"]).output.startswith("Sent 0, failed 0.")
    assert len(mail.messages) == 5 and unsent() == 0


def test_while_smtp_is_down_the_message_waits_and_goes_once_it_is_back(people, app, runner):
    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    make_idea(people["submitter"], Stage.SUBMITTED)
    assert unsent() == 2
    result = runner.invoke(args=["notify", "send"])
    assert "Sent 0, failed 1." in result.output and "ConnectionRefusedError" in result.output
    waiting = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.attempts, m.sent_at) for m in waiting] == [(1, None), (0, None)]  # the run stopped at the first
    assert waiting[0].next_attempt_at > utcnow() + timedelta(seconds=50)
    server = MailServer(port).start()
    try:
        assert send_outbox().sent == 1  # the second; the first still waits out its back-off
        with time_machine.travel(utcnow() + timedelta(minutes=2)):
            assert send_outbox().sent == 1
            assert send_outbox().sent == 0
        assert sorted(m["To"] for m in server.messages) == sorted([people["mentor"].email,
                                                                   people["other_mentor"].email])
    finally:
        server.stop()
    assert unsent() == 0


def test_a_failure_waits_longer_each_time():
    from ideas.notifications.outbox import next_wait

    assert [next_wait(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert next_wait(30) == timedelta(hours=6)


def two_senders_at_once(app, server: MailServer, messages: int) -> list[int]:
    """Queue `messages` e-mails and run two `send_outbox` at once: each arrives exactly once; returns what each sent."""
    with app.app_context():
        someone = User(email="reader@hospital.example", name="Reader")
        db.session.add(someone)
        db.session.flush()
        db.session.add_all(OutboxMessage(user_id=someone.id, recipient=someone.email, subject=f"Message {n}",
                                         text_body="Hello", html_body="<p>Hello</p>") for n in range(messages))
        db.session.commit()
    start, runs, errors = threading.Barrier(2), [], []

    def sender() -> None:
        try:
            with app.app_context():
                start.wait()
                runs.append(send_outbox().sent)
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(m["Subject"] for m in server.messages) == sorted(f"Message {n}" for n in range(messages))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.sent_at.is_not(None))) == messages
        db.engine.dispose()
    return runs


@pytest.mark.postgres
def test_two_senders_at_once_on_postgresql_send_each_message_exactly_once(pg_databases, tmp_path):
    url = pg_databases.fresh()
    server = MailServer(delay=0.02).start()  # a server that takes its time lets the two senders overlap
    try:
        app = make_app(url, tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=server.port)
        runs = two_senders_at_once(app, server, 40)
        assert sum(runs) == 40 and min(runs) > 0, runs  # both took part (SKIP LOCKED), neither sent one twice
    finally:
        server.stop()
        pg_databases.drop(url)


def test_the_sqlite_senders_take_turns(tmp_path):
    """On SQLite a sender's transaction holds the write lock while it sends: two at once still send each once."""
    from flask_migrate import upgrade

    server = MailServer().start()
    try:
        app = make_app(f"sqlite:///{tmp_path / 'senders.sqlite'}", tmp_path, SMTP_HOST="127.0.0.1",
                       SMTP_PORT=server.port)
        with app.app_context():
            upgrade()
        assert sum(two_senders_at_once(app, server, 10)) == 10
    finally:
        server.stop()
