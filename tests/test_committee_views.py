"""The committee's pages: who may use them, signed votes and decisions, conflicts refused by the server,
conditions, the agenda's queries, and what the idea's team sees of the committee."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ideas.accounts.models import Role
from ideas.clock import local_today, utcnow
from ideas.committee import views
from ideas.committee.models import CommitteeVote, Condition, Recusal, VotingRound
from ideas.committee.operations import create_meeting, recuse, schedule
from ideas.committee.queries import open_round
from ideas.database import db
from ideas.pipeline.operations import apply_action
from ideas.pipeline.workflow import Stage
from ideas.review import operations as review_ops
from ideas.review.queries import plan_of
from ideas.settings import get_setting
from tests.conftest import PASSWORD, page_token, sign_in_fully
from tests.support.audit import events
from tests.support.committee import vote
from tests.support.ideas import make_idea
from tests.support.reviews import complete_review
from tests.support.statements import statements_of

HTMX = {"HX-Request": "true"}
EXTREME_HAZARD = {"description": "Bed rails left down at night.", "severity": "5", "likelihood": "4",
                  "mitigation": "Rails checked at each round.", "owner": "Nurse in charge"}


@pytest.fixture
def idea(people):
    return make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"],
                     co_authors=(people["co_author"],))


@pytest.fixture
def members(people, create_user):
    """Three eligible committee members: Grace (of `people`), Ada and Ben."""
    return [people["committee"], create_user(Role.COMMITTEE, name="Ada Lovelace"),
            create_user(Role.COMMITTEE, name="Ben Carter")]


def post(client, path: str, data: dict, page: str = "/", **kwargs):
    return client.post(path, data={**data, "csrf_token": page_token(client, page)}, **kwargs)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def decision_data(action: str, version: int, **fields) -> dict:
    """A decision form's fields as the page names them (each decision form has its own prefix)."""
    data = {f"{action}-version": version}
    for name, value in fields.items():
        if name == "conditions":
            for n, row in enumerate(value):
                data.update({f"{action}-conditions-{n}-{key}": v for key, v in row.items()})
        else:
            data[f"{action}-{name}"] = value
    return data


def pack(idea) -> str:
    return f"/committee/ideas/{idea.id}"


def later(days: int = 30) -> str:
    return (local_today(get_setting("time_zone")) + timedelta(days=days)).isoformat()


def fresh(idea):
    db.session.expire_all()
    return idea


# Who may use each route ---------------------------------------------------------------------------

KINDS = ("submitter", "co_author", "stranger", "mentor", "other_mentor", "committee", "admin")
AGENDA = {"submitter": 403, "co_author": 403, "stranger": 403, "mentor": 403, "other_mentor": 403,
          "committee": 200, "admin": 200}
PACK = {"submitter": 403, "co_author": 403, "stranger": 404, "mentor": 403, "other_mentor": 404,
        "committee": 200, "admin": 200}
POSTS = [  # (path under the pack, data, status by kind): only the committee member acts; admin sees
    ("vote", {"vote": "approve", "comment": "Good.", "password": PASSWORD}, {"committee": 302, "admin": 403}),
    ("recuse", {"reason": "My sister runs the ward."}, {"committee": 302, "admin": 403}),
    ("decisions/return_to_mentor", {"return_to_mentor-reason": "Add a cost estimate."},
     {"committee": 302, "admin": 403}),
    ("decisions/approve_pilot", {"approve_pilot-password": PASSWORD}, {"committee": 422, "admin": 403}),
    ("decisions/decline", {"decline-reason": "No.", "decline-password": PASSWORD}, {"committee": 422, "admin": 403}),
]


@pytest.mark.parametrize("kind", KINDS)
def test_who_reads_the_agenda_and_the_review_pack(client, people, idea, kind):
    sign_in_fully(client, people[kind])
    assert client.get("/committee/agenda").status_code == AGENDA[kind]
    assert client.get(pack(idea)).status_code == PACK[kind]


