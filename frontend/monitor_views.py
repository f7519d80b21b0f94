"""The monitor dashboard pages, and the member pages for a circle's records (hours,
closing, appeals). Thin: parse, call one selector or service, render.

Staff pages answer 403 to people who staff no program and 404 for a flag or circle
outside the caller's programs, exactly like a missing one. Forms post back here and
redirect (or re-render with the error next to its field). The live queue is
frontend/static/frontend/monitor.js; data reaches it through json_script only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from config.errors import AppError, Invalid, NotAllowed, NotFound
from messaging.access import access_circle_as_staff
from messaging.lifecycle import (
    close_circle_as_staff,
    get_closure,
    list_circle_people,
    list_exit_interviews,
    list_pending_closures,
    propose_closure,
    record_exit_interview,
)
from messaging.models import ActivityLog, ClosureReason, ExitInterview, FollowUpNote
from messaging.records import (
    MONTHLY_TARGET_MINUTES,
    list_circle_activity,
    list_follow_ups,
    list_my_activity,
    list_overdue_follow_ups,
    list_under_hours,
    log_activity,
    write_follow_up,
)
from messaging.staff import list_program_staff, require_staff
from moderation.appeals import file_appeal, list_appealable, list_my_appeals
from moderation.evaluation import evaluate, evaluation_csv
from moderation.models import FlagAction, FlagCategory
from moderation.queue import get_flag_detail, get_thread
from moderation.review import act_on_flag, open_review_queue

View = Callable[..., HttpResponse]
Kind = FlagAction.Kind


def person(request: HttpRequest) -> User:
    return cast(User, request.user)


def refused(request: HttpRequest, detail: str) -> HttpResponse:
    return render(request, "monitor/forbidden.html", {"detail": detail}, status=403)


def page(*, staff: bool) -> Callable[[View], View]:
    """Log-in required; staff pages need a program to staff. NotFound becomes the
    site's 404 and NotAllowed a 403 page with its sentence."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if staff:
                    require_staff(person(request))
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404 from None
            except NotAllowed as refusal:
                return refused(request, refusal.detail)

        return wrapped

    return decorate


def form_error(error: AppError, form: str) -> dict[str, str]:
    return {"form": form, "field": error.field or "", "detail": error.detail}


def time_label(iso: object) -> str:
    """'2025-03-01 12:34 UTC' from an ISO time (monitor.js formats the same way)."""
    return f"{str(iso)[:16].replace('T', ' ')} UTC" if iso else ""


def labelled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "created_label": time_label(row["created_at"]),
            "claim_label": time_label(row["claim_expires_at"]),
            "escalates_label": time_label(row["escalates_at"]),
        }
        for row in rows
    ]


