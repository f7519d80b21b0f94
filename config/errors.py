"""Errors shared by every app: a machine code for programs, a sentence for people.

Sockets turn an AppError into an `error` frame (or a close code at connect); views turn
it into a JSON body with `http_status`. Codes are wire values from DESIGN.md.
"""

from __future__ import annotations

import json
from enum import StrEnum

from django.utils.translation import gettext as _


class ErrorCode(StrEnum):
    BAD_JSON = "bad_json"
    BAD_FRAME = "bad_frame"
    TOO_LONG = "too_long"
    RATE_LIMITED = "rate_limited"
    NOT_ALLOWED = "not_allowed"
    SERVER_ERROR = "server_error"
    NOT_FOUND = "not_found"  # HTTP bodies only; sockets close with 4404
    NOT_LOGGED_IN = "not_logged_in"
    INVALID = "invalid"  # HTTP: a form or JSON body that does not validate
    CONFLICT = "conflict"  # HTTP: someone else holds it (a monitor's claim on a flag)


class AppError(Exception):
    code: ErrorCode = ErrorCode.SERVER_ERROR
    http_status = 500
    close_code = 4500

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field

    def as_dict(self) -> dict[str, str]:
        data = {"code": str(self.code), "detail": self.detail}
        if self.field:
            data["field"] = self.field
        return data

    def frame_json(self) -> str:
        return json.dumps({"type": "error", **self.as_dict()})


class NotLoggedIn(AppError):
    code = ErrorCode.NOT_LOGGED_IN
    http_status = 401
    close_code = 4401


class NotFound(AppError):
    code = ErrorCode.NOT_FOUND
    http_status = 404
    close_code = 4404


class NotAllowed(AppError):
    code = ErrorCode.NOT_ALLOWED
    http_status = 403
    close_code = 4403


class Invalid(AppError):
    """Input that breaks a rule (a limit, a missing field): says what to fix."""

    code = ErrorCode.INVALID
    http_status = 400
    close_code = 4400


def not_found(what: str | None = None) -> NotFound:
    return NotFound(what or _("Not found."))
