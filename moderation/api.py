"""The monitor API (DESIGN.md, "WebSocket protocol", monitor part): thin views.

Each parses, makes one service or selector call, answers JSON. Session-authenticated
with the CSRF header on POST; 401 for visitors, 403 for people who staff no program,
404 for a flag or circle outside the caller's programs (exactly like a missing one).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from messaging.http import (
    date_field,
    int_field,
    json_api,
    parse_body,
    person,
    query_int,
    query_month,
    text_field,
)
from messaging.lifecycle import (
    MAX_NOTE_CHARS,
    MAX_POLICY_CHARS,
    close_circle_as_staff,
    exit_interview_row,
    list_exit_interviews,
    list_pending_closures,
    record_exit_interview,
)
from messaging.records import (
    MAX_NOTE_CHARS as MAX_FOLLOW_UP_CHARS,
)
from messaging.records import (
    follow_up_row,
    list_circle_activity,
    list_follow_ups,
    list_overdue_follow_ups,
    list_under_hours,
    write_follow_up,
)
from moderation.queue import get_flag_detail, get_thread
from moderation.review import FlagCommand, act_on_flag, open_review_queue


@json_api("GET", staff=True)
def flags(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"flags": open_review_queue(user=person(request))})


@json_api("GET", "POST", staff=True)
def flag(request: HttpRequest, flag_id: int) -> JsonResponse:
    if request.method == "GET":
        return JsonResponse(get_flag_detail(user=person(request), flag_id=flag_id))
    command = FlagCommand.parse(request.body)
    return JsonResponse(
        act_on_flag(
            user=person(request),
            flag_id=flag_id,
            action=command.action,
            reason=command.reason,
        )
    )


@json_api("GET", staff=True)
def thread(request: HttpRequest, circle_id: int) -> JsonResponse:
    return JsonResponse(
        get_thread(
            user=person(request),
            circle_id=circle_id,
            around=query_int(request, "around"),
            flag_id=query_int(request, "flag"),
            purpose=request.GET.get("purpose", "")[:200],
        )
    )


@json_api("GET", "POST", staff=True)
def notes(request: HttpRequest, circle_id: int) -> JsonResponse:
    user = person(request)
    if request.method == "GET":
        return JsonResponse({"notes": list_follow_ups(user=user, circle_id=circle_id)})
    data = parse_body(request.body)
    note = write_follow_up(
        user=user,
        circle_id=circle_id,
        mentor_id=int_field(data, "mentor", required=False),
        text=text_field(data, "text", max_length=MAX_FOLLOW_UP_CHARS),
        method=text_field(data, "method", max_length=16, required=False) or "phone",
        day=date_field(data, "day", required=False),
    )
    return JsonResponse(follow_up_row(note), status=201)


@json_api("GET", "POST", staff=True)
def exit_interviews(request: HttpRequest, circle_id: int) -> JsonResponse:
    user = person(request)
    if request.method == "GET":
        return JsonResponse(
            {"exit_interviews": list_exit_interviews(user=user, circle_id=circle_id)}
        )
    data = parse_body(request.body)
    interview = record_exit_interview(
        user=user,
        circle_id=circle_id,
        kind=text_field(data, "kind", max_length=16),
        participant_id=int_field(data, "participant"),
        counterpart_id=int_field(data, "counterpart", required=False),
        notes=text_field(data, "notes", max_length=MAX_NOTE_CHARS),
        held_on=date_field(data, "held_on", required=False),
    )
    return JsonResponse(exit_interview_row(interview), status=201)


@json_api("POST", staff=True)
def close(request: HttpRequest, circle_id: int) -> JsonResponse:
    data = parse_body(request.body)
    circle = close_circle_as_staff(
        user=person(request),
        circle_id=circle_id,
        reason=text_field(data, "reason", max_length=32),
        future_contact_policy=text_field(
            data, "future_contact_policy", max_length=MAX_POLICY_CHARS, required=False
        ),
    )
    return JsonResponse(
        {
            "circle": circle.pk,
            "status": circle.status,
            "closed_at": circle.closed_at.isoformat() if circle.closed_at else None,
            "reason": circle.closure_reason,
        }
    )


@json_api("GET", staff=True)
def activity(request: HttpRequest, circle_id: int) -> JsonResponse:
    return JsonResponse(
        {
            "activity": list_circle_activity(
                user=person(request), circle_id=circle_id, month=query_month(request)
            )
        }
    )


@json_api("GET", staff=True)
def overdue_follow_ups(request: HttpRequest) -> JsonResponse:
    rows = list_overdue_follow_ups(user=person(request))
    return JsonResponse({"mentors": [row.as_dict() for row in rows]})


@json_api("GET", staff=True)
def under_hours(request: HttpRequest) -> JsonResponse:
    rows = list_under_hours(user=person(request), month=query_month(request))
    return JsonResponse({"mentors": [row.as_dict() for row in rows]})


@json_api("GET", staff=True)
def pending_closures(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"proposals": list_pending_closures(user=person(request))})
