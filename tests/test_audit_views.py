"""The admin's audit page: who may use it, filters, keyset pages, verify now, export, redaction."""
import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest

from ideas.accounts.models import Role, Site
from ideas.audit import record
from ideas.audit.export import verify_export
from ideas.clock import local_time, utcnow
from ideas.extensions import db
from ideas.pipeline.workflow import Stage
from tests.conftest import page_token
from tests.support.audit import changes, events, raw_sql, tamper
from tests.support.ideas import make_idea

KEY = "test-audit-key"
PAGES = [("get", "/admin/audit"), ("get", "/admin/audit/verify"), ("get", "/admin/audit/events/1"),
         ("post", "/admin/audit/export"), ("post", "/admin/audit/events/1/redact")]


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_signed_out_goes_to_sign_in(client, create_user, method, path):
    create_user()  # event 1 exists
    response = getattr(client, method)(path, data={"csrf_token": page_token(client)})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.MENTEE, Role.MENTOR, Role.COMMITTEE])
@pytest.mark.parametrize(("method", "path"), PAGES)
def test_other_roles_are_refused(client, signed_in, role, method, path):
    signed_in(role)
    response = getattr(client, method)(path, data={"csrf_token": page_token(client, "/")})
    assert response.status_code == 403


def test_the_nav_links_the_audit_trail_for_admins_only(client, signed_in):
    signed_in(Role.MENTOR, Role.COMMITTEE)
    assert b"/admin/audit" not in client.get("/").data
    client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    signed_in(Role.ADMIN)
    assert b'href="/admin/audit"' in client.get("/").data


@pytest.fixture
def admin(signed_in):
    return signed_in(Role.ADMIN)


def test_the_page_lists_events_newest_first(client, admin):
    record("site.created", reason="A new site")
    db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    shown = [page.index(f'What happened">{words}</td>') for words in ("added a site", "signed in", "added a user")]
    assert shown == sorted(shown)
    assert "A new site" in page and admin.name in page


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ({"action": "user.signed_in"}, 'What happened">signed in</td>', 'What happened">added a user</td>'),
    ({"entity_type": "sites"}, 'What happened">added a site</td>', 'What happened">signed in</td>'),
    ({"actor": "Nurse Nightingale"}, "night shift", 'What happened">added a user</td>'),
    ({"idea": "42"}, "night shift", 'What happened">signed in</td>'),
    ({"idea": "FI-42"}, "night shift", 'What happened">signed in</td>'),
    ({"idea": " fi42 "}, "FI-42 ·", 'What happened">signed in</td>'),
])
def test_filters(client, admin, create_user, query, shown, hidden):
    nurse = create_user(Role.MENTEE, name="Nurse Nightingale")
    record("idea.created", actor=nurse, idea_id=42, reason="night shift")
    site = Site(name="Riverside")
    db.session.add(site)
    record("site.created", entity=site)
    db.session.commit()
    page = client.get("/admin/audit", query_string=query).get_data(as_text=True)
    assert shown in page and hidden not in page


def test_a_date_range_in_the_hospitals_days(app, client, admin):
    today = local_time(utcnow(), app.config["HOSPITAL_TIME_ZONE"]).date()
    shown = client.get("/admin/audit", query_string={"date_from": today, "date_to": today}).get_data(as_text=True)
    assert 'What happened">signed in</td>' in shown
    tomorrow = today + timedelta(days=1)
    page = client.get("/admin/audit", query_string={"date_from": tomorrow}).get_data(as_text=True)
    assert 'What happened">signed in</td>' not in page and "No events match" in page


@pytest.mark.parametrize(("query", "message"), [
    ({"date_from": "31/12/2026"}, "Enter a date as year-month-day"),
    ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "The end date is before the start date."),
    ({"idea": "seven"}, "Enter an idea number, for example FI-142."),
    ({"idea": "0"}, "Enter an idea number, for example FI-142."),
    ({"idea": "FI-99999999999"}, "Enter an idea number, for example FI-142."),
])
def test_a_bad_filter_is_explained_and_kept(client, admin, query, message):
    response = client.get("/admin/audit", query_string=query)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert f'value="{next(iter(query.values()))}"' in page


