"""Sign-in throttling (SECURITY.md, ASVS 6.3.1): failures per account at an address and per address,
so an attacker's guesses never lock the owner out; refusals and throttling are audited."""
import re
import time

import pyotp
import pytest
import time_machine

from ideas.accounts.models import Role
from tests.conftest import page_token, sign_in, sign_in_fully
from tests.support.audit import events

ATTACKER, OWNER = "198.51.100.66", "10.20.30.40"


def client_at(app, address: str):
    """A browser at this network address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def send_code(client, code: str):
    return client.post("/sign-in/code", data={"code": code, "csrf_token": page_token(client, "/sign-in/code")})


def wrong_code(user) -> str:
    """A well-formed code the app will not accept now."""
    totp = pyotp.TOTP(user.totp_secret)
    counter = int(time.time()) // totp.interval
    near = {totp.generate_otp(step) for step in (counter - 1, counter, counter + 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


@pytest.mark.parametrize("tries", [10, 20])
def test_wrong_passwords_from_one_address_do_not_lock_out_the_owner_elsewhere(app, create_user, tries):
    user = create_user()
    attacker, owner = client_at(app, ATTACKER), client_at(app, OWNER)
    with time_machine.travel("2026-11-24 09:00:00", tick=False) as clock:
        statuses = [sign_in(attacker, user, "wrong password!").status_code for _ in range(tries + 1)]
        assert statuses == [422] * 10 + [429] * (tries - 9)
        assert sign_in(attacker, user).status_code == 429  # even the right password, from there, for now
        assert sign_in(owner, user, "a typo of mine").status_code == 422  # the owner's own allowance
        assert sign_in(owner, user).status_code == 302
        clock.shift(16 * 60)
        assert sign_in(attacker, user).status_code == 302  # the cool-off is over: no permanent lock-out
    failed, throttled = events("user.sign_in_failed"), events("user.sign_in_rate_limited")
    assert [event.client_address for event in failed] == [ATTACKER] * 10 + [OWNER]
    assert len(throttled) == tries - 9 + 1 and {event.client_address for event in throttled} == {ATTACKER}
    assert [event.client_address for event in events("user.signed_in")] == [OWNER, ATTACKER]


def test_address_limit_covers_many_accounts_from_that_address_only(app, create_user):
    user = create_user()
    ward, elsewhere = client_at(app, ATTACKER), client_at(app, OWNER)
    with time_machine.travel("2026-11-24 09:00:00", tick=False):
        statuses = [sign_in(ward, f"guess{n}@hospital.example", "nope nope nope").status_code for n in range(55)]
        assert statuses == [422] * 50 + [429] * 5
        assert sign_in(ward, user).status_code == 429
        assert sign_in(elsewhere, user).status_code == 302


def test_unknown_user_and_wrong_password_are_throttled_alike(app, create_user):
    user = create_user()
    unknown, known = client_at(app, ATTACKER), client_at(app, OWNER)
    with time_machine.travel("2026-11-24 09:00:00", tick=False):
        answers = {name: [sign_in(client, email, "not the password") for _ in range(11)]
                   for name, client, email in (("unknown", unknown, "nobody@hospital.example"),
                                               ("known", known, user.email))}

    def seen(response):
        return response.status_code, re.sub(r'(content|value)="[^"]*"', "", response.get_data(as_text=True))

    assert [seen(r) for r in answers["unknown"]] == [seen(r) for r in answers["known"]]
    assert [r.status_code for r in answers["known"]] == [422] * 10 + [429]


def test_successful_sign_ins_do_not_count_against_the_limit(client, create_user):
    user = create_user()
    with time_machine.travel("2026-11-24 09:00:00", tick=False):
        for _ in range(12):
            assert sign_in(client, user).status_code == 302
            client.post("/sign-out", data={"csrf_token": page_token(client, "/")})


def test_wrong_codes_from_one_address_do_not_lock_out_the_owner_elsewhere(app, create_user):
    user = create_user(Role.COMMITTEE)  # enrolled in two-step sign-in; the attacker knows the password
    attacker, owner = client_at(app, ATTACKER), client_at(app, OWNER)
    with time_machine.travel("2026-11-24 09:00:00", tick=False) as clock:
        assert sign_in(attacker, user).headers["Location"] == "/sign-in/code"
        statuses = [send_code(attacker, wrong_code(user)).status_code for _ in range(12)]
        assert statuses == [422] * 10 + [429] * 2
        sign_in_fully(owner, user)
        clock.shift(16 * 60)
        owner.post("/sign-out", data={"csrf_token": page_token(owner, "/")})
        sign_in_fully(attacker, user)  # the owner, back at that address after the cool-off
    assert len(events("request.rate_limited")) == 2


def test_the_address_counts_password_and_code_failures_together(app, client, create_user):
    app.config["SIGNIN_LIMIT_ADDRESS"] = "3 per 15 minutes"
    user = create_user(Role.COMMITTEE)
    with time_machine.travel("2026-11-24 09:00:00", tick=False):
        assert [sign_in(client, "nobody@hospital.example", "not the password").status_code
                for _ in range(2)] == [422, 422]
        assert sign_in(client, user).headers["Location"] == "/sign-in/code"
        assert [send_code(client, wrong_code(user)).status_code for _ in range(2)] == [422, 429]
