"""Co-author invitations (SPEC "Visibility"): only mentees can be named, and a named colleague counts
(sees, edits, is conflicted) only once they accept; each invitation and answer is audited."""
import pytest
from sqlalchemy import select

from ideas.accounts.models import Role
from ideas.database import db
from ideas.errors import Forbidden, Invalid
from ideas.pipeline.co_authors import answer_invitation
from ideas.pipeline.facts import idea_facts
from ideas.pipeline.models import CoAuthor, CoAuthorStatus, Idea
from ideas.pipeline.operations import create_draft, save_draft
from ideas.pipeline.workflow import Stage
from tests.conftest import page_token, sign_in, sign_in_fully
from tests.support.committee import approve_pilot
from tests.support.ideas import COMPLETE, a_unit, idea_events, make_idea


def answer(client, idea: Idea, choice: str, page: str | None = None):
    page = page or f"/ideas/{idea.id}"
    return client.post(f"/ideas/{idea.id}/invitation", data={"answer": choice, "csrf_token": page_token(client, page)})


@pytest.mark.parametrize("roles", [(Role.COMMITTEE,), (Role.MENTOR,), (Role.ADMIN,)])
def test_only_mentees_can_be_named(people, create_user, roles):
    colleague = create_user(*roles, name="Not A Mentee")
    idea = make_idea(people["submitter"])
    with pytest.raises(Invalid) as raised:
        save_draft(idea, people["submitter"], {"co_authors": [colleague.email]}, idea.version)
    assert raised.value.field == "co_authors"
    assert "Not A Mentee is not a mentee; only mentees can be co-authors" in raised.value.message
    with pytest.raises(Invalid):
        create_draft(people["submitter"], {"title": "x", "co_authors": [colleague.email]})


