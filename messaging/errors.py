"""Protocol errors of the circle socket: each becomes an `error` frame."""

from __future__ import annotations

from config.errors import AppError, ErrorCode


class BadJson(AppError):
    code = ErrorCode.BAD_JSON
    http_status = 400


class BadFrame(AppError):
    code = ErrorCode.BAD_FRAME
    http_status = 400


class FrameTooLong(AppError):
    code = ErrorCode.TOO_LONG
    http_status = 413


class RateLimited(AppError):
    code = ErrorCode.RATE_LIMITED
    http_status = 429
    close_code = 4429


class ServerError(AppError):
    code = ErrorCode.SERVER_ERROR
