"""The engine's entry points for Django code: the same functions, AppErrors out.

messaging.services.post_message calls `moderate(body, rules=rules_for_circle(circle),
previous=...)`; a body that is empty or too long raises EmptyMessage / MessageTooLong
(AppError), which the consumer turns into an `error` frame.
"""

from __future__ import annotations

from collections.abc import Sequence

from moderation import engine
from moderation.engine import MAX_BODY_CHARS, RuleSet, SanitizeError, Verdict
from moderation.errors import as_app_error


def sanitize(body: str, *, max_length: int = MAX_BODY_CHARS) -> str:
    """The body as stored: control characters removed, breaks normalised, stripped."""
    try:
        return engine.sanitize(body, max_length=max_length)
    except SanitizeError as error:
        raise as_app_error(error) from None


def moderate(
    text: str,
    *,
    rules: RuleSet,
    previous: Sequence[str] = (),
    max_length: int = MAX_BODY_CHARS,
) -> Verdict:
    """The verdict on `text` (see moderation.engine.moderate)."""
    try:
        return engine.moderate(
            text, rules=rules, previous=previous, max_length=max_length
        )
    except SanitizeError as error:
        raise as_app_error(error) from None