def test_naming_a_non_mentee_on_the_form_answers_422_and_keeps_the_text(client, people):
    sign_in(client, people["submitter"])
    response = client.post("/ideas/new", data={**COMPLETE, "unit": str(a_unit().id), "intent": "save",
                                               "co_authors": people["committee"].email,
                                               "csrf_token": page_token(client, "/ideas/new")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "only mentees can be co-authors" in html and COMPLETE["problem"] in html
    assert db.session.scalar(select(Idea)) is None


def test_a_named_colleague_is_invited_and_does_not_count_yet(client, people):
    idea = make_idea(people["submitter"], invited=(people["co_author"],))
    facts = idea_facts(idea)
    assert facts.co_author_ids == frozenset() and facts.invited_ids == {people["co_author"].id}
    assert [e.action for e in idea_events(idea)] == ["idea.created", "co_author.invited"]
    sign_in(client, people["co_author"])
    for page in ("/", "/ideas/mine", f"/ideas/{idea.id}"):
        html = client.get(page).get_data(as_text=True)
        assert "invited you to co-author" in html and f'action="/ideas/{idea.id}/invitation"' in html
    assert client.get(f"/ideas/{idea.id}/edit").status_code == 403  # reads, to decide; edits once accepted


def test_accepting_makes_a_co_author(client, people):
    idea = make_idea(people["submitter"], invited=(people["co_author"],))
    sign_in(client, people["co_author"])
    response = answer(client, idea, "accept")
    assert response.status_code == 302 and response.headers["Location"] == f"/ideas/{idea.id}"
    db.session.refresh(idea)
    assert [u.name for u in idea.co_authors] == ["Sam Rivera"] and idea.invited == []
    event = idea_events(idea)[-1]
    assert event.action == "co_author.accepted" and event.actor_id == people["co_author"].id
    assert event.changes == {"co_author": ("invited", "accepted")}
    assert client.get(f"/ideas/{idea.id}/edit").status_code == 200
    assert "invited you" not in client.get("/").get_data(as_text=True)


def test_declining_hides_the_idea_and_a_stale_form_does_not_invite_again(client, people):
    idea = make_idea(people["submitter"], invited=(people["co_author"],))
    sign_in(client, people["co_author"])
    assert answer(client, idea, "decline").headers["Location"] == "/ideas/mine"
    assert idea_events(idea)[-1].action == "co_author.declined"
    assert client.get(f"/ideas/{idea.id}").status_code == 404
    db.session.refresh(idea)
    save_draft(idea, people["submitter"], {"co_authors": [people["co_author"].email], "title": "Renamed"},
               idea.version)
    db.session.commit()
    row = db.session.scalar(select(CoAuthor).where(CoAuthor.idea_id == idea.id))
    assert row.status == CoAuthorStatus.DECLINED  # the submitter cannot insist


def test_the_submitter_sees_who_is_invited_and_who_declined(client, people, create_user):
    invited, declined = create_user(Role.MENTEE, name="Ivy Invited"), create_user(Role.MENTEE, name="Dan Declined")
    idea = make_idea(people["submitter"], co_authors=(people["co_author"],), invited=(invited, declined))
    answer_invitation(idea, declined, accept=False)
    db.session.commit()
    sign_in(client, people["submitter"])
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "with Sam Rivera" in html
    assert "Dan Declined (declined)" in html and "Ivy Invited (waiting for an answer)" in html
    edit = client.get(f"/ideas/{idea.id}/edit").get_data(as_text=True)
    assert "Ivy Invited: invited, waiting for an answer" in edit and "Sam Rivera: accepted" in edit


def test_only_the_invited_answer_and_only_with_accept_or_decline(app, client, people):
    idea = make_idea(people["submitter"], co_authors=(people["co_author"],), invited=(people["stranger"],))
    events = len(idea_events(idea))
    sign_in(client, people["co_author"])
    assert answer(client, idea, "accept").status_code == 403
    invitee = app.test_client()
    sign_in(invitee, people["stranger"])
    response = answer(invitee, idea, "maybe")
    assert response.status_code == 422 and "Your answer: choose accept or decline" in response.get_data(as_text=True)
    assert len(idea_events(idea)) == events and idea.invited == [people["stranger"]]


def test_once_at_the_committee_an_invitation_can_only_be_declined(client, people):
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"],
                     invited=(people["co_author"],))
    with pytest.raises(Invalid, match="only decline"):
        answer_invitation(idea, people["co_author"], accept=True)
    db.session.rollback()
    sign_in(client, people["co_author"])
    assert answer(client, idea, "accept").status_code == 422
    assert answer(client, idea, "decline").status_code == 302


def test_the_reviewing_mentor_cannot_accept(people, create_user):
    both = create_user(Role.MENTEE, Role.MENTOR)
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=both, invited=(both,))
    with pytest.raises(Forbidden, match="review this idea"):
        answer_invitation(idea, both, accept=True)


def test_committee_members_named_as_co_authors_can_still_vote(client, people, create_user):
    """The attack: name the committee so they cannot vote. Members who are not mentees cannot be named;
    a member who is also a mentee is only invited, and votes; the pilot is approved with their votes."""
    grace, lee = create_user(Role.COMMITTEE, name="Grace"), create_user(Role.COMMITTEE, name="Lee")
    kai = create_user(Role.COMMITTEE, Role.MENTEE, name="Kai")
    draft = make_idea(people["submitter"])
    with pytest.raises(Invalid, match="only mentees"):
        save_draft(draft, people["submitter"], {"co_authors": [grace.email, lee.email, kai.email]}, draft.version)
    db.session.rollback()
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"], invited=(kai,))
    assert idea_facts(idea).co_author_ids == frozenset()
    approve_pilot(idea, [kai, grace, lee])
    assert idea.stage == Stage.PILOT
    votes = [e for e in idea_events(idea) if e.action == "vote.cast"]
    assert {e.actor_id for e in votes} == {kai.id, grace.id, lee.id}
    sign_in_fully(client, kai)
    assert client.get(f"/committee/ideas/{idea.id}").status_code == 200
