"""The idea page's one timeline: audit events and comments, newest first."""
