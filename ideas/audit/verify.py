"""Verify the audit trail in the database: the chain, its values, and the checkpoint."""
from flask import current_app
from sqlalchemy import exists, select

from ideas.audit import checkpoint
from ideas.audit.chain import ChainCheck, Report
from ideas.audit.models import AuditEvent
from ideas.audit.queries import stream_events
from ideas.database import db


def verify_trail() -> Report:
    """Walk the whole chain; the report names the first event that does not hold."""
    cfg = current_app.config
    key = cfg["AUDIT_KEY"]
    have_events = db.session.scalar(select(exists().where(AuditEvent.sequence.is_not(None))))
    anchor, checkpoint_problem = checkpoint.anchor(cfg["AUDIT_CHECKPOINT_PATH"], key, have_events)
    check = ChainCheck(key, anchor=anchor)
    for event in stream_events():
        if not check.add(event):
            break
    report = check.finish()
    if report.ok and checkpoint_problem is not None:
        report.problem = checkpoint_problem
    return report
