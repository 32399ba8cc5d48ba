"""Exports carry hashes, canonical bytes and values, so an outsider holding the key can verify them."""
import csv
import io
import json

import pytest

from ideas.accounts.models import Role
from ideas.audit import record
from ideas.audit.export import verify_export
from ideas.audit.operations import redact
from ideas.extensions import db
from tests.support.audit import changes, events

KEY = "test-audit-key"  # TestConfig's AUDIT_KEY


@pytest.fixture
def trail(create_user):
    """An admin, events of ideas 7 and 8, one with a formula-like reason and a value later redacted."""
    admin = create_user(Role.ADMIN, name="=HYPERLINK(\"http://evil.example\")")
    record("idea.created", idea_id=7, changes={"title": (None, "Falls at night")})
    record("idea.edited", idea_id=8, reason="-1+1", changes={"problem": ("", "Patient J. Smith, MRN 1234567")})
    record("idea.edited", idea_id=7, changes={"title": ("Falls at night", "Fewer falls at night")})
    db.session.commit()
    return admin


def export(runner, tmp_path, fmt: str, *options: str) -> str:
    path = tmp_path / f"export.{fmt}"
    result = runner.invoke(args=["audit", "export", "--format", fmt, "--output", str(path), *options])
    assert result.exit_code == 0, result.output
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_round_trips_through_the_export_verifier(runner, tmp_path, trail, fmt):
    export(runner, tmp_path, fmt)
    result = runner.invoke(args=["audit", "verify-export", str(tmp_path / f"export.{fmt}")])
    assert result.exit_code == 0, result.output
    assert "Export verified: 5 events (1–5)" in result.output


def test_exporting_is_itself_an_audit_event_and_the_export_runs_through_it(runner, tmp_path, trail):
    data = json.loads(export(runner, tmp_path, "json"))
    [exported] = events("audit.exported")
    assert data["export"]["through"] == exported.sequence == data["events"][-1]["sequence"]
    assert exported.reason == "JSON export of the whole trail"


def test_the_csv_keeps_formulas_inert_and_carries_hashes(runner, tmp_path, trail):
    rows = list(csv.DictReader(io.StringIO(export(runner, tmp_path, "csv"), newline="")))
    assert rows[0]["actor_name"] == "system" and rows[1]["reason"] == ""
    assert rows[2]["reason"] == "'-1+1"
    assert json.loads(rows[0]["canonical"])["sequence"] == 1 and len(rows[0]["hash"]) == 64
    assert rows[-1]["sequence"] == "#seal"


def test_an_export_of_one_idea_holds_only_its_events_and_verifies(runner, tmp_path, trail):
    data = json.loads(export(runner, tmp_path, "json", "--idea", "7"))
    assert [e["fields"]["idea_id"] for e in data["events"]] == [7, 7, 7]  # the export event names the idea
    assert data["export"]["complete"] is False and data["export"]["filter"] == {"idea_id": 7}
    assert verify_export(json.dumps(data), KEY).ok


def test_an_export_to_standard_output(runner, trail):
    result = runner.invoke(args=["audit", "export", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.output)["export"]["complete"] is True


def test_redacted_values_still_verify_in_an_export(runner, tmp_path, trail):
    redact(events("idea.edited")[0], "problem", "Patient identifiers slipped past the guard", trail)
    db.session.commit()
    data = json.loads(export(runner, tmp_path, "json"))
    assert "J. Smith" not in json.dumps(data)
    report = verify_export(json.dumps(data), KEY)
    assert report.ok and report.redacted == 2


def edited(data: dict, change) -> str:
    change(data)
    return json.dumps(data)


def drop_second(data):
    del data["events"][1]


def rename_actor(data):
    data["events"][0]["fields"]["actor_name"] = "Someone Else"


def forge_reason(data):
    data["events"][2]["canonical"] = data["events"][2]["canonical"].replace("-1+1", "0")


def edit_value(data):
    data["events"][1]["values"][1]["value"] = '"Nothing to see"'


def garble_salt(data):
    data["events"][1]["values"][0]["salt"] = ["not", "hex"]


@pytest.mark.parametrize(("change", "sequence", "kind"), [
    (drop_second, 2, "missing"), (rename_actor, 1, "edited"), (forge_reason, 3, "edited"), (edit_value, 2, "edited"),
    (garble_salt, 2, "edited"),
])
def test_a_tampered_export_is_caught(runner, tmp_path, trail, change, sequence, kind):
    path = tmp_path / "tampered.json"
    path.write_text(edited(json.loads(export(runner, tmp_path, "json")), change))
    result = runner.invoke(args=["audit", "verify-export", str(path)])
    assert result.exit_code == 1
    assert f"Export FAILED at sequence {sequence}: {kind}" in result.output


def test_a_shortened_filtered_export_is_caught_by_its_seal(runner, tmp_path, trail):
    data = json.loads(export(runner, tmp_path, "json", "--idea", "7"))
    del data["events"][1]
    report = verify_export(json.dumps(data), KEY)
    assert report.problem.kind == "edited" and "seal" in report.problem.detail


def test_an_export_checked_with_another_key_fails(runner, tmp_path, trail):
    report = verify_export(export(runner, tmp_path, "csv"), "some other key")
    assert (report.problem.sequence, report.problem.kind) == (1, "bad key")


@pytest.mark.parametrize("content", ["not an export", '{"export": {}}', "a,b\n1,2\n"])
def test_a_file_that_is_not_an_export_is_refused_clearly(runner, tmp_path, content):
    path = tmp_path / "other.txt"
    path.write_text(content)
    result = runner.invoke(args=["audit", "verify-export", str(path)])
    assert result.exit_code == 1 and "not a readable audit export" in result.output


def test_the_redacted_value_is_gone_and_named(trail):
    event = events("idea.edited")[0]
    redaction = redact(event, "problem", "Patient identifiers", trail)
    db.session.commit()
    assert changes(event)["problem"] == (None, None)
    assert all(v.redacted_at and v.redacted_by_id == trail.id and v.redacted_in == redaction.sequence
               for v in event.values)
    assert (redaction.action, redaction.entity_type, redaction.entity_id, redaction.idea_id) == (
        "audit.redacted", "audit_events", str(event.sequence), 8)
    assert changes(redaction) == {"field": (None, "problem")}
