"""The safety hold on the pages: the banner, the committee's form to clear it (routes × roles, bad input),
and the flags on the agenda, the committee's home card and the team's lists."""
import pytest

from ideas.committee.operations import recuse
from ideas.database import db
from ideas.pipeline.operations import apply_action, clear_safety_hold
from ideas.pipeline.workflow import Stage
from tests.conftest import page_token, sign_in_fully
from tests.support.holds import trip_stop_rule
from tests.support.ideas import idea_events, make_idea
from tests.test_pipeline_safety_hold import members, pilot  # noqa: F401  (fixtures: three members, Maya's pilot)

HTMX = {"HX-Request": "true"}
KINDS = ("submitter", "co_author", "stranger", "mentor", "other_mentor", "committee", "admin")
TRIP = "52 minutes on 4 Jan 2027 is above the stop threshold (45 minutes)"
REASON = "Reviewed at the March meeting: the long handover was a fire drill. The pilot may carry on."


@pytest.fixture
def held(people, pilot):
    """Maya's pilot, on safety hold: the handover took 52 minutes, over its stop threshold of 45."""
    trip_stop_rule(pilot, people["submitter"])
    return pilot


def clear_path(idea) -> str:
    return f"/ideas/{idea.id}/safety-hold/clear"


def post_clear(client, idea, reason: str | None = REASON, **kwargs):
    data = {"csrf_token": page_token(client, f"/ideas/{idea.id}")}
    if reason is not None:
        data["hold-reason"] = reason
    return client.post(clear_path(idea), data=data, **kwargs)


def hold_events(idea) -> list[str]:
    db.session.expire_all()
    return [e.action for e in idea_events(idea) if e.action.startswith("idea.safety_hold")]


@pytest.mark.parametrize("kind", KINDS)
def test_everyone_who_sees_the_idea_sees_the_banner_and_only_a_member_the_form(client, people, held, kind):
    sign_in_fully(client, people[kind])
    page = client.get(f"/ideas/{held.id}").get_data(as_text=True)
    assert 'id="safety-hold"' in page and "On safety hold" in page and TRIP in page
    assert "A stop rule tripped on " in page and "cannot complete or scale up" in page
    assert "put the idea on safety hold (a stop rule tripped)" in page  # the timeline's entry
    assert (clear_path(held) in page) is (kind == "committee")


def test_a_recused_member_gets_no_form(client, held, members):
    recuse(held, members[1], "I manage the unit this idea comes from.")
    db.session.commit()
    sign_in_fully(client, members[1])
    page = client.get(f"/ideas/{held.id}").get_data(as_text=True)
    assert "On safety hold" in page and clear_path(held) not in page
    assert post_clear(client, held).status_code == 403
    assert hold_events(held) == ["idea.safety_hold_placed"]


def test_no_banner_without_a_hold(client, people, members):
    idea = make_idea(people["submitter"], Stage.PILOT, mentor=people["mentor"], committee=tuple(members))
    sign_in_fully(client, people["committee"])
    assert 'id="safety-hold"' not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


@pytest.mark.parametrize("kind", KINDS)
def test_only_a_committee_member_clears_the_hold(client, people, held, kind):
    sign_in_fully(client, people[kind])
    response = post_clear(client, held)
    if kind == "committee":
        assert response.status_code == 302 and response.headers["Location"] == f"/ideas/{held.id}"
        assert hold_events(held) == ["idea.safety_hold_placed", "idea.safety_hold_cleared"]
        assert not held.safety_hold
        page = client.get(f"/ideas/{held.id}").get_data(as_text=True)
        assert "The safety hold is cleared" in page and "On safety hold" not in page and REASON in page
    else:
        assert response.status_code == 403
        assert hold_events(held) == ["idea.safety_hold_placed"] and held.safety_hold


@pytest.mark.parametrize("kind", ["stranger", "other_mentor"])
def test_an_idea_the_user_may_not_see_answers_404(client, people, held, kind):
    apply_action(held, None, "reapprove", held.version, difference="Pilot plan · aim: changed")  # not the showcase
    db.session.commit()
    sign_in_fully(client, people[kind])
    assert client.post(clear_path(held), data={"csrf_token": page_token(client, "/"), "hold-reason": REASON}
                       ).status_code == 404
    assert client.post("/ideas/99999/safety-hold/clear", data={"csrf_token": page_token(client, "/"),
                                                               "hold-reason": REASON}).status_code == 404
    assert hold_events(held) == ["idea.safety_hold_placed"]


