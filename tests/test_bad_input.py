"""One way to parse ids, page numbers and text: what each piece refuses, and how the refusal reads."""
import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select, text

from ideas.accounts.models import Role, UserSession
from ideas.audit.models import AuditEvent
from ideas.database import BIGINT_MAX, INTEGER_MAX, db, parse_int
from ideas.discussion.models import Comment
from ideas.forms import WebForm
from tests.conftest import PASSWORD, page_token
from tests.support.ideas import make_idea


@pytest.mark.parametrize(("value", "expected"), [
    ("7", 7), (7, 7), (str(INTEGER_MAX), INTEGER_MAX), (str(INTEGER_MAX + 1), None), ("0", None), ("-1", None),
    ("²", None), ("٣", None), (" 7", None), ("7\x00", None), ("", None), (None, None), (True, None), ("9" * 5000, None),
])
def test_parse_int_takes_ascii_digits_within_an_integer_column(value, expected):
    assert parse_int(value) == expected


def test_parse_int_takes_a_range():
    assert parse_int("0", 0) == 0 and parse_int(str(BIGINT_MAX), 0, BIGINT_MAX) == BIGINT_MAX
    assert parse_int(str(BIGINT_MAX + 1), 0, BIGINT_MAX) is None and parse_int("6", 1, 5) is None


def test_every_form_class_refuses_control_characters():
    def subclasses(cls):
        return [cls, *(sub for child in cls.__subclasses__() for sub in subclasses(child))]

    import ideas.models  # noqa: F401  (every feature, so every form class is defined)

    stray = [cls.__qualname__ for cls in subclasses(FlaskForm)[1:] if not issubclass(cls, WebForm)]
    assert stray == [], "forms must derive from ideas.forms.WebForm"


@pytest.mark.parametrize("path", ["/ideas/2147483648", "/ideas/9223372036854775808", "/ideas/99999999999999999999999",
                                  "/ideas/%C2%B2", "/ideas/%D9%A3", "/ideas/-1", "/ideas/0",
                                  "/admin/audit/events/9223372036854775808", "/review/2147483648/feasibility"])
def test_ids_no_database_can_hold_answer_404(client, signed_in, path):
    signed_in(Role.ADMIN, Role.MENTOR)
    response = client.get(path)
    assert response.status_code == 404 and b"Not found" in response.data


@pytest.mark.parametrize("page", ["9223372036854775808", "-1", "0", "²", "abc", "99999999"])
def test_any_page_number_answers_a_page(client, signed_in, page):
    signed_in(Role.ADMIN, Role.COMMITTEE)
    for path in ("/admin/users", "/committee/agenda", "/committee/meetings"):
        assert client.get(f"{path}?page={page}").status_code == 200, path


def test_a_control_character_in_a_query_answers_400_naming_it(client, signed_in):
    signed_in(Role.MENTEE)
    response = client.get("/ideas/people?q=ab%00c")
    assert response.status_code == 400 and "(in “q”)" in response.get_data(as_text=True)


def test_a_nul_in_a_comment_answers_422_naming_the_field_and_keeps_the_text(client, signed_in):
    user = signed_in(Role.MENTEE)
    idea = make_idea(user)
    response = client.post(f"/ideas/{idea.id}/comments", data={
        "body": "Night shift\r\nagrees\x00", "csrf_token": page_token(client, f"/ideas/{idea.id}")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Comment: remove the invisible control character (NUL, U+0000)" in html
    assert "Night shift\r\nagrees" in html
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_line_breaks_are_text_in_a_text_area_but_not_in_a_line(client, signed_in):
    signed_in(Role.MENTEE)
    token = page_token(client, "/ideas/new")
    response = client.post("/ideas/new", data={"title": "Falls\nchecklist", "problem": "Two\r\nlines\tand a tab",
                                                "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Title: remove the invisible control character (line break, U+000A)" in html
    # Once in the error summary, once by the title: the problem's lines and tab are fine.
    assert html.count("remove the invisible control character") == 2


def test_a_sign_in_with_a_line_break_in_next_goes_home_and_writes_only_the_sign_in(client, create_user, no_second_factor):
    user = create_user(Role.MENTEE)
    token = page_token(client, "/sign-in")
    response = client.post("/sign-in?next=/ideas%0D%0ALocation:%20https://elsewhere.example",
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id))] \
        == ["user.signed_in"]


def test_the_error_page_survives_a_failed_transaction(app, client, signed_in):
    @app.get("/test-broken-transaction")
    def broken():
        db.session.execute(text("SELECT * FROM no_such_table"))  # PostgreSQL: the transaction is now aborted

    app.config["PROPAGATE_EXCEPTIONS"] = False
    user = signed_in(Role.MENTEE)
    response = client.get("/test-broken-transaction")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong" in html
    assert user.name in html  # the page still read the signed-in user, after rolling back
