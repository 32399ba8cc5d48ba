"""Comments on an idea: safe Markdown, @mentions of people who can see it, edits and removal, bad input, access."""
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from ideas.accounts.models import Role
from ideas.database import db
from ideas.discussion.mentions import mentioned_handles
from ideas.discussion.models import Comment, CommentMention
from ideas.discussion.operations import MAX_BODY, post_comment
from ideas.errors import Invalid
from ideas.pipeline.workflow import Stage
from tests.conftest import page_token, sign_in
from tests.support.ideas import idea_events, make_idea

pytestmark = pytest.mark.usefixtures("no_second_factor")

HOSTILE = """Look: <script>alert(1)</script> <img src=x onerror=alert(2)>
[click](javascript:alert(3)) <div hx-get="/ideas/new" hx-trigger="load">boo</div>
<span data-hx-post="/x" data-hx-trigger="load">x</span> <a href="/" onclick="alert(4)">a</a>"""


@pytest.fixture
def people(create_user):
    return {
        "submitter": create_user(Role.MENTEE, name="Maya Okafor", email="maya.okafor@hospital.example"),
        "co_author": create_user(Role.MENTEE, name="Sam Rivera", email="sam.rivera@hospital.example"),
        "stranger": create_user(Role.MENTEE, name="Uma Stranger", email="uma@hospital.example"),
        "mentor": create_user(Role.MENTOR, name="Priya Shah", email="priya@hospital.example"),
        "committee": create_user(Role.COMMITTEE, name="Grace Kim", email="grace@hospital.example"),
        "admin": create_user(Role.ADMIN, name="Quality Office", email="quality@hospital.example"),
    }


@pytest.fixture
def idea(people):
    return make_idea(people["submitter"], co_authors=(people["co_author"],))


def comment_form(client, idea, **fields) -> dict:
    return {"csrf_token": page_token(client, f"/ideas/{idea.id}"), **fields}


def test_mentions_are_read_from_the_text():
    assert mentioned_handles("Hi @Sam.Rivera and @priya, also @sam.rivera. Not me@x or a.b@c") == \
        ["sam.rivera", "priya"]


def test_hostile_markdown_is_inert_on_the_page(client, people, idea):
    sign_in(client, people["submitter"])
    response = client.post(f"/ideas/{idea.id}/comments", data=comment_form(client, idea, body=HOSTILE))
    assert response.status_code == 302
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    body = page.split('class="comment-body" hx-disable>', 1)[1].split("</div>", 1)[0]
    tags = Elements()
    tags.feed(body)
    assert {tag for tag, _ in tags.found} <= {"p", "a", "br"}, tags.found
    for _, attributes in tags.found:
        for name, value in attributes:
            assert not name.startswith(("on", "hx-", "data-")), name
            assert not (value or "").lower().startswith("javascript:"), value


