"""The member API for a circle's records: appeals, mentors' hours, and closing.

Thin views: parse, one service or selector, JSON. Session-authenticated with the CSRF
header on POST; 401 for visitors; a circle outside the person's programs is 404,
exactly like a missing one, and one they know but may not use is 403 with a sentence.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from messaging.frames import MAX_REASON_CHARS
from messaging.http import (
    date_field,
    int_field,
    json_api,
    parse_body,
    person,
    query_month,
    text_field,
)
from messaging.lifecycle import (
    MAX_NOTE_CHARS,
    MAX_POLICY_CHARS,
    get_closure,
    proposal_row,
    propose_closure,
)
from messaging.records import (
    MAX_ACTIVITY_NOTE_CHARS,
    activity_row,
    list_my_activity,
    log_activity,
)
from moderation.appeals import file_appeal, list_my_appeals

MAX_APPEAL_TEXT_CHARS = 8000  # file_appeal checks the message limit after sanitizing


@json_api("GET", "POST")
def appeals(request: HttpRequest, circle_id: int) -> JsonResponse:
    user = person(request)
    if request.method == "GET":
        return JsonResponse(
            {"appeals": list_my_appeals(user=user, circle_id=circle_id)}
        )
    data = parse_body(request.body)
    text = data.get("text")
    appeal = file_appeal(
        user=user,
        circle_id=circle_id,
        reason=text_field(data, "reason", max_length=MAX_REASON_CHARS),
        seq=int_field(data, "seq", required=False),
        text=None
        if text is None
        else text_field(data, "text", max_length=MAX_APPEAL_TEXT_CHARS),
    )
    return JsonResponse(appeal, status=201)


@json_api("GET", "POST")
def activity(request: HttpRequest, circle_id: int) -> JsonResponse:
    user = person(request)
    if request.method == "GET":
        page = list_my_activity(
            user=user, circle_id=circle_id, month=query_month(request)
        )
        return JsonResponse(
            {
                "month": page.month.strftime("%Y-%m"),
                "minutes": page.minutes,
                "target_minutes": page.target_minutes,
                "activity": page.logs,
            }
        )
    data = parse_body(request.body)
    minutes = int_field(data, "minutes")
    assert minutes is not None  # noqa: S101 -- required above
    log = log_activity(
        user=user,
        circle_id=circle_id,
        day=date_field(data, "day", required=False) or timezone.localdate(),
        minutes=minutes,
        kind=text_field(data, "kind", max_length=16, required=False) or "session",
        note=text_field(
            data, "note", max_length=MAX_ACTIVITY_NOTE_CHARS, required=False
        ),
    )
    return JsonResponse(activity_row(log, with_note=True), status=201)


@json_api("GET", "POST")
def closure(request: HttpRequest, circle_id: int) -> JsonResponse:
    user = person(request)
    if request.method == "GET":
        return JsonResponse(get_closure(user=user, circle_id=circle_id).as_dict())
    data = parse_body(request.body)
    proposal = propose_closure(
        user=user,
        circle_id=circle_id,
        reason=text_field(data, "reason", max_length=32),
        note=text_field(data, "note", max_length=MAX_NOTE_CHARS, required=False),
        future_contact_policy=text_field(
            data, "future_contact_policy", max_length=MAX_POLICY_CHARS, required=False
        ),
    )
    return JsonResponse(proposal_row(proposal), status=201)