def by_circle(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    circles: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = circles.setdefault(
            row["circle"],
            {"id": row["circle"], "name": row["circle_name"], "count": 0},
        )
        entry["count"] += 1
    return sorted(circles.values(), key=lambda c: (-c["count"], c["name"]))


def crisis_signature(rows: list[dict[str, Any]]) -> str:
    """What the crisis alert shows, as monitor.js computes it: the script replaces
    the alert (and screen readers announce it) only when this changes."""
    return ",".join(
        ":".join(
            [
                str(row["id"]),
                str(row["status"]),
                str(row["acknowledged_at"] or ""),
                str(row["claimed_by"]["id"]) if row["claimed_by"] else "",
            ]
        )
        for row in rows
        if row["urgent"]
    )


def parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None  # type: ignore[arg-type]
    except ValueError:
        return None


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise Invalid(_("Use a date like 2025-03-31."), field="day") from None


def parse_month(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise Invalid(_("Use a month like 2025-03."), field="month") from None


# The dashboard -------------------------------------------------------------------


@page(staff=True)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = person(request)
    flags = labelled(open_review_queue(user=user))
    settings = {
        "flagsUrl": reverse("monitor-api:flags"),
        "socketPath": "/ws/monitor/",
        "flagPage": reverse("monitor-flag", args=[0]).replace("/0/", "/{id}/"),
        "circlePage": reverse("monitor-circle", args=[0]).replace("/0/", "/{id}/"),
    }
    return render(
        request,
        "monitor/dashboard.html",
        {
            "urgent": [flag for flag in flags if flag["urgent"]],
            "crisis_signature": crisis_signature(flags),
            "queue": [flag for flag in flags if not flag["urgent"]],
            "circles": by_circle(flags),
            "monitor_settings": settings,
            "pending_closures": list_pending_closures(user=user),
            "overdue_count": len(list_overdue_follow_ups(user=user)),
            "under_count": len(list_under_hours(user=user)),
        },
    )


def decisions_for(flag: dict[str, Any]) -> list[tuple[str, str]]:
    """The decisions that fit this flag, as (action, label) for the form."""
    if not flag["is_open"]:
        return []
    if flag["category"] == FlagCategory.APPEAL:
        choices = [Kind.OVERTURN, Kind.UPHOLD]
    elif flag["message_status"] == "held":
        choices = [Kind.RELEASE, Kind.HIDE]
    elif flag["message_status"] in ("delivered", "flagged"):
        choices = [Kind.RESOLVE, Kind.DISMISS, Kind.HIDE]
    else:
        choices = [Kind.RESOLVE, Kind.DISMISS]
    if flag["status"] != "escalated":
        choices.append(Kind.ESCALATE)
    labels = {
        Kind.RELEASE: _("Release: deliver the held message"),
        Kind.HIDE: _("Hide: withdraw the message from the members"),
        Kind.RESOLVE: _("Resolve: dealt with"),
        Kind.DISMISS: _("Dismiss: nothing wrong"),
        Kind.ESCALATE: _("Escalate to the program's administrators"),
        Kind.OVERTURN: _("Overturn: deliver the message"),
        Kind.UPHOLD: _("Uphold: the original decision stands"),
    }
    return [(str(kind), str(labels[kind])) for kind in choices]


def flag_context(request: HttpRequest, flag_id: int, **extra: Any) -> dict[str, Any]:
    user = person(request)
    flag = labelled([get_flag_detail(user=user, flag_id=flag_id)])[0]
    thread = get_thread(user=user, circle_id=cast(int, flag["circle"]), flag_id=flag_id)
    claimed_by = cast(dict[str, Any] | None, flag["claimed_by"])
    thread_messages = cast(list[dict[str, Any]], thread["messages"])
    for message in thread_messages:
        message["sent_label"] = time_label(message["sent_at"])
    for action in cast(list[dict[str, Any]], flag["actions"]):
        action["at_label"] = time_label(action["at"])
    return {
        "flag": flag,
        "thread": thread,
        "last_seq": thread_messages[-1]["seq"] if thread_messages else None,
        "decisions": decisions_for(flag),
        "claimed_by_me": claimed_by is not None and claimed_by["id"] == user.pk,
        "claimed_by_other": claimed_by is not None and claimed_by["id"] != user.pk,
        **extra,
    }


@page(staff=True)
@require_GET
def flag_page(request: HttpRequest, flag_id: int) -> HttpResponse:
    return render(request, "monitor/flag.html", flag_context(request, flag_id))


@page(staff=True)
@require_POST
def flag_act(request: HttpRequest, flag_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        row = act_on_flag(
            user=person(request), flag_id=flag_id, action=action, reason=reason
        )
    except NotFound:
        raise
    except Invalid as error:
        context = flag_context(
            request,
            flag_id,
            error=form_error(error, "decision"),
            posted={"action": action, "reason": reason},
        )
        return render(request, "monitor/flag.html", context, status=400)
    except AppError as error:  # claimed by someone else (409), not the decider (403)
        messages.error(request, error.detail)
        return redirect("monitor-flag", flag_id=flag_id)
    messages.success(
        request,
        _("Done: flag {id} is now {status}.").format(
            id=row["id"], status=row["status"]
        ),
    )
    if row["is_open"]:
        return redirect("monitor-flag", flag_id=flag_id)
    return redirect("monitor-dashboard")


# A circle's records (staff) ----------------------------------------------------------


def circle_context(
    request: HttpRequest, circle_id: int, **extra: Any
) -> dict[str, Any]:
    user = person(request)
    circle = access_circle_as_staff(user=user, circle_id=circle_id)
    people = list_circle_people(circle)
    hours: dict[str, int] = {}
    for row in list_circle_activity(user=user, circle_id=circle_id):
        name = cast(dict[str, Any], row["mentor"])["name"]
        hours[name] = hours.get(name, 0) + cast(int, row["minutes"])
    closure = get_closure(user=user, circle_id=circle_id)
    return {
        "circle": circle,
        "people": people,
        "mentors": [p for p in people if p.role in ("mentor", "coordinator")],
        "mentees": [p for p in people if p.role == "mentee"],
        "staff": list_program_staff(circle.program),
        "notes": list_follow_ups(user=user, circle_id=circle_id),
        "interviews": list_exit_interviews(user=user, circle_id=circle_id),
        "hours": sorted(hours.items()),
        "target_hours": MONTHLY_TARGET_MINUTES // 60,
        "closure": closure,
        "closure_reasons": ClosureReason.choices,
        "methods": FollowUpNote.Method.choices,
        "interview_kinds": ExitInterview.Kind.choices,
        "today": timezone.localdate().isoformat(),
        "posted": {},
        **extra,
    }


@page(staff=True)
@require_GET
def circle_page(request: HttpRequest, circle_id: int) -> HttpResponse:
    return render(request, "monitor/circle.html", circle_context(request, circle_id))


def circle_form(
    request: HttpRequest, circle_id: int, form: str, do: Callable[[], object], done: str
) -> HttpResponse:
    try:
        do()
    except Invalid as error:
        context = circle_context(
            request,
            circle_id,
            error=form_error(error, form),
            posted=request.POST.dict(),
        )
        return render(request, "monitor/circle.html", context, status=400)
    messages.success(request, done)
    return redirect(reverse("monitor-circle", args=[circle_id]) + f"#{form}")


@page(staff=True)
@require_POST
def circle_note(request: HttpRequest, circle_id: int) -> HttpResponse:
    post = request.POST
    return circle_form(
        request,
        circle_id,
        "notes",
        lambda: write_follow_up(
            user=person(request),
            circle_id=circle_id,
            mentor_id=parse_int(post.get("mentor")),
            text=post.get("text", ""),
            method=post.get("method", FollowUpNote.Method.PHONE),
            day=parse_date(post.get("day")),
        ),
        _("The follow-up note is saved."),
    )


@page(staff=True)
@require_POST
def circle_interview(request: HttpRequest, circle_id: int) -> HttpResponse:
    post = request.POST
    return circle_form(
        request,
        circle_id,
        "interviews",
        lambda: record_exit_interview(
            user=person(request),
            circle_id=circle_id,
            kind=post.get("kind", ""),
            participant_id=parse_int(post.get("participant")),
            counterpart_id=parse_int(post.get("counterpart")),
            notes=post.get("notes", ""),
            held_on=parse_date(post.get("held_on")),
        ),
        _("The exit interview is recorded."),
    )


@page(staff=True)
@require_POST
def circle_close(request: HttpRequest, circle_id: int) -> HttpResponse:
    post = request.POST
    return circle_form(
        request,
        circle_id,
        "closure",
        lambda: close_circle_as_staff(
            user=person(request),
            circle_id=circle_id,
            reason=post.get("reason", ""),
            future_contact_policy=post.get("future_contact_policy", ""),
        ),
        _("The circle is closed. Its members were told; their chat has ended."),
    )


# Oversight lists and evaluation ------------------------------------------------------


@page(staff=True)
@require_GET
def records(request: HttpRequest) -> HttpResponse:
    user = person(request)
    try:
        month = parse_month(request.GET.get("month")) or timezone.localdate()
    except Invalid as error:
        messages.error(request, error.detail)
        month = timezone.localdate()
    return render(
        request,
        "monitor/records.html",
        {
            "overdue": list_overdue_follow_ups(user=user),
            "under": list_under_hours(user=user, month=month),
            "month": month.replace(day=1),
            "target_hours": MONTHLY_TARGET_MINUTES // 60,
            "pending_closures": list_pending_closures(user=user),
        },
    )


@page(staff=True)
@require_GET
def evaluation(request: HttpRequest) -> HttpResponse:
    months = parse_int(request.GET.get("months")) or 12
    figures = evaluate(user=person(request), months=months)
    shown = len(figures[0].months) if figures else months
    output = request.GET.get("format", "html")
    if output == "csv":
        response = HttpResponse(
            evaluation_csv(figures), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="circles-evaluation-{stamp}.csv"'
        )
        return response
    if output == "json":
        return JsonResponse({"programs": [program.as_dict() for program in figures]})
    return render(
        request,
        "monitor/evaluation.html",
        {
            "programs": [program.as_dict() for program in figures],
            "months": shown,
            "month_choices": [3, 6, 12, 24, 36],
        },
    )


# Member pages: hours, closing, appeals ----------------------------------------------


@page(staff=False)
@require_http_methods(["GET", "POST"])
def member_activity(request: HttpRequest, circle_id: int) -> HttpResponse:
    user = person(request)
    extra: dict[str, Any] = {"posted": {}}
    status = 200
    if request.method == "POST":
        post = request.POST
        try:
            minutes = parse_int(post.get("minutes"))
            if minutes is None:
                raise Invalid(_("Say how many minutes."), field="minutes")
            log_activity(
                user=user,
                circle_id=circle_id,
                day=parse_date(post.get("day")) or timezone.localdate(),
                minutes=minutes,
                kind=post.get("kind", ActivityLog.Kind.SESSION),
                note=post.get("note", ""),
            )
        except Invalid as error:
            extra = {"error": form_error(error, "activity"), "posted": post.dict()}
            status = 400
        else:
            messages.success(request, _("Your time is logged. Thank you."))
            return redirect("circle-activity", circle_id=circle_id)
    activity = list_my_activity(user=user, circle_id=circle_id)
    return render(
        request,
        "monitor/member_activity.html",
        {
            "activity": activity,
            "kinds": ActivityLog.Kind.choices,
            "today": timezone.localdate().isoformat(),
            "hours": round(activity.minutes / 60, 1),
            "target_hours": activity.target_minutes // 60,
            **extra,
        },
        status=status,
    )


@page(staff=False)
@require_http_methods(["GET", "POST"])
def member_closing(request: HttpRequest, circle_id: int) -> HttpResponse:
    user = person(request)
    extra: dict[str, Any] = {"posted": {}}
    status = 200
    if request.method == "POST":
        post = request.POST
        try:
            propose_closure(
                user=user,
                circle_id=circle_id,
                reason=post.get("reason", ""),
                note=post.get("note", ""),
                future_contact_policy=post.get("future_contact_policy", ""),
            )
        except Invalid as error:
            extra = {"error": form_error(error, "closure"), "posted": post.dict()}
            status = 400
        else:
            messages.success(
                request, _("Program staff have your proposal and will follow up.")
            )
            return redirect("circle-closing", circle_id=circle_id)
    return render(
        request,
        "monitor/member_closing.html",
        {
            "closure": get_closure(user=user, circle_id=circle_id),
            "closure_reasons": ClosureReason.choices,
            **extra,
        },
        status=status,
    )


@page(staff=False)
@require_http_methods(["GET", "POST"])
def member_appeals(request: HttpRequest, circle_id: int) -> HttpResponse:
    user = person(request)
    extra: dict[str, Any] = {"posted": {}}
    status = 200
    if request.method == "POST":
        post = request.POST
        text = post.get("text")
        try:
            file_appeal(
                user=user,
                circle_id=circle_id,
                reason=post.get("reason", ""),
                seq=parse_int(post.get("seq")),
                text=text if text is not None and not post.get("seq") else None,
            )
        except Invalid as error:
            extra = {
                "error": form_error(error, post.get("form", "")),
                "posted": post.dict(),
            }
            status = 400
        else:
            messages.success(
                request,
                _("Your appeal is with program staff. A monitor will decide."),
            )
            return redirect("circle-appeals", circle_id=circle_id)
    return render(
        request,
        "monitor/member_appeals.html",
        {
            "circle_id": circle_id,
            "appealable": list_appealable(user=user, circle_id=circle_id),
            "appeals": list_my_appeals(user=user, circle_id=circle_id),
            **extra,
        },
        status=status,
    )
