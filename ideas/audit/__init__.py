"""The audit trail: sealed, chained events; the checkpoint; verify, export and redaction."""
from ideas.audit.writer import SYSTEM, record, record_refusal

__all__ = ["SYSTEM", "record", "record_refusal"]
