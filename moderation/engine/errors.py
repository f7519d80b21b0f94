"""Errors the pure engine raises: plain Python, no Django.

moderation/errors.py maps them to AppError subclasses with translated sentences.
"""

from __future__ import annotations


class SanitizeError(ValueError):
    """A body that cannot be posted as it is."""


class EmptyBody(SanitizeError):
    def __init__(self) -> None:
        super().__init__("The message is empty.")


class BodyTooLong(SanitizeError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"The message has {length} characters; the limit is {limit}.")
        self.length = length
        self.limit = limit


class RuleSyntaxError(ValueError):
    """A rule pattern that does not parse; the message says what is wrong."""
