"""Typed refusals: a message for the user and, where one applies, the field it concerns."""


class Refusal(Exception):
    """An action the rules do not allow; views map subclasses to status codes."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(Refusal):
    """Input that is malformed or breaks a precondition (422)."""


class Forbidden(Refusal):
    """Seen, but not allowed to this user (403)."""

    status = 403


class Conflict(Refusal):
    """Someone else changed it first (409)."""

    status = 409


class NotYetPossible(Invalid):
    """A rule of the pipeline whose data arrives in a later part of the product (422)."""
