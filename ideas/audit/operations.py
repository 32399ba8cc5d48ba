"""Redaction: the one change the audit trail allows, itself an audited event."""
from ideas.accounts.models import User
from ideas.audit.models import AuditEvent
from ideas.audit.writer import record
from ideas.database import db
from ideas.errors import Invalid


def redactable_fields(event: AuditEvent) -> list[str]:
    """The fields of an event that still have a stored value."""
    return sorted({value.field for value in event.values if not value.redacted})


def redact(event: AuditEvent, field: str, reason: str, admin: User) -> AuditEvent:
    """Remove the stored old and new values of one field of an event (flushes, never commits).

    The chain keeps each value's digest, so it still verifies; the `audit.redacted` event
    names the event and field and records who did it, when and why.
    """
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Say why this value must be removed.", field="reason")
    values = [value for value in event.values if value.field == field and not value.redacted]
    if not values:
        raise Invalid("This event has no stored value of that field left to redact.", field="field")
    redaction = record("audit.redacted", entity=event, idea_id=event.idea_id, changes={"field": (None, field)},
                       reason=reason, actor=admin)
    for value in values:
        value.value = value.salt = None
        value.redacted_at, value.redacted_by_id, value.redacted_in = (
            redaction.occurred_at, admin.id, redaction.sequence)
    db.session.flush()
    return redaction
