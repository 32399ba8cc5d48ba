"""The timeline speaks in sentences with names: no event codes, ids, "True"/"False" or unit numbers;
one person's consecutive autosaves read as one entry."""
import re
from datetime import datetime
from pathlib import Path

from ideas.audit.words import ACTIONS
from ideas.pipeline.workflow import Stage
from ideas.timeline.entries import EVENT_KINDS, NOT_SHOWN, Change, Entry, Kind, grouped
from tests.conftest import sign_in
from tests.support.ideas import make_idea

IDEAS = Path(__file__).resolve().parents[1] / "ideas"
# Events about people, places and the system, never on an idea's timeline.
NOT_ABOUT_AN_IDEA = ("user.", "site.", "unit.", "setting.", "pairing.", "audit.", "request.", "meeting.",
                     "signature.", "gate.", "restored")


def recorded_actions() -> set[str]:
    """Every audit action the code records: literal `record("…")` calls and the actions save helpers are given."""
    texts = [path.read_text() for path in IDEAS.rglob("*.py")]
    recorded = {action for text in texts for action in re.findall(r'record(?:_refusal)?\(\s*"([a-z_.]+)"', text)}
    return recorded | {action for text in texts for action in re.findall(
        r'"((?:hazard|measure|pdsa|target_unit|sustainment)\.[a-z_]+)"', text)}


def test_every_event_an_idea_can_have_is_named_in_words():
    unnamed = {a for a in recorded_actions()
               if a not in EVENT_KINDS and a not in NOT_SHOWN and not a.startswith(NOT_ABOUT_AN_IDEA)}
    assert not unnamed


def test_the_audit_page_names_every_action_in_words():
    assert {a for a in recorded_actions() if a not in ACTIONS and a not in EVENT_KINDS} == set()


def edit(minute: int, who: str, **changes) -> Entry:
    return Entry(sequence=minute, occurred_at=datetime(2026, 12, 1, 9, minute), kind=Kind.EDITS, action="idea.edited",
                 actor_name=who, label="edited the idea", reason=None,
                 changes=tuple(Change(f, f.capitalize(), old, new) for f, (old, new) in changes.items()))


def test_consecutive_autosaves_of_one_person_read_as_one_entry():
    newest_first = [edit(3, "Maya", title=("Falls check", "Night falls check")),
                    edit(2, "Maya", title=("Falls", "Falls check"), problem=("", "Falls at night.")),
                    edit(1, "Sam", title=("", "Falls")),
                    edit(0, "Maya", title=("", ""))]
    entries = grouped(newest_first)
    assert [(e.actor_name, e.saves) for e in entries] == [("Maya", 2), ("Sam", 1), ("Maya", 1)]
    assert {c.field: (c.old, c.new) for c in entries[0].changes} == {
        "title": ("Falls", "Night falls check"), "problem": ("", "Falls at night.")}


def test_the_idea_page_names_measures_units_and_answers_in_words(client, people):
    idea = make_idea(people["submitter"], Stage.COMMITTEE_REVIEW, mentor=people["mentor"])
    sign_in(client, people["mentor"])
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    timeline = html[html.index('id="timeline"'):]
    assert "added a measure to the pilot plan" in timeline
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b(?![^<]*@)", re.sub(r"<[^>]+>", " ", timeline).replace("e.g.", ""))
    assert not re.search(r">\s*(True|False)\s*<", timeline)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", timeline))
    assert "Pilot units Ward 4B (Riverside General Hospital)" in words
    assert "Voting on Committee review" in words and "committee_review" not in words
    assert "Direction of improvement Lower is better" in words and "Baseline 6.5" in words and "30.0" not in words
