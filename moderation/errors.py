"""Moderation's errors for the wire: a body that is empty or too long.

The pure engine raises EmptyBody / BodyTooLong (no Django there); `as_app_error` turns
them into these AppErrors, whose detail is a translated sentence saying what to fix.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from config.errors import AppError, ErrorCode
from moderation.engine import BodyTooLong, EmptyBody, SanitizeError


class EmptyMessage(AppError):
    code = ErrorCode.BAD_FRAME
    http_status = 400
    close_code = 4400

    def __init__(self) -> None:
        super().__init__(_("Type a message before sending it."), field="body")


class MessageTooLong(AppError):
    code = ErrorCode.TOO_LONG
    http_status = 400
    close_code = 4400

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            _(
                "A message can be at most {limit} characters; this one has {length}. "
                "Shorten it or split it into two messages."
            ).format(limit=limit, length=length),
            field="body",
        )
        self.length = length
        self.limit = limit


def as_app_error(error: SanitizeError) -> AppError:
    if isinstance(error, BodyTooLong):
        return MessageTooLong(error.length, error.limit)
    if isinstance(error, EmptyBody):
        return EmptyMessage()
    return EmptyMessage()


class ClaimedByOther(AppError):
    """Another monitor is working on the flag (their claim has not lapsed yet)."""

    code = ErrorCode.CONFLICT
    http_status = 409
    close_code = 4409
