"""CSRF on every unsafe request, the Content Security Policy and headers on every response."""
import pytest

from ideas.accounts.models import Role
from ideas.web import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD

EXPECTED_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert sorted(p.strip() for p in csp.split(";")) == sorted(p.strip() for p in EXPECTED_CSP.split(";"))
    assert "unsafe" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "HX-Request" in response.headers["Vary"]


def test_policy_is_the_one_security_md_names():
    assert len(CONTENT_SECURITY_POLICY) == 8


def test_headers_on_a_page(client):
    assert_security_headers(client.get("/sign-in"))


def test_headers_on_an_error_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert_security_headers(response)
    assert b"Not found" in response.data and b"Traceback" not in response.data


def test_headers_and_no_store_on_a_signed_in_fragment(client, signed_in):
    signed_in(Role.MENTEE)
    response = client.get("/", headers={"HX-Request": "true"})
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    assert "Strict-Transport-Security" in client.get("/sign-in", base_url="https://localhost").headers


def test_form_post_without_csrf_token_is_refused(client, create_user):
    user = create_user()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"expired" in response.data
    assert_security_headers(response)


def test_htmx_post_without_csrf_token_refreshes_the_page(client, create_user):
    user = create_user()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD},
                           headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.headers["HX-Refresh"] == "true"


def test_htmx_csrf_header_is_accepted(client, signed_in):
    signed_in(Role.MENTEE)
    page = client.get("/").get_data(as_text=True)
    from tests.conftest import csrf_token

    response = client.post("/sign-out", headers={"HX-Request": "true", "X-CSRFToken": csrf_token(page)})
    assert response.status_code == 302


def test_csrf_token_lives_as_long_as_a_session(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] >= app.config["SESSION_ABSOLUTE_HOURS"] * 3600


def test_page_has_no_inline_script_or_style(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert 'src="/vendor/htmx.min.js"' in html


@pytest.mark.parametrize("name", ["htmx.min.js", "pico.min.css"])
def test_vendor_assets_come_from_npm(client, name):
    response = client.get(f"/vendor/{name}")
    assert response.status_code == 200 and len(response.data) > 1000


def test_only_listed_vendor_files_are_served(client):
    assert client.get("/vendor/..%2Fpackage.json").status_code == 404
    assert client.get("/vendor/package.json").status_code == 404


def test_server_error_is_a_friendly_page(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret detail")

    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data and b"secret detail" not in response.data