def test_signed_out_is_sent_to_sign_in(client, held):
    response = client.post(clear_path(held), data={"hold-reason": REASON, "csrf_token": page_token(client, "/sign-in")})
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert hold_events(held) == ["idea.safety_hold_placed"]


def test_without_the_csrf_token_nothing_is_cleared(client, people, held):
    sign_in_fully(client, people["committee"])
    assert client.post(clear_path(held), data={"hold-reason": REASON}).status_code == 400
    assert hold_events(held) == ["idea.safety_hold_placed"]


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Say why the hold can be cleared"),
    (None, "Say why the hold can be cleared"),
    ("   ", "Say why the hold can be cleared"),
    ("Spoke to the patient, MRN 1234567, all fine.", "record number"),
    ("x" * 4001, "keep it under 4000 characters"),
])
def test_bad_input_is_refused_on_the_field_and_kept(client, people, held, reason, message):
    sign_in_fully(client, people["committee"])
    response = post_clear(client, held, reason)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'aria-invalid="true"' in page and 'id="hold-reason-error"' in page  # beside the reason field
    if reason and reason.strip():
        assert reason in page  # what they typed is still there
    assert hold_events(held) == ["idea.safety_hold_placed"] and held.safety_hold


def test_htmx_refusal_answers_the_banner_with_its_message_and_the_text(client, people, held):
    sign_in_fully(client, people["committee"])
    response = post_clear(client, held, "MRN 1234567 was fine", headers=HTMX)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and page.lstrip().startswith('<section id="safety-hold"')
    assert "MRN 1234567 was fine" in page and "<html" not in page and "HX-Request" in response.headers["Vary"]


def test_htmx_clearing_reloads_the_idea_page(client, people, held):
    sign_in_fully(client, people["committee"])
    response = post_clear(client, held, headers=HTMX)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"/ideas/{held.id}"
    assert not held.safety_hold


def test_clearing_a_hold_someone_cleared_first_is_a_conflict(client, people, held, members):
    sign_in_fully(client, people["committee"])
    token = page_token(client, f"/ideas/{held.id}")  # the form is on the page
    clear_safety_hold(held, members[1], "Cleared by Ada at the meeting.")
    db.session.commit()
    response = client.post(clear_path(held), data={"csrf_token": token, "hold-reason": REASON})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "not on safety hold: someone may have cleared it already" in page
    assert hold_events(held) == ["idea.safety_hold_placed", "idea.safety_hold_cleared"]
    htmx = client.post(clear_path(held), data={"csrf_token": token, "hold-reason": REASON}, headers=HTMX)
    assert htmx.status_code == 409 and "someone may have cleared it already" in htmx.get_data(as_text=True)


# --- flags where the hold matters --------------------------------------------------------------------

def test_the_committee_home_card_lists_ideas_on_hold(client, people, held):
    sign_in_fully(client, people["committee"])
    page = client.get("/").get_data(as_text=True)
    assert "On safety hold (1)" in page and f'/ideas/{held.id}#safety-hold' in page


def test_the_agenda_row_is_flagged_and_the_review_pack_carries_the_banner(client, people, held):
    apply_action(held, None, "reapprove", held.version, difference="Pilot plan · aim: changed")  # a round opens
    db.session.commit()
    sign_in_fully(client, people["committee"])
    for path in ("/committee/agenda", "/"):
        page = client.get(path).get_data(as_text=True)
        assert held.title in page and '<span class="badge badge-hold">On safety hold</span>' in page
    pack = client.get(f"/committee/ideas/{held.id}").get_data(as_text=True)
    assert TRIP in pack and clear_path(held) in pack


@pytest.mark.parametrize("kind", ["submitter", "co_author"])
def test_the_team_sees_the_flag_on_their_lists(client, people, held, kind):
    sign_in_fully(client, people[kind])
    for path in ("/", "/ideas/mine"):
        page = client.get(path).get_data(as_text=True)
        assert held.title in page and '<span class="badge badge-hold">On safety hold</span>' in page


def test_no_flags_without_a_hold(client, people, members):
    make_idea(people["submitter"], Stage.PILOT, mentor=people["mentor"], committee=tuple(members))
    sign_in_fully(client, people["submitter"])
    assert "badge-hold" not in client.get("/ideas/mine").get_data(as_text=True)
