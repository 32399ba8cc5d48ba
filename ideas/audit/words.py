"""The audit page in words: what each event did, as a sentence, and what it was done to. Pure."""
from ideas.timeline.entries import EVENT_KINDS

ACTIONS = {
    "user.created": "added a user", "user.updated": "changed a user's details", "user.roles_changed": "changed a user's roles",
    "user.deactivated": "deactivated a user", "user.reactivated": "reactivated a user",
    "user.signed_in": "signed in", "user.signed_out": "signed out", "user.session_expired": "was signed out after a pause",
    "user.sign_in_failed": "tried to sign in with a wrong password", "user.sign_in_code_failed": "gave a wrong sign-in code",
    "user.sign_in_rate_limited": "was stopped after too many sign-in attempts",
    "user.reauthentication_failed": "gave a wrong password to confirm an action",
    "user.password_changed": "changed a password", "user.two_factor_enrolled": "set up two-step sign-in",
    "user.two_factor_replaced": "moved two-step sign-in to a new device",
    "user.two_factor_reset": "reset a user's two-step sign-in", "user.recovery_codes_issued": "got new recovery codes",
    "user.recovery_code_used": "signed in with a recovery code",
    "site.created": "added a site", "site.renamed": "renamed a site", "unit.created": "added a unit",
    "unit.renamed": "renamed a unit", "setting.changed": "changed a setting",
    "pairing.created": "paired a mentee with a mentor", "pairing.ended": "ended a mentor pairing",
    "meeting.created": "scheduled a committee meeting", "meeting.updated": "updated a committee meeting's record",
    "audit.redacted": "removed a stored value from the audit trail", "audit.exported": "exported the audit trail",
    "request.rate_limited": "was slowed down for sending too many requests",
    "gate.denied": "was refused a pipeline step", "signature.failed": "gave a wrong password to sign a decision",
    "comment.edited": "edited a comment", "comment.deleted": "removed a comment",
    "restored": "restored the database from a backup",
}
ENTITIES = {"users": "User", "ideas": "Idea", "sites": "Site", "units": "Unit", "settings": "Setting",
            "comments": "Comment", "hazards": "Hazard", "measures": "Measure", "reviews": "Review",
            "pilot_plans": "Pilot plan", "rounds": "Committee round", "votes": "Vote", "conditions": "Condition",
            "meetings": "Meeting", "pairings": "Mentor pairing", "observations": "Observation",
            "pdsa_cycles": "PDSA cycle", "audit_events": "Audit event", "pilot_results": "Pilot results",
            "target_units": "Target unit", "sustainment_checks": "Sustainment check"}


def sentence(action: str) -> str:
    """What the actor did: "added a hazard", never "hazard.added"."""
    if action in ACTIONS:
        return ACTIONS[action]
    kind = EVENT_KINDS.get(action)
    return kind.label if kind else "recorded a change"


def entity(entity_type: str | None) -> str:
    return ENTITIES.get(entity_type or "", (entity_type or "").replace("_", " ").capitalize())