class Elements(HTMLParser):
    """Every real element of an HTML fragment, with its attributes (escaped text is not an element)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def test_a_mention_of_someone_who_cannot_see_the_idea_is_refused(client, people, idea):
    sign_in(client, people["submitter"])
    text = "Could @uma look at this?"
    response = client.post(f"/ideas/{idea.id}/comments", data=comment_form(client, idea, body=text))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Uma Stranger (@uma) cannot see this idea" in page
    assert text in page
    assert db.session.scalar(select(Comment.id)) is None


def test_mentions_are_stored_and_recorded(app, people, idea):
    comment = post_comment(idea, people["submitter"], "Thanks @sam.rivera and @grace")
    db.session.commit()
    mentioned = set(db.session.scalars(select(CommentMention.user_id).where(CommentMention.comment_id == comment.id)))
    assert mentioned == {people["co_author"].id, people["committee"].id}
    posted = idea_events(idea)[-1]
    assert posted.action == "comment.posted"
    assert posted.changes["mentions"] == (None, ["Sam Rivera", "Grace Kim"])


@pytest.mark.parametrize(("text", "message"), [
    ("Hello @nobody", "Nobody active is called @nobody"),
    ("@priya please look", "Priya Shah (@priya) cannot see this idea"),  # a draft: not even a mentor sees it
])
def test_unknown_or_blind_mentions_raise(app, people, idea, text, message):
    with pytest.raises(Invalid, match=re.escape(message)):
        post_comment(idea, people["submitter"], text)


@pytest.mark.parametrize(("body", "message"), [
    ("", "it is empty"),
    ("   ", "it is empty"),
    ("x" * (MAX_BODY + 1), f"keep it under {MAX_BODY} characters"),
    ("Patient NHS number 943 476 5919 fell", "looks like an NHS number"),
    ("Ring me at jane.doe@example.com", "looks like an e-mail address"),
    ("'); DROP TABLE comments; -- \x00<script>", None),  # injection: stored as text, shown inert
])
def test_bad_comment_input_gets_a_clear_message_and_keeps_the_text(client, people, idea, body, message):
    sign_in(client, people["submitter"])
    response = client.post(f"/ideas/{idea.id}/comments", data=comment_form(client, idea, body=body))
    if message is None:
        assert response.status_code in (302, 422)
        assert client.get(f"/ideas/{idea.id}").status_code == 200
        return
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:400]
    assert message in page
    assert body.strip()[:200].replace("'", "&#39;") in page or not body.strip()
    assert db.session.scalar(select(Comment.id)) is None


def test_missing_csrf_token_is_refused_without_a_500(client, people, idea):
    sign_in(client, people["submitter"])
    response = client.post(f"/ideas/{idea.id}/comments", data={"body": "hello"})
    assert response.status_code in (400, 422)


def test_author_edits_and_removes_their_comment_with_audited_values(client, people, idea):
    comment = post_comment(idea, people["submitter"], "First thought")
    db.session.commit()
    sign_in(client, people["submitter"])
    path = f"/ideas/{idea.id}/comments/{comment.id}"
    response = client.post(f"{path}/edit", data=comment_form(client, idea, body="Second thought, @sam.rivera",
                                                             version=comment.version))
    assert response.status_code == 302
    db.session.refresh(comment)
    assert comment.body == "Second thought, @sam.rivera" and comment.edited_at is not None
    assert [m.user_id for m in comment.mentions] == [people["co_author"].id]
    response = client.post(f"{path}/delete", data=comment_form(client, idea, version=comment.version))
    assert response.status_code == 302
    db.session.refresh(comment)
    assert comment.removed and comment.body == ""
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Comment removed" in page and "Second thought" not in page
    edited, removed = idea_events(idea)[-2:]
    assert edited.action == "comment.edited"
    assert edited.changes["body"] == ("First thought", "Second thought, @sam.rivera")
    assert removed.action == "comment.deleted" and removed.changes["body"] == ("Second thought, @sam.rivera", None)


def test_an_edit_with_a_stale_version_is_refused_and_keeps_the_text(client, people, idea):
    comment = post_comment(idea, people["submitter"], "First thought")
    db.session.commit()
    sign_in(client, people["submitter"])
    response = client.post(f"/ideas/{idea.id}/comments/{comment.id}/edit",
                           data=comment_form(client, idea, body="My newer words", version=comment.version + 5))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "My newer words" in page and "changed while you had it open" in page


@pytest.mark.parametrize(("kind", "edit", "delete"), [
    ("submitter", 200, 302), ("co_author", 403, 403), ("committee", 403, 403), ("stranger", 404, 404),
])
def test_only_the_author_edits_or_removes_a_comment(client, people, idea, kind, edit, delete):
    comment = post_comment(idea, people["submitter"], "Mine")
    db.session.commit()
    sign_in(client, people[kind])
    path = f"/ideas/{idea.id}/comments/{comment.id}"
    assert client.get(f"{path}/edit").status_code == edit
    token = page_token(client, "/")
    assert client.post(f"{path}/delete", data={"csrf_token": token, "version": comment.version}).status_code == delete


ROUTES = [
    ("POST", "/ideas/{id}/comments", {"submitter": 302, "co_author": 302, "committee": 302, "admin": 302,
                                      "mentor": 404, "stranger": 404}),
    ("GET", "/ideas/{id}/mentions?body=hi+%40sa", {"submitter": 200, "committee": 200, "mentor": 404,
                                                  "stranger": 404}),
    ("GET", "/ideas/999999/mentions?body=%40sa", {"submitter": 404}),
    ("POST", "/ideas/999999/comments", {"submitter": 404}),
]
CASES = [(method, path, kind, status) for method, path, expected in ROUTES for kind, status in expected.items()]


@pytest.mark.parametrize(("method", "path", "kind", "status"), CASES)
def test_route_access_by_role(client, people, idea, method, path, kind, status):
    sign_in(client, people[kind])
    data = {"csrf_token": page_token(client, "/"), "body": "A thought"} if method == "POST" else None
    response = client.open(path.format(id=idea.id), method=method, data=data)
    assert response.status_code == status, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("path", ["/ideas/{id}/comments", "/ideas/{id}/comments/1/edit", "/ideas/{id}/mentions"])
def test_signed_out_goes_to_sign_in(client, idea, path):
    response = client.open(path.format(id=idea.id), method="POST" if path.endswith("comments") else "GET")
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "/sign-in" in response.headers["Location"]


def test_mention_suggestions_list_only_people_who_can_see_the_idea(client, people, create_user):
    idea = make_idea(people["submitter"], Stage.SUBMITTED, co_authors=(people["co_author"],))
    create_user(Role.MENTEE, name="Sara Outsider", email="sara@hospital.example")
    sign_in(client, people["submitter"])
    page = client.get(f"/ideas/{idea.id}/mentions", query_string={"body": "Thanks @sa"}).get_data(as_text=True)
    assert 'data-mention="sam.rivera"' in page
    assert "Sara Outsider" not in page
    assert client.get(f"/ideas/{idea.id}/mentions", query_string={"body": "no at sign"}).get_data(as_text=True).strip() == ""


def test_a_mention_shows_the_name_with_the_handle_beside_it(client, people, idea):
    post_comment(idea, people["submitter"], "Thanks @sam.rivera, and @Grace.")
    db.session.commit()
    sign_in(client, people["submitter"])
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert '<span class="mention"><strong>Sam Rivera</strong> <small>@sam.rivera</small></span>, and' in page
    assert '<span class="mention"><strong>Grace Kim</strong> <small>@Grace</small></span>.' in page
