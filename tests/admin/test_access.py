"""Only administrators reach /admin/: every admin URL × every role (SECURITY.md, access control)."""
import pytest

from ideas.accounts.models import Role
from tests.conftest import csrf_token, sign_in_fully


def admin_requests(app) -> list[tuple[str, str]]:
    """(method, path) for every admin route, with 1 for every id."""
    requests = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "1")
            requests += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return requests


def test_the_admin_blueprint_has_the_pages_we_test(app):
    paths = {path for _, path in admin_requests(app)}
    assert {"/admin/users", "/admin/users/new", "/admin/sites", "/admin/pairings", "/admin/settings"} <= paths


def call(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    page = client.get("/sign-in")
    if page.status_code == 302:  # signed in already: any page of ours carries the token
        page = client.get("/")
    token = csrf_token(page.get_data(as_text=True))
    return client.open(path, method=method, data={"csrf_token": token})


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    for method, path in admin_requests(app):
        response = call(client, method, path)
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/sign-in?next="), (method, path)


@pytest.mark.parametrize("role", [Role.MENTEE, Role.MENTOR, Role.COMMITTEE])
def test_other_roles_are_refused(app, client, create_user, role):
    sign_in_fully(client, create_user(role))
    for method, path in admin_requests(app):
        assert call(client, method, path).status_code == 403, (method, path)


def test_a_user_with_every_role_but_admin_is_refused(app, client, create_user):
    sign_in_fully(client, create_user(Role.MENTEE, Role.MENTOR, Role.COMMITTEE))
    for method, path in admin_requests(app):
        assert call(client, method, path).status_code == 403, (method, path)


def test_admins_get_through(app, client, admin):
    for method, path in admin_requests(app):
        assert call(client, method, path).status_code not in (401, 403, 500), (method, path)


def test_the_nav_shows_admin_only_to_admins(client, create_user):
    mentor = create_user(Role.MENTOR)
    sign_in_fully(client, mentor)
    assert b'href="/admin/users"' not in client.get("/").data


def test_the_nav_links_admins_to_administration(client, admin):
    assert b'href="/admin/users"' in client.get("/").data
