"""The pilot records' field labels, for forms and messages alike."""

LABELS = {
    "change_tested": "Change tested",
    "plan": "Plan",
    "do": "Do",
    "study": "Study",
    "act": "Act",
    "started_on": "Started on",
    "ended_on": "Ended on",
    "observed_on": "Date",
    "value": "Value",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "note": "Note",
    "reason": "Reason",
    "file": "CSV file",
}
