"""The inbox and the preferences page: the unread count in the header, opening a notification lands on its place
and marks it read, mark read and mark all read, someone else's notification does not exist, bad input is 422."""
from sqlalchemy import select

from ideas.accounts.models import Role
from ideas.database import db
from ideas.notifications.kinds import KINDS
from ideas.notifications.models import Notification, NotificationPreference
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import Stage
from tests.conftest import page_token, sign_in_fully
from tests.support.ideas import make_idea


def post(client, path: str, data: dict | None = None):
    return client.post(path, data={**(data or {}), "csrf_token": page_token(client, "/notifications")})


def unread_badge(client) -> str | None:
    page = client.get("/").get_data(as_text=True)
    marker = 'data-unread="'
    return page.split(marker, 1)[1].split('"', 1)[0] if marker in page else None


def test_the_header_counts_unread_and_opening_one_lands_on_its_place(client, people):
    idea = make_idea(people["submitter"], Stage.SUBMITTED, co_authors=(people["co_author"],))
    apply_action(idea, people["mentor"], "start_review", idea.version)
    db.session.commit()
    sign_in_fully(client, people["submitter"])
    assert unread_badge(client) == "1"
    inbox = client.get("/notifications").get_data(as_text=True)
    assert f"Priya Shah started reviewing FI-{idea.id}" in inbox and "Mark all read" in inbox
    note = db.session.scalar(select(Notification).where(Notification.user_id == people["submitter"].id))
    response = client.get(f"/notifications/{note.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ideas/{idea.id}#review-summary-heading"
    assert unread_badge(client) is None
    db.session.refresh(note)
    assert note.read_at is not None


def test_the_vote_form_is_where_a_recommendation_leads(client, people, create_user):
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"])
    note = db.session.scalar(select(Notification).where(Notification.user_id == people["committee"].id))
    sign_in_fully(client, people["committee"])
    response = client.get(f"/notifications/{note.id}/open")
    assert response.headers["Location"] == f"/committee/ideas/{idea.id}#your-vote"
    assert 'id="your-vote"' in client.get(response.headers["Location"]).get_data(as_text=True)


def test_mark_read_and_mark_all_read(client, people):
    make_idea(people["submitter"], Stage.SUBMITTED)
    make_idea(people["submitter"], Stage.SUBMITTED, title="Hand gel at every door")
    first, second = db.session.scalars(select(Notification).where(Notification.user_id == people["mentor"].id)
                                       .order_by(Notification.id)).all()
    sign_in_fully(client, people["mentor"])
    assert post(client, f"/notifications/{first.id}/read").status_code == 302
    assert unread_badge(client) == "1"
    response = post(client, "/notifications/read-all")
    assert response.status_code == 302
    assert "Marked 1 notification read." in client.get("/notifications").get_data(as_text=True)
    assert unread_badge(client) is None and second.id


def test_someone_elses_notification_does_not_exist(client, people):
    make_idea(people["submitter"], Stage.SUBMITTED)
    theirs = db.session.scalar(select(Notification).where(Notification.user_id == people["mentor"].id))
    sign_in_fully(client, people["other_mentor"])
    assert client.get(f"/notifications/{theirs.id}/open").status_code == 404
    assert post(client, f"/notifications/{theirs.id}/read").status_code == 404
    db.session.refresh(theirs)
    assert theirs.read_at is None


def test_preferences_are_saved_from_the_account_page(client, people):
    sign_in_fully(client, people["mentor"])
    assert "/account/notifications" in client.get("/account/password").get_data(as_text=True)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert KINDS["claimed"].label in page and "Daily digest e-mail" in page
    chosen = {name: "email" for name in KINDS} | {"submitted": "digest", "mention": "in_app"}
    response = client.post("/account/notifications",
                           data={**chosen, "csrf_token": page_token(client, "/account/notifications")})
    assert response.status_code == 302
    stored = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.delivery)
                                     .where(NotificationPreference.user_id == people["mentor"].id)).all())
    assert stored == {"submitted": "digest", "mention": "in_app"}


def test_a_bad_choice_is_refused_naming_the_field_and_nothing_is_saved(client, people):
    sign_in_fully(client, people["mentor"])
    chosen = {name: "email" for name in KINDS} | {"submitted": "digest", "mention": "carrier pigeon"}
    response = client.post("/account/notifications",
                           data={**chosen, "csrf_token": page_token(client, "/account/notifications")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"{KINDS['mention'].label}: choose how you want to hear about it." in page
    assert '<option selected value="digest">' in page  # the other choices are kept
    assert db.session.scalar(select(NotificationPreference)) is None


def test_the_inbox_needs_a_signed_in_user(client, people):
    assert client.get("/notifications").status_code == 302
    assert client.get("/account/notifications").status_code == 302
    assert people["admin"].has_role(Role.ADMIN)