@pytest.mark.parametrize(("path", "data", "allowed"), POSTS, ids=[p for p, _, _ in POSTS])
@pytest.mark.parametrize("kind", KINDS)
def test_who_votes_recuses_and_decides(client, people, idea, path, data, allowed, kind):
    sign_in_fully(client, people[kind])
    expected = allowed.get(kind, PACK[kind])
    action = path.removeprefix("decisions/")
    version = {f"{action}-version": idea.version} if path.startswith("decisions/") else {}
    response = post(client, f"{pack(idea)}/{path}", {**data, **version})
    assert response.status_code == expected, response.get_data(as_text=True)[:400]
    assert count(CommitteeVote) == (1 if expected == 302 and path == "vote" else 0)


@pytest.mark.parametrize("path", ["/committee/agenda", "/committee/ideas/{id}"])
def test_signed_out_goes_to_sign_in(client, idea, path):
    response = client.get(path.format(id=idea.id))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("path", ["vote", "recuse", "decisions/approve_pilot"])
def test_signed_out_posts_go_to_sign_in(client, idea, path):
    response = post(client, f"{pack(idea)}/{path}", {}, page="/sign-in")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_missing_idea_or_decision_is_404(client, people, idea):
    sign_in_fully(client, people["committee"])
    assert client.get("/committee/ideas/999999").status_code == 404
    assert post(client, f"{pack(idea)}/decisions/reopen", {}).status_code == 404


# The whole flow through the pages -------------------------------------------------------------------

def test_three_signed_votes_then_approval_with_a_condition(app, people, idea, members):
    comments = ["Sound plan.", "Measure handover length weekly.", "Agree."]
    for member, comment in zip(members, comments):
        client = app.test_client()
        sign_in_fully(client, member)
        page = client.get(pack(idea)).get_data(as_text=True)
        assert "Your vote is signed: re-enter your password." in page
        response = post(client, f"{pack(idea)}/vote", {"vote": "approve", "comment": comment, "password": PASSWORD},
                        page=pack(idea))
        assert response.status_code == 302, response.get_data(as_text=True)[:400]
        assert "Your vote is signed and recorded." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert [e.meaning for e in events("vote.cast")] == ["voted to approve; re-authenticated"] * 3

    html = client.get(pack(idea)).get_data(as_text=True)
    assert "You voted approve on" in html and "quorum reached (3 of 3); majority to approve" in html
    assert 'id="decide-approve_pilot"' in html and "Your decision is signed: re-enter your password." in html
    owner = people["co_author"]
    response = post(client, f"{pack(idea)}/decisions/approve_pilot", decision_data(
        "approve_pilot", fresh(idea).version, password=PASSWORD,
        conditions=[{"text": "", "owner": "", "due_on": ""},  # an empty row is skipped
                    {"text": "Brief the night staff first.", "owner": owner.id, "due_on": later()}]),
        page=pack(idea))
    assert response.status_code == 302 and response.headers["Location"] == f"/ideas/{idea.id}"
    assert fresh(idea).stage == Stage.PILOT
    condition = db.session.scalar(select(Condition))
    assert (condition.text, condition.owner_id, condition.due_on.isoformat()) == (
        "Brief the night staff first.", owner.id, later())
    assert events("idea.transition")[-1].meaning == "approved the pilot; re-authenticated"

    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Done: pilot approved. The idea is now in pilot." in html
    assert "Pilot approved" in html and "Sound plan." in html


