"""Sign-in as SECURITY.md's table says: argon2id, no enumeration, safe `next`."""
import re

from argon2 import PasswordHasher

from ideas.accounts.models import Role, User
from ideas.config import Config
from ideas.extensions import db
from tests.conftest import PASSWORD, make_app, page_token, sign_in


def argon2_parameters(encoded: str) -> dict[str, int]:
    match = re.match(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", encoded)
    assert match, encoded
    return dict(zip("mtp", map(int, match.groups())))


def test_production_hash_is_argon2id_above_owasp_minimum(databases, tmp_path):
    url = databases.fresh()
    app = make_app(url, tmp_path, PASSWORD_TIME_COST=Config.PASSWORD_TIME_COST,
                   PASSWORD_MEMORY_KIB=Config.PASSWORD_MEMORY_KIB, PASSWORD_PARALLELISM=Config.PASSWORD_PARALLELISM)
    with app.app_context():
        from ideas.accounts.operations import create_user

        user = create_user("prod@hospital.example", "Prod", {Role.MENTEE}, PASSWORD)
        params = argon2_parameters(user.password_hash)
        db.session.rollback()
        db.engine.dispose()
    databases.drop(url)
    assert params["m"] >= 19 * 1024 and params["t"] >= 2


def test_outdated_hash_is_upgraded_at_sign_in(client, create_user):
    user = create_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=16, parallelism=2).hash(PASSWORD)
    db.session.commit()
    assert sign_in(client, user).status_code == 302
    db.session.expire_all()
    assert argon2_parameters(db.session.get(User, user.id).password_hash)["p"] == 1


def test_sign_in_lands_home(client, create_user):
    user = create_user(Role.MENTOR)
    response = sign_in(client, user)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert b"My review queue" in client.get("/").data


def test_unknown_user_and_wrong_password_answer_alike(client, create_user):
    user = create_user()
    unknown = sign_in(client, "nobody@hospital.example", "whatever password")
    wrong = sign_in(client, user, "not the password")

    def normalised(response):
        return re.sub(r'(content|value)="[^"]*"', "", response.get_data(as_text=True))

    assert unknown.status_code == wrong.status_code == 422
    assert normalised(unknown) == normalised(wrong)
    assert "do not match an active account" in wrong.get_data(as_text=True)


def test_inactive_user_cannot_sign_in(client, create_user):
    user = create_user()
    user.active = False
    db.session.commit()
    assert sign_in(client, user).status_code == 422


def test_next_stays_on_this_site(client, create_user):
    user = create_user()
    for target in ["https://elsewhere.example/", "//elsewhere.example", "/\\elsewhere.example", "javascript:alert(1)"]:
        token = page_token(client)
        response = client.post("/sign-in", query_string={"next": target},
                               data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert response.headers["Location"] == "/", target
        client.post("/sign-out", data={"csrf_token": page_token(client, "/")})
    token = page_token(client)
    response = client.post("/sign-in?next=/account/password",
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/account/password"


def test_signed_out_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/account/password")


def test_htmx_request_when_signed_out_redirects_the_whole_page(client):
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/sign-in")
