"""The chain's pure rules: canonical bytes, values, secrets, and checking a stream of events."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from ideas.accounts.models import Role
from ideas.audit.chain import GENESIS, WITHHELD, ChainCheck, StoredEvent, StoredValue, canonical, is_secret, \
    key_id, plain, seal, value_digest, value_text

KEY = "a test key"


def test_canonical_bytes_are_sorted_compact_utf8():
    assert canonical({"b": 1, "a": "café", "c": None}) == '{"a":"café","b":1,"c":null}'.encode()


def test_canonical_refuses_what_json_cannot_say_exactly():
    with pytest.raises(ValueError):
        canonical({"x": float("nan")})


def test_plain_values_have_no_floats_and_utc_times_end_in_z():
    moment = datetime(2026, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=1)))
    assert plain(moment) == "2026-03-01T13:30:00.000000Z"
    assert plain(Decimal("12.50")) == "12.50"
    assert plain(0.1) == "0.1"
    assert plain(date(2026, 3, 1)) == "2026-03-01"
    assert plain(Role.MENTOR) == "mentor"
    assert plain({Role.MENTOR, Role.ADMIN}) == ["admin", "mentor"]
    with pytest.raises(ValueError):
        plain(datetime(2026, 3, 1))


@pytest.mark.parametrize("name", ["password", "password_hash", "token_hash", "totp_secret", "session_id", "sid",
                                  "recovery_codes", "api_token"])
def test_secret_fields_are_withheld(name):
    assert is_secret(name)
    assert value_text(name, "hunter2") == f'"{WITHHELD}"'


@pytest.mark.parametrize("name", ["email", "name", "password_changed_at", "role", "active"])
def test_ordinary_fields_are_kept(name):
    assert not is_secret(name)


def make_chain(count: int, key: str = KEY) -> list[StoredEvent]:
    chain, prev = [], GENESIS
    for n in range(1, count + 1):
        fields = {"sequence": n, "key_id": key_id(key), "action": "test.event"}
        salt = "00" * 16
        digest = value_digest(key, salt, '"x"')
        data = canonical({**fields, "changes": {"f": {"new": digest}}})
        event = StoredEvent(n, prev, seal(key, prev, data), data, fields, (StoredValue("f", "new", '"x"', salt, digest),))
        chain.append(event)
        prev = event.hash
    return chain


def check(events, **options):
    checker = ChainCheck(KEY, **options)
    for event in events:
        if not checker.add(event):
            break
    return checker.finish()


def test_an_intact_chain_verifies():
    report = check(make_chain(5))
    assert report.ok and report.events == 5 and report.head == 5


def test_events_out_of_order_in_a_file_are_caught_where_the_order_breaks():
    chain = make_chain(5)
    chain[2], chain[3] = chain[3], chain[2]
    problem = check(chain).problem
    assert (problem.sequence, problem.kind) == (3, "missing")  # event 4 where 3 belongs: 3 is missing


def test_a_gap_is_missing_but_allowed_in_a_filtered_export():
    chain = make_chain(5)
    del chain[1]
    assert (check(chain).problem.sequence, check(chain).problem.kind) == (2, "missing")
    assert check(chain, complete=False).ok


def test_an_anchor_beyond_the_head_is_truncation():
    problem = check(make_chain(3), anchors={5: "f" * 64}).problem
    assert (problem.sequence, problem.kind) == (4, "truncated")


def test_an_anchor_on_nothing_says_the_trail_is_empty():
    problem = check([], anchors={3: "f" * 64}).problem
    assert (problem.sequence, problem.kind) == (1, "truncated") and "the trail is empty" in problem.detail


def test_an_anchor_the_chain_no_longer_holds_is_a_regrown_tail():
    chain, regrown = make_chain(5), make_chain(5, key=KEY)
    recorded = {3: chain[2].hash, 5: "e" * 64}  # event 5 was another event once
    assert check(chain, anchors={3: chain[2].hash}).ok
    problem = check(regrown, anchors=recorded).problem
    assert (problem.sequence, problem.kind) == (5, "regrown")


def test_another_key_is_named_as_a_bad_key():
    problem = check(make_chain(2, key="another key")).problem
    assert (problem.sequence, problem.kind) == (1, "bad key")


def test_summary_names_the_first_bad_sequence():
    chain = make_chain(3)
    chain[1] = StoredEvent(2, chain[1].prev_hash, chain[1].hash, chain[1].canonical.replace(b"test", b"TEST"),
                           chain[1].fields, chain[1].values)
    assert check(chain).summary().startswith("Audit trail FAILED at sequence 2: edited")
