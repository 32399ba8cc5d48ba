"""The patient-identifier guard (SPEC "Patient-identifier guard"): no Flask, no database.

Refused — each hit is a `Finding` naming what was found, in which field and where:
- medical record / hospital numbers: a run of 6–10 digits (1–3 letters may lead, single
  spaces or hyphens may group it) next to a word such as MRN, medical record, record no.,
  hospital number, patient (no./ID), case no., NHS, CHI, SSN or ID;
- NHS numbers: 10 digits, bare or grouped 3-3-4 by spaces or hyphens, whose modulus-11 check
  digit is valid — no keyword needed;
- US social security numbers: 3-2-4 digits grouped by hyphens or spaces;
- dates of birth: a date (12/03/1954, 1954-03-12, 12 March 1954, March 12, 1954) next to
  "DOB", "date of birth" or "born", or next to a person's name ("Mrs Patel", "John Smith");
- phone numbers of 9 or more digits: international (+44 20 7946 0958, 0044…), UK national
  (020 7946 0958, 07700 900123) and North American ((555) 234-5678, 555-234-5678);
- e-mail addresses.

Deliberately allowed, because ideas need them and they identify nobody: ward extensions
and bleeps ("ext 4321", "bleep 1234"), a date with no name or birth word next to it
("audited on 12/03/2024"), bed and bay numbers, drug doses ("500 mg", "2.5 mg/kg"),
percentages, years, counts and sums of money.
"""
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ideas.errors import Invalid

KIND_LABELS = {
    "email": "an e-mail address",
    "nhs_number": "an NHS number",
    "ssn": "a social security number",
    "mrn": "a medical record number",
    "date_of_birth": "a date of birth",
    "phone": "a phone number",
}


@dataclass(frozen=True)
class Finding:
    """One thing in the text that looks like a patient identifier."""

    kind: str
    field: str | None
    start: int
    end: int
    text: str
    before: str = ""  # the few words before it, to find it by
    after: str = ""

    @property
    def snippet(self) -> str:
        """The match with its middle hidden, enough to find it again."""
        if len(self.text) <= 6:
            return self.text[0] + "…"
        return f"{self.text[:2]}…{self.text[-2:]}"

    def where(self, field_label: str | None = None) -> str:
        """What it looks like, in which field, and the words around it: “…after handover, MRN 12…67 was…”."""
        field = f" in {field_label}" if field_label else ""
        return f"{KIND_LABELS[self.kind]}{field}, in “{self.before}{self.snippet}{self.after}”"


def identifiers_message(findings: list[Finding], labels: Mapping[str | None, str]) -> str:
    """Every identifier found, by field and the words around it, as one refusal; `labels` names the fields."""
    found = "; ".join(f.where(labels.get(f.field)) for f in findings)
    return (f"This looks like {found}. Frontline Ideas must hold no patient information: "
            f"remove {'it' if len(findings) == 1 else 'each'} or describe it without identifying anyone.")


def _words_around(text: str, start: int, end: int, words: int = 4) -> tuple[str, str]:
    before = text[:start].split()[-words:]
    after = text[end:].split()[:words]
    lead = ("…" if len(text[:start].split()) > words else "") + " ".join(before)
    tail = " ".join(after) + ("…" if len(text[end:].split()) > words else "")
    return (lead + " " if before and text[start - 1:start].isspace() else lead), \
           (" " + tail if after and text[end:end + 1].isspace() else tail)


_SEP = r"[ \-]"
_DIGIT_RUN = re.compile(rf"(?<![\w.])[A-Za-z]{{0,3}}\d(?:{_SEP}?\d){{5,11}}(?![\w])")
_RECORD_WORD_BEFORE = re.compile(
    r"\b(?:m\.?r\.?n|medical\s+record|record|hospital|hosp|patient|pt|case|nhs|chi|ssn|"
    r"social\s+security|unit\s+(?:number|no)|id|identifier)\b[\s.:#\-]*(?:(?:no|number|num|id|is|was)\b[\s.:#\-]*)*$",
    re.IGNORECASE,
)
_RECORD_WORD_AFTER = re.compile(r"^[\s(\[:\-]*(?:m\.?r\.?n|nhs|chi|ssn|hospital\s+(?:number|no))\b", re.IGNORECASE)

_NHS = re.compile(r"(?<![\w.\-+])(\d{3})([ \-]?)(\d{3})\2(\d{4})(?![\w\-])")
_SSN = re.compile(r"(?<![\w.\-+])(?!000|666|9\d\d)\d{3}([ \-])(?!00)\d{2}\1(?!0000)\d{4}(?![\w\-])")
_EMAIL = re.compile(r"[\w.%+\-]{1,64}@(?:[A-Za-z0-9\-]{1,63}\.){1,8}[A-Za-z]{2,24}\b")

