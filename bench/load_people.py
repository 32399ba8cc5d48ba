"""The simulated people of bench/load.py and the ledger of what the server answered them.

Each person is a thread with its own cookies: mentees write and send ideas, mentors comment
and start reviews, committee members vote, readers browse. Every write the server acknowledged
(a redirect after POST) is logged with a unique token, so the run can check it was kept.
"""
import random
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from tests.conftest import PASSWORD
from tests.support.http_client import WebUser

VERSION = re.compile(r'name="version"[^>]*value="(\d+)"')
IDEA_ID = re.compile(r"/ideas/(\d+)")


@dataclass
class Ledger:
    """Everything answered, under one lock: latencies, statuses, acknowledged and refused writes."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    write_latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[tuple[float, str, int]] = field(default_factory=list)
    dropped: list[tuple[float, str, str]] = field(default_factory=list)  # no answer: a worker died mid-request
    acknowledged: list[tuple] = field(default_factory=list)  # (kind, token or ids …)
    refused: Counter = field(default_factory=Counter)  # (kind, status)
    sent_ideas: list[int] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def note(self, path: str, status: int | None, seconds: float, write: bool, error: str = "") -> None:
        with self.lock:
            at = round(time.monotonic() - self.started, 1)
            if status is None:
                self.dropped.append((at, path, error))
                return
            self.latencies.append(seconds)
            if write:
                self.write_latencies.append(seconds)
            self.statuses[status] += 1
            if status >= 500:
                self.server_errors.append((at, path, status))


class Person(threading.Thread):
    """One signed-in person acting until the deadline."""

    def __init__(self, base_url: str, email: str, ledger: Ledger, deadline: float, shared: dict):
        super().__init__(daemon=True)
        self.web, self.email, self.ledger, self.deadline, self.shared = WebUser(base_url), email, ledger, deadline, shared
        self.random = random.Random(email)

    def request(self, method: str, path: str, data: dict | None = None):
        began = time.monotonic()
        try:
            answer = self.web.get(path) if method == "GET" else self.web.post(path, data or {})
        except OSError as error:  # the connection dropped: a worker was killed mid-request
            self.ledger.note(path, None, 0, method == "POST", type(error).__name__)
            return None
        self.ledger.note(path, answer.status, time.monotonic() - began, method == "POST")
        return answer

    def write(self, kind: str, path: str, data: dict, page: str | None, token: tuple):
        if page is not None:  # the form's page first: its answer and time count like any other
            shown = self.request("GET", page)
            if shown is None or shown.status != 200:
                return None  # no form to send: a person would not post it either
        answer = self.request("POST", path, data)
        if answer is None:
            return None
        if answer.status in (302, 303):
            with self.ledger.lock:
                self.ledger.acknowledged.append((kind, *token))
        else:
            with self.ledger.lock:
                self.ledger.refused[(kind, answer.status)] += 1
        return answer

    def run(self) -> None:
        while self.web.sign_in(self.email, PASSWORD).status != 302:  # 503 while Redis is out: try again
            if time.monotonic() > self.deadline:
                return
            time.sleep(1)
        while time.monotonic() < self.deadline:
            self.act()
            time.sleep(self.random.uniform(0.05, 0.3))  # a person reads before the next click

    def act(self) -> None:
        raise NotImplementedError


class Mentee(Person):
    def act(self) -> None:
        token = uuid.uuid4().hex
        fields = {"title": f"Load idea {token}", "problem": "Patients wait too long at night.",
                  "proposed_change": "A checklist at handover.", "expected_benefit": "Shorter waits.",
                  "benefits": "safety", "category": "falls", "tags": "load", "unit": self.shared["unit"],
                  "intent": "submit"}
        answer = self.write("idea", "/ideas/new", fields, "/ideas/new", (token,))
        if answer is not None and answer.status == 302 and (match := IDEA_ID.search(answer.headers["Location"])):
            with self.ledger.lock:
                self.ledger.sent_ideas.append(int(match.group(1)))
        self.request("GET", "/ideas/mine")


class Mentor(Person):
    def act(self) -> None:
        with self.ledger.lock:
            ideas = self.ledger.sent_ideas[-20:]
        if not ideas:
            self.request("GET", "/review/queue")
            return
        idea_id, token = self.random.choice(ideas), uuid.uuid4().hex
        self.write("comment", f"/ideas/{idea_id}/comments", {"body": f"Looked at it: {token}"},
                   f"/ideas/{idea_id}", (token,))
        page = self.request("GET", f"/ideas/{idea_id}/actions/start_review")
        if page is not None and page.status == 200 and (version := VERSION.search(page.body)):
            self.write("start_review", f"/ideas/{idea_id}/actions/start_review", {"version": version.group(1)},
                       None, (self.email, idea_id))


class Member(Person):
    def act(self) -> None:
        idea_id = self.random.choice(self.shared["committee_ideas"])
        vote = self.random.choice(["approve", "reject", "abstain"])
        self.write("vote", f"/committee/ideas/{idea_id}/vote",
                   {"vote": vote, "comment": f"Vote {uuid.uuid4().hex}", "password": PASSWORD},
                   f"/committee/ideas/{idea_id}", (self.email, idea_id, vote))


class Reader(Person):
    """Browses; every 4th page signs out and in again, as on a shared ward computer (503 while Redis is out)."""

    pages, signed_in = 0, True

    def act(self) -> None:
        self.pages += 1
        if self.pages % 4 == 0:
            self.request("GET", "/")
            self.request("POST", "/sign-out", {})
            self.signed_in = False
        if not self.signed_in:
            self.request("GET", "/sign-in")
            answer = self.request("POST", "/sign-in", {"email": self.email, "password": PASSWORD})
            self.signed_in = answer is not None and answer.status == 302
            return
        with self.ledger.lock:
            ideas = self.ledger.sent_ideas[-50:] or self.shared["committee_ideas"]
        path = self.random.choice(["/", "/committee/agenda", f"/ideas/{self.random.choice(ideas)}",
                                   f"/committee/ideas/{self.random.choice(self.shared['committee_ideas'])}"])
        self.request("GET", path)
