"""Backups: the database, the audit checkpoint and its history in one checked archive, and restoring them."""
