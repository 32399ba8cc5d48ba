"""Verify the audit trail in the database: the chain, its values, the checkpoint and its history, the triggers."""
from flask import current_app
from sqlalchemy import exists, select

from ideas.audit import checkpoint
from ideas.audit.chain import ChainCheck, Report
from ideas.audit.models import AuditEvent
from ideas.audit.queries import stream_events
from ideas.audit.triggers import trigger_problems
from ideas.database import db


def verify_trail() -> Report:
    """Walk the whole chain, then name every problem: the chain's first bad event, and each other one."""
    cfg = current_app.config
    key = cfg["AUDIT_KEY"]
    have_events = db.session.scalar(select(exists().where(AuditEvent.sequence.is_not(None))))
    recorded = checkpoint.recorded(cfg["AUDIT_CHECKPOINT_PATH"], key, have_events)
    check = ChainCheck(key, anchors=recorded.anchors)
    for event in stream_events():
        if not check.add(event):
            break
    report = check.finish()
    report.checkpoint = recorded.checkpoint
    report.problems += recorded.problems + trigger_problems(db.session.connection())
    return report
