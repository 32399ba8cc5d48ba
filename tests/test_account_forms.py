"""Bad input on the account forms: a clear message naming the field, input kept, never a 500."""
import pytest

from ideas.accounts.models import Role
from tests.conftest import PASSWORD, page_token

HOSTILE = '<div hx-get="/sign-out" hx-trigger="load">x</div><script>alert(1)</script>@x.example'


@pytest.mark.parametrize(("email", "password", "message"), [
    ("", PASSWORD, "Enter your e-mail address."),
    ("nurse@hospital.example", "", "Enter your password."),
    ("not-an-email", PASSWORD, "Enter an e-mail address like"),
    ("a" * 300 + "@hospital.example", PASSWORD, "at most 254 characters"),
    ("nurse@hospital.example", "p" * 2000, "longer than any password"),
    (HOSTILE, PASSWORD, "Enter an e-mail address like"),
])
def test_sign_in_bad_input(client, email, password, message):
    response = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": page_token(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'aria-invalid="true"' in html
    if email and len(email) < 300:
        assert 'hx-get="/sign-out"' not in html and "<script>alert" not in html
        assert 'value="' in html
    assert PASSWORD not in html and "p" * 50 not in html  # never echo a password


def test_sign_in_keeps_the_email_typed(client):
    response = client.post("/sign-in", data={"email": "Nurse@Hospital.example", "password": "wrong one",
                                             "csrf_token": page_token(client)})
    assert 'value="Nurse@Hospital.example"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"current_password": ""}, "current_password", "Enter your current password."),
    ({"current_password": "wrong password"}, "current_password", "That is not your current password."),
    ({"new_password": "short"}, "new_password", "Use at least 12 characters"),
    ({"confirm_password": "something else entirely"}, "confirm_password", "not the same"),
    ({"new_password": "x" * 2000, "confirm_password": "x" * 2000}, "new_password", "at most 1024"),
])
def test_change_password_bad_input(client, signed_in, fields, field, message):
    signed_in(Role.MENTEE)
    data = {"current_password": PASSWORD, "new_password": "a fine new passphrase",
            "confirm_password": "a fine new passphrase", **fields,
            "csrf_token": page_token(client, "/account/password")}
    response = client.post("/account/password", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'id="{field}-error"' in html
    assert PASSWORD not in html and "a fine new passphrase" not in html


def test_two_factor_code_too_long(client, signed_in):
    signed_in(Role.ADMIN)
    response = client.post("/account/two-factor", data={"code": "1" * 50,
                                                        "csrf_token": page_token(client, "/account/two-factor")})
    assert response.status_code == 422 and b"The code has 6 digits." in response.data