_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|\b00)\s?[1-9](?:[ .\-]?\(?\d\)?){8,14}(?!\d)")
_PHONE_NATIONAL = re.compile(r"(?<![\w+])\(?0\d{2,4}\)?[ .\-]?\d{3,4}[ .\-]?\d{3,4}(?![\d\-])")
_PHONE_NORTH_AMERICA = re.compile(r"(?<![\w+])(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[ .\-])[2-9]\d{2}[ .\-]\d{4}(?![\d\-])")

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATES = (
    re.compile(r"(?<![\d/.\-])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\d/\-]|\.\d)"),
    re.compile(r"(?<![\d/.\-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d\-])"),
    re.compile(rf"(?<!\d)\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{2,4}}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.IGNORECASE),
)
_BIRTH_WORD_BEFORE = re.compile(
    r"\b(?:dob|d\.o\.b|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?)\b[\s.:\-]*$", re.IGNORECASE
)
_BIRTH_WORD_AFTER = re.compile(r"^[\s(\[,\-]*(?:dob|d\.o\.b|date\s+of\s+birth|born)\b", re.IGNORECASE)
_HONORIFIC_NAME = r"\b(?:Mr|Mrs|Ms|Miss|Mx|Master)\.?\s+(?:[A-Z]\.?\s+){0,2}[A-Z][a-z'\-]+"
_NAME_BEFORE = re.compile(rf"(?:{_HONORIFIC_NAME}|\b([A-Z][a-z'\-]+)\s+([A-Z][a-z'\-]+))[\s,:(\-]*$")
_NAME_AFTER = re.compile(rf"^[\s,:)\-]*{_HONORIFIC_NAME}")
# Capitalised words that are not names: a date after "Ward Round" or "On Monday" is no DOB.
_NOT_NAMES = frozenset("""
a an and as at audit board by bay bed clinic committee day department for from group hospital
in meeting monday tuesday wednesday thursday friday saturday sunday night of on report review
round shift since staff team the this trust unit until ward week january february march april
may june july august september october november december since after before during nurse
doctor theatre theatres outpatients emergency intensive care acute medicine surgery update
""".split())


def find_identifiers(text: str, field: str | None = None) -> list[Finding]:
    """Every patient-identifier-like match in `text`, in the order they appear."""
    if not text:
        return []
    candidates: list[Finding] = []
    for kind, spans in (
        ("email", _spans(_EMAIL, text)),
        ("phone", _phones(text, _PHONE_INTERNATIONAL)),  # a leading + or 00 says phone, whatever the digits
        ("nhs_number", _nhs_numbers(text)),
        ("ssn", _spans(_SSN, text)),
        ("mrn", _record_numbers(text)),
        ("date_of_birth", _dates_of_birth(text)),
        ("phone", _phones(text, _PHONE_NATIONAL, _PHONE_NORTH_AMERICA)),
    ):
        candidates.extend(Finding(kind, field, start, end, text[start:end], *_words_around(text, start, end))
                          for start, end in spans)
    kept: list[Finding] = []
    for finding in candidates:  # earlier kinds are more specific: they win an overlap
        if not any(finding.start < other.end and other.start < finding.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def scan(fields: Mapping[str, str | None]) -> list[Finding]:
    """The findings of every field, field by field."""
    return [finding for name, text in fields.items() for finding in find_identifiers(text or "", name)]


def _spans(pattern: re.Pattern, text: str):
    return [match.span() for match in pattern.finditer(text)]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def nhs_check_digit_valid(digits: str) -> bool:
    """The NHS number's modulus-11 check: weights 10..2 over the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str):
    return [m.span() for m in _NHS.finditer(text) if nhs_check_digit_valid(_digits(m.group()))]


def _record_numbers(text: str):
    spans = []
    for match in _DIGIT_RUN.finditer(text):
        if not 6 <= len(_digits(match.group())) <= 10:
            continue
        before = text[max(0, match.start() - 40):match.start()]
        lead = before + re.match(r"[A-Za-z]*", match.group()).group()  # "MRN1234567"
        after = text[match.end():match.end() + 20]
        if any(_RECORD_WORD_BEFORE.search(t) for t in (before, lead)) or _RECORD_WORD_AFTER.search(after):
            spans.append(match.span())
    return spans


def _phones(text: str, *patterns: re.Pattern):
    spans = []
    for pattern in patterns:
        spans.extend(m.span() for m in pattern.finditer(text) if 9 <= len(_digits(m.group())) <= 15)
    return spans


def _plausible_date(match: re.Match) -> bool:
    groups = match.groups()
    if not groups:  # a written month: the pattern itself is specific enough
        return True
    if len(groups[0]) == 4:  # year-month-day
        return 1 <= int(groups[1]) <= 12 and 1 <= int(groups[2]) <= 31
    first, second = int(groups[0]), int(groups[1])
    day_month = 1 <= first <= 31 and 1 <= second <= 12
    month_day = 1 <= first <= 12 and 1 <= second <= 31
    return day_month or month_day


def _dates_of_birth(text: str):
    spans = []
    for pattern in _DATES:
        for match in pattern.finditer(text):
            if _plausible_date(match) and _next_to_birth_word_or_name(text, *match.span()):
                spans.append(match.span())
    return spans


def _next_to_birth_word_or_name(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40):start]
    after = text[end:end + 30]
    if _BIRTH_WORD_BEFORE.search(before) or _BIRTH_WORD_AFTER.search(after) or _NAME_AFTER.search(after):
        return True
    name = _NAME_BEFORE.search(before)
    if name is None:
        return False
    if name.group(1) is None:  # honorific and surname
        return True
    return not {name.group(1).lower(), name.group(2).lower()} & _NOT_NAMES


def guarded_text(name: str, value: object, label: str, required: str | None = None, max_length: int = 4000) -> str:
    """Free text as stored: trimmed, within its length and free of patient identifiers; else Invalid on `name`.

    `required` is the message when it is empty (None: empty is allowed).
    """
    if value is not None and not isinstance(value, str):
        raise Invalid(f"{label}: expected text.", field=name)
    cleaned = (value or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if required and not cleaned:
        raise Invalid(required, field=name)
    if len(cleaned) > max_length:
        raise Invalid(f"{label}: keep it to {max_length} characters (it has {len(cleaned)}).", field=name)
    if findings := find_identifiers(cleaned, name):
        raise Invalid(identifiers_message(findings, {name: label}), field=name)
    return cleaned
