"""JSON views: authentication, defensive body parsing and AppError bodies.

Every API view is thin: `@json_api(...)` answers 401 to visitors who are not logged in
and turns an AppError into `{"code", "detail", "field"}` with its status; the body
parsers check size, JSON, shape and each field's type before any service runs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from accounts.models import User
from config.errors import AppError, ErrorCode, Invalid, NotLoggedIn
from messaging.errors import BadJson, FrameTooLong, ServerError
from messaging.staff import require_staff

logger = logging.getLogger("circles.api")

MAX_BODY_BYTES = 32 * 1024

View = Callable[..., HttpResponse]


class MethodNotAllowed(AppError):
    code = ErrorCode.NOT_ALLOWED
    http_status = 405


def error_response(error: AppError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=error.http_status)


def json_api(*methods: str, staff: bool = False) -> Callable[[View], View]:
    """Log-in required (401 JSON otherwise); AppErrors become JSON error bodies.
    With `staff`, people who staff no program get 403 before anything else runs."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if not request.user.is_authenticated:
                    raise NotLoggedIn(_("Please log in."))
                if staff:
                    require_staff(person(request))
                if request.method not in methods:
                    raise MethodNotAllowed(
                        _("Use {methods} here.").format(methods=" or ".join(methods))
                    )
                return view(request, *args, **kwargs)
            except AppError as error:
                return error_response(error)
            except Exception:  # not BaseException: cancellation must still propagate
                logger.exception("api failed path=%s", request.path)
                return error_response(
                    ServerError(_("Something went wrong on our side; try again."))
                )

        return wrapped

    return decorate


def person(request: HttpRequest) -> User:
    return cast(User, request.user)


def parse_body(body: bytes) -> dict[str, object]:
    """A JSON object from a request body, or BadJson / FrameTooLong with a sentence."""
    if len(body) > MAX_BODY_BYTES:
        raise FrameTooLong(
            _("The request is too large (at most {limit} bytes).").format(
                limit=MAX_BODY_BYTES
            )
        )
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadJson(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadJson(_("The request body must be a JSON object."))
    return data


def text_field(
    data: dict[str, object],
    name: str,
    *,
    max_length: int,
    required: bool = True,
    what: str | None = None,
) -> str:
    """A string field, stripped; required ones must not be blank."""
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(_("{name} must be text.").format(name=name), field=name)
    if any("\ud800" <= char <= "\udfff" for char in value):
        # JSON can carry lone surrogates; no UTF-8 encoder (database, archive) can.
        raise Invalid(
            _("{name} contains characters that cannot be stored.").format(name=name),
            field=name,
        )
    value = value.strip()
    if required and not value:
        raise Invalid(what or _("Fill in {name}.").format(name=name), field=name)
    if len(value) > max_length:
        raise Invalid(
            _("{name} can be at most {limit} characters; this has {length}.").format(
                name=name, limit=max_length, length=len(value)
            ),
            field=name,
        )
    return value


def int_field(
    data: dict[str, object], name: str, *, required: bool = True
) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    # bool is an int in Python: refuse it explicitly.
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(_("{name} must be a whole number.").format(name=name), field=name)
    if not -(2**63) <= value < 2**63:  # what a database integer column holds
        raise Invalid(_("{name} is out of range.").format(name=name), field=name)
    return value


def date_field(
    data: dict[str, object], name: str, *, required: bool = True
) -> date | None:
    value = data.get(name)
    if value in (None, "") and not required:
        return None
    bad = Invalid(
        _("{name} must be a date like 2025-03-31.").format(name=name), field=name
    )
    if not isinstance(value, str):
        raise bad
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad from None


def query_int(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(
            _("{name} must be a whole number.").format(name=name), field=name
        ) from None
    if value < 0:
        raise Invalid(_("{name} cannot be negative.").format(name=name), field=name)
    return value


def query_month(request: HttpRequest, name: str = "month") -> date | None:
    """`?month=2025-03` as the first day of that month; None when absent."""
    raw = request.GET.get(name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(f"{raw}-01")
    except ValueError:
        raise Invalid(
            _("{name} must look like 2025-03.").format(name=name), field=name
        ) from None