def test_a_vote_through_htmx_refreshes_the_round_panel(client, people, idea):
    sign_in_fully(client, people["committee"])
    response = post(client, f"{pack(idea)}/vote", {"vote": "abstain", "comment": "", "password": PASSWORD},
                    page=pack(idea), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="round-panel"' in html
    assert "Your vote is signed and recorded." in html and "You voted abstain on" in html
    assert "HX-Request" in response.headers["Vary"]


def test_a_decision_through_htmx_sends_the_browser_to_the_idea_page(client, people, idea, members):
    vote(idea, members)
    sign_in_fully(client, members[1])
    response = post(client, f"{pack(idea)}/decisions/approve_pilot",
                    decision_data("approve_pilot", idea.version, password=PASSWORD), page=pack(idea), headers=HTMX)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"/ideas/{idea.id}"
    assert fresh(idea).stage == Stage.PILOT


# Signatures ---------------------------------------------------------------------------------------

WRONG = "not my password 123"


def test_a_vote_with_the_wrong_password_is_refused_and_audited(client, people, idea):
    sign_in_fully(client, people["committee"])
    response = post(client, f"{pack(idea)}/vote", {"vote": "reject", "comment": "Too costly.", "password": WRONG},
                    page=pack(idea))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="password-error"' in html and "that is not your password, so nothing was signed or saved" in html
    assert "Too costly." in html and '<input checked id="vote-1" name="vote" type="radio" value="reject">' in html
    assert WRONG not in html
    assert count(CommitteeVote) == 0
    assert [e.actor_id for e in events("signature.failed")] == [people["committee"].id]


def test_a_decision_with_the_wrong_password_is_refused_and_audited(client, people, idea, members):
    vote(idea, members)
    sign_in_fully(client, members[0])
    response = post(client, f"{pack(idea)}/decisions/approve_pilot", decision_data(
        "approve_pilot", idea.version, password=WRONG,
        conditions=[{"text": "Brief the night staff.", "owner": people["submitter"].id, "due_on": later()}]),
        page=pack(idea))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="approve_pilot-password-error"' in html and "that is not your password" in html
    assert WRONG not in html and "Brief the night staff." in html
    assert fresh(idea).stage == Stage.COMMITTEE_REVIEW and count(Condition) == 0
    assert len(events("signature.failed")) == 1


def test_without_a_password_nothing_is_signed(client, people, idea):
    sign_in_fully(client, people["committee"])
    response = post(client, f"{pack(idea)}/vote", {"vote": "approve", "password": ""}, page=pack(idea))
    assert response.status_code == 422 and "Your password: enter it again to sign." in response.get_data(as_text=True)
    assert count(CommitteeVote) == 0


def test_a_vote_without_a_choice_names_the_field(client, people, idea):
    sign_in_fully(client, people["committee"])
    response = post(client, f"{pack(idea)}/vote", {"comment": "Keep me.", "password": PASSWORD}, page=pack(idea))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="vote-error"' in html
    assert "Your vote: choose approve, reject or abstain." in html and "Keep me." in html


# Conflicts of interest, enforced by the server -----------------------------------------------------

CONFLICTS = ["submitter", "co_author", "mentor", "recused"]
REASONS = {"submitter": "you submitted it", "co_author": "you co-wrote it", "mentor": "you reviewed it as its mentor",
           "recused": "you declared a conflict of interest"}


@pytest.fixture
def conflicted(request, people, create_user):
    """An idea at committee review, and a committee member with the conflict named by the test's parameter."""
    kind = request.param
    member = create_user(Role.COMMITTEE, *({"submitter": [Role.MENTEE], "co_author": [Role.MENTEE],
                                            "mentor": [Role.MENTOR]}.get(kind, [])), name="Cara Conflicted")
    submitter = member if kind == "submitter" else people["submitter"]
    co_authors = (member,) if kind == "co_author" else ()
    mentor = member if kind == "mentor" else people["mentor"]
    idea = make_idea(submitter, Stage.COMMITTEE_REVIEW, mentor=mentor, co_authors=co_authors)
    if kind == "recused":
        recuse(idea, member, "I line-manage the submitter.")
        db.session.commit()
    return kind, member, idea


@pytest.mark.parametrize("conflicted", CONFLICTS, indirect=True)
def test_a_conflicted_member_is_told_why_and_refused_by_the_server(client, conflicted, create_user):
    kind, member, idea = conflicted
    others = [create_user(Role.COMMITTEE) for _ in range(3)]
    vote(idea, others)  # quorum with a majority to approve: only the conflict stands in the way
    sign_in_fully(client, member)
    html = client.get(pack(idea)).get_data(as_text=True)
    assert f"You cannot vote or decide on this idea: {REASONS[kind]}." in html
    assert 'action="/committee/ideas/%d/vote"' % idea.id not in html
    assert "decide-approve_pilot" not in html

    # Posted by hand all the same: refused, and nothing saved.
    voted = post(client, f"{pack(idea)}/vote", {"vote": "approve", "password": PASSWORD}, page=pack(idea))
    assert voted.status_code == 403
    for action, fields in [("approve_pilot", {"password": PASSWORD}),
                           ("return_to_mentor", {"reason": "Check the costs."})]:
        decided = post(client, f"{pack(idea)}/decisions/{action}", decision_data(action, fresh(idea).version, **fields),
                       page=pack(idea))
        assert decided.status_code == 403, (action, decided.get_data(as_text=True)[:300])
    assert count(CommitteeVote, CommitteeVote.member_id == member.id) == 0
    assert fresh(idea).stage == Stage.COMMITTEE_REVIEW
    assert len([e for e in events("gate.denied") if e.actor_id == member.id]) == 2


def test_declaring_a_conflict_through_the_page(client, people, idea):
    sign_in_fully(client, people["committee"])
    response = post(client, f"{pack(idea)}/recuse", {"reason": ""}, page=pack(idea))
    assert response.status_code == 422 and "Reason: say what the conflict of interest is." in response.get_data(
        as_text=True)
    response = post(client, f"{pack(idea)}/recuse", {"reason": "I work with the submitter every night."},
                    page=pack(idea))
    assert response.status_code == 302
    html = client.get(pack(idea)).get_data(as_text=True)
    assert "Recusals" in html and "I work with the submitter every night." in html
    assert "You cannot vote or decide on this idea: you declared a conflict of interest." in html
    assert "Declare a conflict of interest" not in html
    assert count(Recusal) == 1


def test_a_second_vote_is_not_offered_and_refused(client, people, idea):
    vote(idea, [people["committee"]], "reject")
    sign_in_fully(client, people["committee"])
    assert "You voted reject on" in client.get(pack(idea)).get_data(as_text=True)
    response = post(client, f"{pack(idea)}/vote", {"vote": "approve", "comment": "Changed my mind.",
                                                  "password": PASSWORD}, page=pack(idea))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "a signed vote is not changed" in html and "Changed my mind." in html


def test_an_administrator_sees_the_votes_but_does_not_vote(client, people, idea, members):
    vote(idea, members[:1], "approve", "Clear aim.")
    sign_in_fully(client, people["admin"])
    html = client.get(pack(idea)).get_data(as_text=True)
    assert "Only committee members vote." in html and "Grace Kim" in html and "Clear aim." in html
    assert "decide-" not in html


# Decisions: what is not possible yet, risk, conditions, stale forms --------------------------------

def test_the_pack_says_why_no_decision_is_possible_yet(client, idea, members, create_user):
    vote(idea, members[:1], "approve")
    vote(idea, members[1:2], "reject")
    sign_in_fully(client, members[2])
    assert "Not possible yet: The round has 2 of the 3 votes it needs for quorum." in client.get(
        pack(idea)).get_data(as_text=True)
    vote(idea, [create_user(Role.COMMITTEE)], "abstain")
    later_recused = create_user(Role.COMMITTEE, name="Rita Recused")
    vote(idea, [later_recused], "approve")
    recuse(idea, later_recused, "Joined the project.")  # her vote no longer counts: the round ties
    db.session.commit()
    html = client.get(pack(idea)).get_data(as_text=True)
    assert "The round has no majority to approve (1 approve, 1 reject, 1 abstain)." in html
    assert "The round has no majority to reject (1 approve, 1 reject, 1 abstain)." in html
    assert "recused, not counted" in html and "Joined the project." in html


@pytest.fixture
def extreme(people):
    """An idea at committee review whose worst hazard is extreme (5 × 4)."""
    idea = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    complete_review(idea, people["mentor"], hazards=(EXTREME_HAZARD,))
    apply_action(idea, people["mentor"], "recommend", idea.version)
    db.session.commit()
    return idea


def test_an_extreme_risk_needs_a_risk_acceptance(client, extreme, members):
    vote(extreme, members)
    sign_in_fully(client, members[0])
    html = client.get(pack(extreme)).get_data(as_text=True)
    assert "Required: the risk is extreme." in html
    response = post(client, f"{pack(extreme)}/decisions/approve_pilot",
                    decision_data("approve_pilot", extreme.version, password=PASSWORD, risk_acceptance=" "),
                    page=pack(extreme))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="approve_pilot-risk_acceptance-error"' in html
    assert "Risk acceptance: the risk is extreme" in html and fresh(extreme).stage == Stage.COMMITTEE_REVIEW
    accepted = "Accepted for a 4-week pilot with daily rail checks."
    response = post(client, f"{pack(extreme)}/decisions/approve_pilot", decision_data(
        "approve_pilot", extreme.version, password=PASSWORD, risk_acceptance=accepted), page=pack(extreme))
    assert response.status_code == 302 and fresh(extreme).stage == Stage.PILOT
    assert accepted in client.get(f"/ideas/{extreme.id}").get_data(as_text=True)


BAD_ROWS = [  # (the row, the message, a text of the user's that must come back)
    ({"text": "", "owner": "submitter", "due_on": "in30"}, "Condition 1: say what must be done.", None),
    ({"text": "Audit the checklist.", "owner": "", "due_on": "in30"}, "Condition 1: choose who owns it.",
     "Audit the checklist."),
    ({"text": "Audit the checklist.", "owner": "submitter", "due_on": "yesterday"},
     "Condition 1, due date: choose today or a later day.", "Audit the checklist."),
    ({"text": "Audit the checklist.", "owner": "submitter", "due_on": "31/02/2030"},
     "Condition 1, due date: give a date as YYYY-MM-DD.", "31/02/2030"),
    ({"text": "Call 07700 900123 first.", "owner": "submitter", "due_on": "in30"}, "Condition 1", "07700 900123"),
]


@pytest.mark.parametrize(("row", "message", "kept"), BAD_ROWS, ids=["no-text", "no-owner", "past", "bad-date",
                                                                    "identifier"])
def test_a_bad_condition_row_is_refused_beside_its_field(client, people, idea, members, row, message, kept):
    vote(idea, members)
    sign_in_fully(client, members[0])
    values = {"submitter": people["submitter"].id, "": "", "in30": later(), "yesterday": later(-1)}
    row = {key: values.get(value, value) for key, value in row.items()}
    good = {"text": "Brief the night staff.", "owner": people["mentor"].id, "due_on": later(14)}
    response = post(client, f"{pack(idea)}/decisions/approve_pilot", decision_data(
        "approve_pilot", idea.version, password=PASSWORD, conditions=[{"text": "", "owner": "", "due_on": ""}, row,
                                                                      good]),
        page=pack(idea))
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 422, html[:300]
    assert message in html
    field = next(name for name in ("text", "owner", "due_on") if f"approve_pilot-conditions-0-{name}-error" in html)
    assert f'id="approve_pilot-conditions-0-{field}-error"' in html  # the bad row is now the first on the page
    assert "Brief the night staff." in html and (kept is None or kept in html)
    assert f'<option selected value="{people["mentor"].id}">' in html  # the good row's owner is kept too
    assert PASSWORD not in html
    assert fresh(idea).stage == Stage.COMMITTEE_REVIEW and count(Condition) == 0 and count(VotingRound) == 1


def test_a_stale_decision_is_a_conflict_that_keeps_the_input(client, people, idea):
    sign_in_fully(client, people["committee"])
    response = post(client, f"{pack(idea)}/decisions/return_to_mentor",
                    decision_data("return_to_mentor", idea.version - 1, reason="Add the staffing cost."),
                    page=pack(idea))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed this idea" in html
    assert "Add the staffing cost." in html and f'value="{idea.version}"' in html
    assert fresh(idea).stage == Stage.COMMITTEE_REVIEW


def test_return_to_mentor_closes_the_round_and_the_next_recommend_opens_another(client, people, idea, members):
    vote(idea, members[:1], "reject", "Costs unclear.")
    first = open_round(idea.id)
    sign_in_fully(client, members[1])
    response = post(client, f"{pack(idea)}/decisions/return_to_mentor",
                    decision_data("return_to_mentor", idea.version, reason="Please add the staffing cost."),
                    page=pack(idea))
    assert response.status_code == 302
    db.session.expire_all()
    assert idea.stage == Stage.MENTOR_REVIEW and open_round(idea.id) is None
    assert (first.outcome, first.closed_at is not None) == ("return_to_mentor", True)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Returned to the mentor" in html and "Please add the staffing cost." in html and "· Ada Lovelace" in html

    apply_action(idea, people["mentor"], "recommend", idea.version)
    db.session.commit()
    second = open_round(idea.id)
    assert second is not None and second.id != first.id and count(VotingRound) == 2
    html = client.get(pack(idea)).get_data(as_text=True)
    assert "Earlier rounds" in html and "Costs unclear." in html and "No votes yet." in html


def test_decline_needs_a_majority_to_reject_and_a_reason(client, people, idea, members):
    vote(idea, members, "reject")
    sign_in_fully(client, members[0])
    response = post(client, f"{pack(idea)}/decisions/decline",
                    decision_data("decline", idea.version, password=PASSWORD, reason=""), page=pack(idea))
    assert response.status_code == 422 and 'id="decline-reason-error"' in response.get_data(as_text=True)
    response = post(client, f"{pack(idea)}/decisions/decline",
                    decision_data("decline", idea.version, password=PASSWORD, reason="Done hospital-wide already."),
                    page=pack(idea))
    assert response.status_code == 302 and fresh(idea).stage == Stage.DECLINED


def test_the_pack_shows_the_changes_since_the_approved_version(client, people, create_user):
    committee = [create_user(Role.COMMITTEE) for _ in range(3)]
    idea = make_idea(people["submitter"], Stage.PILOT, mentor=people["mentor"], committee=committee)
    plan = plan_of(idea.id)
    review_ops.save_plan(idea, people["mentor"], {"aim": "Reduce night-time falls on 4B by 50% by 30 June.",
                                                  "units": [u.id for u in plan.units],
                                                  "planned_start": plan.planned_start, "planned_end": plan.planned_end,
                                                  "data_collection": plan.data_collection}, plan.version)
    db.session.commit()
    assert fresh(idea).stage == Stage.COMMITTEE_REVIEW
    sign_in_fully(client, committee[0])
    html = client.get(pack(idea)).get_data(as_text=True).replace("&#34;", '"')
    assert "Changes since the approved version" in html
    assert "Pilot plan · aim" in html and "by 50% by 30 June" in html
    assert "Pilot approved" in html  # the earlier round, with its outcome


# The idea page --------------------------------------------------------------------------------------

def test_the_team_sees_the_tally_and_comments_without_names(client, people, idea, members):
    vote(idea, members[:2], "approve", "Sound plan.")
    vote(idea, members[2:], "reject", "Too costly for nights.")
    sign_in_fully(client, people["submitter"])
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Committee" in html and "Voting in progress" in html
    assert "2 approve" in html and "1 reject" in html
    assert "Sound plan." in html and "Too costly for nights." in html
    assert "Who voted what is seen by the committee only." in html
    assert not any(m.name in html for m in members)
    assert '">approve</span>' not in html and '">reject</span>' not in html
    assert "/committee/ideas/" not in html


def test_committee_sees_who_voted_what_and_decisions_lead_to_the_pack(client, people, idea, members):
    vote(idea, members[1:], "approve", "Sound plan.")
    vote(idea, members[:1], "reject", "Too costly.")
    sign_in_fully(client, members[1])
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Ada Lovelace" in html and '">reject</span>' in html and "Open the review pack" in html
    assert f'href="/committee/ideas/{idea.id}?decide=approve_pilot#decide-approve_pilot"' in html
    assert f'href="/committee/ideas/{idea.id}?decide=return_to_mentor#decide-return_to_mentor"' in html
    assert f"/ideas/{idea.id}/actions/approve_pilot" not in html
    assert '<details id="decide-approve_pilot" class="decision" open>' in client.get(
        f"{pack(idea)}?decide=approve_pilot").get_data(as_text=True)


def test_no_committee_section_before_a_round(client, people):
    early = make_idea(people["submitter"], Stage.MENTOR_REVIEW, mentor=people["mentor"])
    sign_in_fully(client, people["submitter"])
    assert 'id="committee-heading"' not in client.get(f"/ideas/{early.id}").get_data(as_text=True)


# The agenda -------------------------------------------------------------------------------------------

def test_the_agenda_lists_open_rounds_oldest_first_with_what_matters(app, client, people, idea, members,
                                                                     create_user):
    make_idea(people["stranger"], Stage.COMMITTEE_REVIEW, mentor=people["other_mentor"], title="Quiet hours")
    make_idea(people["submitter"], Stage.PILOT, mentor=people["mentor"], committee=members, title="Already approved")
    first = open_round(idea.id)
    first.opened_at = utcnow() - timedelta(days=40)  # over the 30-day limit
    vote(idea, members[:2], "approve")
    vote(idea, members[2:], "reject")
    recuse(idea, members[2], "Joined the project.")
    meeting = create_meeting(members[0], {"title": "December committee", "held_on": later(7)})
    schedule(first, meeting, members[0])
    db.session.commit()
    sign_in_fully(client, people["admin"])
    html = client.get("/committee/agenda").get_data(as_text=True)
    assert html.index("Night-time falls checklist") < html.index("Quiet hours")
    assert "Already approved" not in html and "2 items on the agenda" in html
    assert "40 days (over the 30-day limit)" in html
    assert '<span class="band band-high">high</span>' in html and "Proceed to a pilot" in html
    assert "2 approve · 0 reject · 0 abstain" in html  # the recused member's vote is not counted
    assert "December committee" in html and "not scheduled" in html
    home = app.test_client()
    sign_in_fully(home, create_user(Role.COMMITTEE))
    card = home.get("/").get_data(as_text=True)
    assert "Night-time falls checklist" in card and 'href="/committee/agenda"' in card


def test_the_agenda_pages(client, people, members, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    titles = [f"Idea number {n}" for n in range(3)]
    for title in titles:
        make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"], title=title)
    sign_in_fully(client, members[0])
    first = client.get("/committee/agenda").get_data(as_text=True)
    assert titles[0] in first and titles[2] not in first and "page 1 of 2" in first
    second = client.get("/committee/agenda?page=2", headers=HTMX).get_data(as_text=True)
    assert titles[2] in second and titles[0] not in second and "<html" not in second
    assert "There is no page 9" in client.get("/committee/agenda?page=9").get_data(as_text=True)


def test_the_agenda_and_the_home_card_run_the_same_queries_for_2_items_or_20(client, people, members, create_user):
    def add(n: int) -> None:
        for _ in range(n):
            new = make_idea(create_user(Role.MENTEE), Stage.COMMITTEE_REVIEW, mentor=people["mentor"])
            vote(new, members[:1], "approve", "Fine.")
            recuse(new, members[1], "Know the team.")
            schedule(open_round(new.id), meeting, members[0])
            db.session.commit()

    meeting = create_meeting(members[0], {"title": "Monthly", "held_on": later(3)})
    add(2)
    sign_in_fully(client, members[2])

    def queries(path: str) -> int:
        found = []
        statements = statements_of(lambda: found.append(client.get(path)))
        assert found[0].status_code == 200
        return len(statements)

    few = (queries("/committee/agenda"), queries("/"))
    add(18)
    assert (queries("/committee/agenda"), queries("/")) == few
    assert "20 items on the agenda" in client.get("/committee/agenda").get_data(as_text=True)