def test_an_htmx_filter_gets_the_fragment(client, admin):
    response = client.get("/admin/audit", query_string={"date_from": "nonsense"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert "Enter a date" in response.get_data(as_text=True) and "HX-Request" in response.headers["Vary"]


def test_keyset_pages_of_fifty(client, admin):
    for n in range(120):
        record("test.event", reason=f"number {n}")
    db.session.commit()  # events 1-2 (admin created, signed in), then 3-122
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "number 119<" in first and "number 70<" in first and "number 69<" not in first
    assert "before=73" in first and "after=" not in first
    second = client.get("/admin/audit", query_string={"before": 73}).get_data(as_text=True)
    assert "number 69<" in second and "number 20<" in second and "number 19<" not in second
    assert "after=72" in second and "before=23" in second
    back = client.get("/admin/audit", query_string={"after": 72}).get_data(as_text=True)
    assert "number 119<" in back and "number 69<" not in back


def test_verify_now_shows_the_result(client, admin):
    assert "Audit trail verified: 2 events" in client.get("/admin/audit/verify").get_data(as_text=True)
    tamper("UPDATE audit_events SET reason = 'edited' WHERE sequence = 2")
    fragment = client.get("/admin/audit/verify", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "FAILED at sequence 2: edited" in fragment and 'role="alert"' in fragment and "<html" not in fragment


def test_verify_now_names_every_problem(app, client, admin):
    path = Path(app.config["AUDIT_CHECKPOINT_PATH"])
    old = path.read_bytes()
    record("test.event", reason="after the copy")
    db.session.commit()
    path.write_bytes(old)
    raw_sql("DROP TRIGGER audit_events_no_truncate ON audit_events" if db.engine.dialect.name == "postgresql"
            else "DROP TRIGGER audit_events_no_delete")
    page = client.get("/admin/audit/verify").get_data(as_text=True)
    assert page.count("<li><strong>Audit trail FAILED: ") == 2
    assert "checkpoint — the checkpoint (event 2) is not the last entry of its history (event 3)" in page
    assert "triggers — trigger audit_events_no_" in page


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_of_the_current_filter(client, admin, fmt):
    response = client.post("/admin/audit/export", data={
        "csrf_token": page_token(client, "/admin/audit"), "format": fmt, "action": "user.signed_in"})
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    report = verify_export(text, KEY)
    assert report.ok and report.events == 1
    [exported] = events("audit.exported")
    assert exported.actor_id == admin.id and exported.reason == f"{fmt.upper()} export of action=user.signed_in"
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(text)))[1][7] == "user.signed_in"


def test_an_export_with_a_bad_filter_is_refused_clearly(client, admin):
    response = client.post("/admin/audit/export", data={
        "csrf_token": page_token(client, "/admin/audit"), "format": "xml", "date_to": "soon"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Not a valid choice" in page and "Enter a date" in page
    assert events("audit.exported") == []


def redact_form(client, sequence: int, **fields):
    token = page_token(client, f"/admin/audit/events/{sequence}")
    return client.post(f"/admin/audit/events/{sequence}/redact", data={"csrf_token": token, **fields})


def test_redaction_needs_a_reason_and_a_confirmation(client, admin):
    response = redact_form(client, 1, field="email", reason="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say why this value must be removed." in page and "Tick the box to confirm the redaction." in page
    response = redact_form(client, 1, field="email", reason="Typed a patient's name")
    assert response.status_code == 422 and "Typed a patient&#39;s name" in response.get_data(as_text=True)
    assert events("audit.redacted") == []


def test_a_redaction_removes_the_value_and_the_chain_still_verifies(client, admin):
    response = redact_form(client, 1, field="name", reason="Wrong person", confirm="y")
    assert response.status_code == 302
    db.session.expire_all()
    assert changes(events()[0])["name"] == (None, None)
    page = client.get("/admin/audit/events/1").get_data(as_text=True)
    assert "Redacted" in page and admin.name in page and admin.name not in page.split("Canonical")[1]
    assert "Audit trail verified: 3 events (1–3), head hash" in client.get("/admin/audit/verify").get_data(
        as_text=True)
    assert "2 values redacted" in client.get("/admin/audit/verify").get_data(as_text=True)


def test_a_field_already_redacted_cannot_be_redacted_again(client, admin):
    redact_form(client, 1, field="name", reason="Wrong person", confirm="y")
    response = redact_form(client, 1, field="name", reason="Again", confirm="y")
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/audit/events/999", f"/admin/audit/events/{10**20}"])
def test_an_unknown_event_is_404(client, admin, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", [{"before": 10**20}, {"after": -5}, {"idea": 10**12}])
def test_numbers_out_of_range_are_never_a_server_error(client, admin, query):
    assert client.get("/admin/audit", query_string=query).status_code in (200, 422)


def test_the_listing_speaks_in_words_with_names(client, admin, people):
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"])
    record("condition.reassigned", idea_id=idea.id, changes={"owner_id": (None, people["mentor"].id)})
    db.session.commit()
    page = client.get("/admin/audit", query_string={"idea": idea.id}).get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "gave a condition of approval to someone else" in text and f"Owner: {people['mentor'].name}" in text
    assert "Pilot units: Ward 4B (Riverside General Hospital)" in text and "added a measure to the pilot plan" in text
    assert f"of the idea {idea.number} · {idea.title}" in text
    assert "owner_id" not in text and "measure.added" not in text and "False" not in text
