"""The patient-identifier guard: what it refuses, what it lets through, and that it never raises."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ideas.pipeline.identifier_guard import find_identifiers, identifiers_message, nhs_check_digit_valid, scan

REFUSED = [
    # medical record and hospital numbers next to their words
    ("mrn", "Patient MRN 1234567 fell twice"),
    ("mrn", "MRN: 00123456"),
    ("mrn", "mrn#9876543"),
    ("mrn", "M.R.N. 12345678"),
    ("mrn", "MRN1234567 was on the ward"),
    ("mrn", "hospital number 7654321"),
    ("mrn", "Hosp no. A1234567"),
    ("mrn", "the record number is 12-345-678"),
    ("mrn", "patient no. 123456"),
    ("mrn", "patient ID 8765432109"),
    ("mrn", "case no 555123"),
    ("mrn", "seen as 1234567 (MRN) yesterday"),
    ("mrn", "Pt 7654321 needed a hoist"),
    # NHS numbers: valid modulus-11 check digit, any grouping
    ("nhs_number", "NHS 943 476 5919"),
    ("nhs_number", "number 9434765919 on the wristband"),
    ("nhs_number", "401-023-2137"),
    ("nhs_number", "(4010232102)"),
    # US social security numbers
    ("ssn", "SSN 123-45-6789"),
    ("ssn", "her social is 234 56 7890 and"),
    # dates of birth
    ("date_of_birth", "DOB 12/03/1954"),
    ("date_of_birth", "d.o.b: 1954-03-12"),
    ("date_of_birth", "date of birth 3 March 1948"),
    ("date_of_birth", "born on March 3, 1948 in"),
    ("date_of_birth", "Mrs Patel 12/03/1954 fell"),
    ("date_of_birth", "Mr J. Smith, 01.02.39"),
    ("date_of_birth", "John Smith (12/03/1954) needed"),
    ("date_of_birth", "12/03/1954 (DOB) was recorded"),
    ("date_of_birth", "on 4th of July 1950 Miss Jones"),
    # phone numbers
    ("phone", "call +44 20 7946 0958 for help"),
    ("phone", "+44 (0)20 7946 0958"),
    ("phone", "0044 161 496 0000"),
    ("phone", "daughter on 07700 900123"),
    ("phone", "ring 020 7946 0958 today"),
    ("phone", "tel 01632 960001"),
    ("phone", "(555) 234-5678"),
    ("phone", "555-234-5678"),
    ("phone", "+1 415 555 2671"),
    # e-mail addresses
    ("email", "write to maya.okafor@nhs.example.uk please"),
    ("email", "j_smith+ward@hospital.org"),
]

ALLOWED = [
    "Ward phone ext 4321 is always busy",
    "bleep 1234 for the night team",
    "x4321",
    "Audited on 12/03/2024, we found seven falls",
    "From 2024-01-01 to 2024-03-31 the rate fell",
    "Ward Round 12/03/2024 showed delays",
    "Falls Audit 12/03/2024",
    "On Monday 12/03/2024 the team met",
    "Bed 12 and bay 4 have no call bell",
    "Give paracetamol 1 g four times daily; 500 mg tablets; 2.5 mg/kg",
    "Compliance rose from 45% to 87.5%",
    "Since 2019 and again in 2023",
    "We saved £1,250,000 a year and 1,500,000 steps",
    "Over 12 000 patient contacts per year",
    "Version 2.10.3 of the protocol",
    "Room 4B-12, bed 3",
    "The budget is 1000000 pounds",
    "Call 999 or 111",
    "Our patient safety score was 123456 points",  # a number after "patient safety", not a record
    "We recorded 1234567 steps",
    "Between 09:00 and 17:30",
    "NEWS2 score of 5 or more",
    "Fluid balance: 2500 ml in, 1800 ml out",
    "@mention the charge nurse",
    "4010232103",  # ten digits failing the NHS check digit, no record word, not a phone
    "",
]


@pytest.mark.parametrize(("kind", "text"), REFUSED)
def test_refuses_patient_identifiers(kind, text):
    findings = find_identifiers(text, "problem")
    assert [f.kind for f in findings] == [kind], findings
    finding = findings[0]
    assert finding.field == "problem"
    assert text[finding.start:finding.end] == finding.text
    assert any(ch.isdigit() or ch == "@" for ch in finding.text)


@pytest.mark.parametrize("text", ALLOWED)
def test_allows_what_identifies_nobody(text):
    assert find_identifiers(text) == []


def test_message_names_what_and_where_without_repeating_it_whole():
    findings = find_identifiers("Fell twice on the night shift, MRN 1234567. Seen at 02:00 by the nurse in charge.",
                                "problem")
    message = identifiers_message(findings, {"problem": "Problem at the bedside"})
    assert "a medical record number in Problem at the bedside, in “…the night shift, MRN 12…67. Seen at 02:00…”" \
        in message
    assert "1234567" not in message and "character" not in message


def test_message_lists_every_identifier_by_field():
    findings = scan({"title": "Falls", "problem": "DOB 12/03/1954 and MRN 1234567", "evidence": "ask a@b.org"})
    message = identifiers_message(findings, {"problem": "Problem at the bedside", "evidence": "Evidence"})
    assert message.count(" in Problem at the bedside, in “") == 2 and "an e-mail address in Evidence, in “ask a@…rg”" in message


def test_scan_reports_each_field():
    findings = scan({"title": "Falls", "problem": "DOB 12/03/1954", "evidence": "ask a@b.org", "tags": None})
    assert [(f.field, f.kind) for f in findings] == [("problem", "date_of_birth"), ("evidence", "email")]


def test_several_findings_in_order_without_overlap():
    text = "MRN 1234567, phone 07700 900123, e-mail x@y.org"
    assert [f.kind for f in find_identifiers(text)] == ["mrn", "phone", "email"]


@pytest.mark.parametrize(("digits", "valid"), [
    ("9434765919", True), ("4010232137", True), ("9434765918", False), ("123456789", False), ("12345678ab", False),
])
def test_nhs_check_digit(digits, valid):
    assert nhs_check_digit_valid(digits) is valid


@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text):
    for finding in find_identifiers(text, "f"):
        assert 0 <= finding.start < finding.end <= len(text)


@given(st.text(alphabet="0123456789 -+()./:@MRNDOBmrnob", max_size=200))
def test_never_raises_on_digit_soup(text):
    find_identifiers(text)


def test_long_hostile_text_is_quick():
    import time

    text = ("0" * 30 + " ") * 500 + "a" * 20_000 + "@" + "b." * 5000
    started = time.perf_counter()
    find_identifiers(text)
    assert time.perf_counter() - started < 2
