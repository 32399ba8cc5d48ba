"""Each two-step sign-in page for each role: signed-out visitors sign in; everyone else manages their own."""
import pytest

from ideas.accounts.models import Role
from tests.conftest import page_token

ROUTES = [("GET", "/account/two-factor"), ("POST", "/account/two-factor"), ("GET", "/account/two-factor/replace"),
          ("POST", "/account/two-factor/replace"), ("POST", "/account/two-factor/recovery-codes")]
ENROLLED = {  # admin and committee come enrolled: status page, replace page, refusals of empty forms
    ("GET", "/account/two-factor"): 200, ("POST", "/account/two-factor"): 422,
    ("GET", "/account/two-factor/replace"): 200, ("POST", "/account/two-factor/replace"): 422,
    ("POST", "/account/two-factor/recovery-codes"): 422,
}
NOT_ENROLLED = {  # mentees and mentors may set it up; there is nothing to replace or recover yet
    **ENROLLED, ("GET", "/account/two-factor/replace"): 302, ("POST", "/account/two-factor/replace"): 302,
}


def test_the_routes_are_all_listed(app):
    found = {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/account/two-factor")
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert found == set(ROUTES)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_signed_out_visitors_are_sent_to_sign_in(client, method, path):
    response = client.open(path, method=method, data={"csrf_token": page_token(client)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("role", list(Role))
def test_each_role(client, signed_in, role):
    signed_in(role)
    expected = ENROLLED if role in (Role.ADMIN, Role.COMMITTEE) else NOT_ENROLLED
    for method, path in ROUTES:
        response = client.open(path, method=method, data={"csrf_token": page_token(client, "/")})
        assert response.status_code == expected[method, path], (role, method, path)
