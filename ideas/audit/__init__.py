"""The audit trail: sealed, chained events; the checkpoint; verify, export and redaction."""
from ideas.audit.writer import record, record_refusal

__all__ = ["record", "record_refusal"]
