"""Errors shared by every layer. Pages and the API map these to responses in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A request that breaks a business rule; the message is fit to show to the user."""


class NotFound(DomainError):
    """The record does not exist, or the user may not know that it exists."""


class FeedError(DomainError):
    """A line of a journey event feed is invalid. Names the line and the field."""

    def __init__(self, line: int, field: str, message: str, event_id: str | None = None):
        self.line = line
        self.field = field
        self.message = message
        self.event_id = event_id
        where = f"line {line}" + (f" (event {event_id})" if event_id else "")
        super().__init__(f"{where}, field {field}: {message}")


class FeedErrors(DomainError):
    """Every invalid line of a batch; nothing from the batch was applied."""

    def __init__(self, errors: list[FeedError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:50])
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(
            f"{len(errors)} invalid line(s); nothing from this batch was applied:\n{shown}{more}"
        )
