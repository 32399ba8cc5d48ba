"""The difference from the approved plan, in words (pure)."""
from ideas.committee.difference import difference, summary

HAZARD = {"description": "Falls", "severity": 3, "likelihood": 3, "mitigation": "Huddle", "owner": "Ward manager"}


def test_no_change_no_difference():
    snapshot = {"plan": {"aim": "Fewer falls"}, "hazards": [HAZARD]}
    assert difference(snapshot, snapshot) == []


def test_field_changes_read_well():
    (change,) = difference({"plan": {"aim": "Fewer falls"}}, {"plan": {"aim": "Half the falls"}})
    assert str(change) == "Pilot plan · aim: “Fewer falls” → “Half the falls”"


def test_items_are_matched_by_name_not_position():
    other = {**HAZARD, "description": "Delays"}
    changes = difference({"hazards": [HAZARD, other]}, {"hazards": [other]})
    assert [str(c).split(":")[0] for c in changes] == ["Hazard “Falls”"]
    assert "removed" in str(changes[0])


def test_a_repeated_name_does_not_hide_a_removal():
    changes = difference({"hazards": [HAZARD, HAZARD]}, {"hazards": [HAZARD]})
    assert [c.where for c in changes] == ["Hazard “Falls (2)”"]


def test_a_long_summary_is_cut_to_fit_the_audit_reason():
    changes = difference({"plan": {f"f{i}": "a" * 100 for i in range(100)}}, {"plan": {}})
    assert len(summary(changes)) <= 3902 and summary(changes).endswith("…")
