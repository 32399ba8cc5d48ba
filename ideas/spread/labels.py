"""The scale-up's field labels, for forms and messages alike."""

LABELS = {
    "status": "Status",
    "lead": "Unit lead",
    "planned_start": "Planned start",
    "started_on": "Started on",
    "adopted_on": "Adopted on",
    "sustainment_owner": "Sustainment owner",
    "notes": "Notes",
    "adaptations": "Local adaptations",
    "answer": "Did the change hold?",
    "note": "Note",
    "measure": "Measure",
    "value": "Fresh measurement",
}
