"""Circle-life pages: sessions (plan, record, calendar), goals and progress reviews,
and staff matching. Thin: parse a form, call one service or selector, render.

Services (messaging.life, messaging.matching) decide; a refusal (Invalid) goes back to
its form as a sentence and nothing is saved. A circle outside the person's programs is
the site's 404, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import Invalid, NotAllowed, NotFound
from frontend.life_forms import (
    SLOT_CHOICES,
    FormCircleForm,
    GoalForm,
    PlanSessionForm,
    ProfileForm,
    RecordSessionForm,
    ReviewForm,
    describe,
)
from frontend.views import forbidden, person
from messaging import life, matching
from messaging.life import GoalsPage, SessionsPage

View = Callable[..., HttpResponse]


def life_page(view: View) -> View:
    """Log-in required; NotFound becomes the site's 404, NotAllowed a 403 page."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except NotAllowed as refusal:
            return forbidden(request, refusal.detail)

    return wrapped


def refusal_to_form(
    form: Any, error: Invalid | ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """A service's refusal, shown next to the field it is about (or above the form).
    `aliases` names the form field for a service's field (starts_at -> day)."""
    if isinstance(error, ValidationError):
        form.add_error(None, error)
    else:
        field = (aliases or {}).get(error.field or "", error.field)
        form.add_error(field if field in form.fields else None, error.detail)
    describe(form)


# Sessions ---------------------------------------------------------------------------


def render_sessions(
    request: HttpRequest,
    page: SessionsPage,
    form: PlanSessionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None and page.can_plan:
        form = PlanSessionForm(
            in_person_allowed=page.in_person_allowed,
            initial={
                "duration_minutes": page.default_minutes,
                "place": page.meeting_place if page.in_person_allowed else "",
            },
        )
    return render(
        request,
        "life/sessions.html",
        {"page": page, "circle": page.access.circle, "form": form},
        status=status,
    )


@life_page
@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest, circle_id: int) -> HttpResponse:
    user = person(request)
    page = life.get_sessions_page(user=user, circle_id=circle_id)
    if request.method == "GET":
        return render_sessions(request, page)
    form = PlanSessionForm(request.POST, in_person_allowed=page.in_person_allowed)
    if form.is_valid():
        try:
            planned = life.plan_session(
                user=user,
                circle_id=circle_id,
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                mode=form.cleaned_data["mode"],
                place=form.cleaned_data.get("place", ""),
            )
        except Invalid as error:
            refusal_to_form(form, error, {"starts_at": "day"})
        else:
            messages.success(
                request,
                _("The session is planned: {when}.").format(
                    when=life.when_phrase(planned.starts_at, timezone.now())
                ),
            )
            return redirect("circle-sessions", circle_id=circle_id)
    return render_sessions(request, page, form, status=400)


@life_page
@require_POST
def cancel_session(
    request: HttpRequest, circle_id: int, session_id: int
) -> HttpResponse:
    try:
        life.cancel_session(
            user=person(request), circle_id=circle_id, session_id=session_id
        )
    except Invalid as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The session is cancelled."))
    return redirect("circle-sessions", circle_id=circle_id)


@life_page
@require_http_methods(["GET", "POST"])
def record_session(
    request: HttpRequest, circle_id: int, session_id: int
) -> HttpResponse:
    user = person(request)
    access, row, members, came = life.get_record_page(
        user=user, circle_id=circle_id, session_id=session_id
    )
    choices = [(m.user_id, member_label(m)) for m in members]
    status = 200
    if request.method == "POST":
        form = RecordSessionForm(request.POST, members=choices)
        if form.is_valid():
            try:
                life.record_session(
                    user=user,
                    circle_id=circle_id,
                    session_id=session_id,
                    attended=form.attended_ids(),
                    note=form.cleaned_data["note"],
                )
            except Invalid as error:
                refusal_to_form(form, error)
            else:
                messages.success(
                    request, _("Attendance and the session note are recorded.")
                )
                return redirect("circle-sessions", circle_id=circle_id)
        status = 400
    else:
        initial_came = came if row.session.recorded_at else {m.user_id for m in members}
        form = RecordSessionForm(
            members=choices,
            initial={
                "attended": [str(pk) for pk in initial_came],
                "note": row.note or "",
            },
        )
    return render(
        request,
        "life/record.html",
        {"circle": access.circle, "row": row, "form": form},
        status=status,
    )


def member_label(membership: Any) -> str:
    role = (
        _("coordinator")
        if membership.is_coordinator
        else membership.get_role_display().lower()
    )
    return f"{membership.user.shown_name} ({role})"


@login_required
@require_GET
def calendar(request: HttpRequest, circle_id: int) -> HttpResponse:
    try:
        circle = life.access_circle_calendar(user=person(request), circle_id=circle_id)
    except NotFound:
        raise Http404 from None
    body = life.calendar_ics(
        circle=circle, base_url=f"{request.scheme}://{request.get_host()}"
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="circle-{circle.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# Goals ------------------------------------------------------------------------------


def render_goals(
    request: HttpRequest,
    page: GoalsPage,
    *,
    failed: GoalForm | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = []
    for index, item in enumerate(page.items):
        if failed is not None and failed.data.get(f"{failed.prefix}-key") == item.key:
            forms.append((item, failed))
            continue
        forms.append(
            (
                item,
                GoalForm(
                    prefix=f"goal-{index}",
                    initial={
                        "key": item.key,
                        "status": item.status,
                        "target_date": item.target_date,
                        "notes": item.notes or "",
                    },
                ),
            )
        )
    if review_form is None and page.can_review:
        review_form = ReviewForm(initial={"held_on": page.today})
    groups: list[dict[str, Any]] = []
    for item, form in forms:
        key = item.term_label if item.in_agreement else _("From earlier versions")
        if not groups or groups[-1]["heading"] != key:
            groups.append({"heading": key, "goals": []})
        groups[-1]["goals"].append({"item": item, "form": form})
    return render(
        request,
        "life/goals.html",
        {
            "page": page,
            "circle": page.access.circle,
            "groups": groups,
            "review_form": review_form,
            "done": sum(1 for item in page.items if item.status == "done"),
        },
        status=status,
    )


@life_page
@require_GET
def goals(request: HttpRequest, circle_id: int) -> HttpResponse:
    page = life.get_goals_page(user=person(request), circle_id=circle_id)
    return render_goals(request, page)


@life_page
@require_POST
def update_goal(request: HttpRequest, circle_id: int) -> HttpResponse:
    user = person(request)
    prefix = request.POST.get("prefix", "")
    if not prefix.startswith("goal-") or not prefix[5:].isdigit():
        messages.error(request, _("That form was not recognised; please try again."))
        return redirect("circle-goals", circle_id=circle_id)
    form = GoalForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            life.update_goal(
                user=user,
                circle_id=circle_id,
                key=form.cleaned_data["key"],
                status=form.cleaned_data["status"],
                notes=form.cleaned_data["notes"],
                target_date=form.cleaned_data["target_date"],
            )
        except Invalid as error:
            refusal_to_form(form, error)
        else:
            messages.success(request, _("The goal is updated."))
            return redirect("circle-goals", circle_id=circle_id)
    page = life.get_goals_page(user=user, circle_id=circle_id)
    return render_goals(request, page, failed=form, status=400)


@life_page
@require_POST
def record_review(request: HttpRequest, circle_id: int) -> HttpResponse:
    user = person(request)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review = life.record_progress_review(
                user=user,
                circle_id=circle_id,
                held_on=form.cleaned_data["held_on"],
                summary=form.cleaned_data["summary"],
                next_review_date=form.cleaned_data["next_review_date"],
            )
        except (Invalid, ValidationError) as error:
            refusal_to_form(form, error)
        else:
            if review.next_agreement is not None:
                messages.success(
                    request,
                    _(
                        "The review is recorded, and version {version} of the "
                        "agreement sets the next review date. Every member accepts "
                        "it before the circle talks again."
                    ).format(version=review.next_agreement.version),
                )
            else:
                messages.success(request, _("The progress review is recorded."))
            return redirect("circle-goals", circle_id=circle_id)
    page = life.get_goals_page(user=user, circle_id=circle_id)
    return render_goals(request, page, review_form=form, status=400)


# Staff: matching ----------------------------------------------------------------------


@life_page
@require_GET
def matching_home(request: HttpRequest) -> HttpResponse:
    user = person(request)
    waiting = matching.list_waiting_mentees(user=user)
    return render(
        request,
        "life/matching.html",
        {
            "waiting": waiting,
            "reviews": life.list_reviews_due(user=user),
        },
    )


@life_page
@require_http_methods(["GET", "POST"])
def match_mentee(request: HttpRequest, program_id: int, mentee_id: int) -> HttpResponse:
    user = person(request)
    page = matching.get_match_page(
        user=user, program_id=program_id, mentee_id=mentee_id
    )
    candidates = [(s.mentor.pk, s.mentor.shown_name) for s in page.suggestions]
    status = 200
    if request.method == "POST":
        form = FormCircleForm(request.POST, candidates=candidates)
        if form.is_valid():
            try:
                circle = matching.form_circle(
                    by=user,
                    program_id=program_id,
                    mentee_id=mentee_id,
                    mentor_ids=form.cleaned_data["mentors"],
                    coordinator_id=form.cleaned_data["coordinator"],
                    name=form.cleaned_data["name"],
                )
            except (Invalid, ValidationError) as error:
                refusal_to_form(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "{circle} is formed, with a first draft of its agreement. "
                        "The coordinator rewrites it with the circle at their first "
                        "meeting."
                    ).format(circle=circle.name),
                )
                return redirect("circle-agreement", circle_id=circle.pk)
        status = 400
    else:
        form = FormCircleForm(
            candidates=candidates, initial={"name": page.suggested_name}
        )
    chosen = set(map(str, form["mentors"].value() or []))
    coordinator = str(form["coordinator"].value() or "")
    return render(
        request,
        "life/match.html",
        {
            "page": page,
            "form": form,
            "chosen": chosen,
            "coordinator": coordinator,
            "limits": {
                "low": page.program.min_mentors,
                "high": page.program.max_mentors,
            },
        },
        status=status,
    )


@life_page
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest, program_id: int, person_id: int) -> HttpResponse:
    user = person(request)
    page = matching.get_profile_page(
        user=user, program_id=program_id, person_id=person_id
    )
    options = {
        "is_mentee": page.is_mentee,
        "uses_gender": page.program.matching_uses_gender,
        "uses_age": page.program.matching_uses_age,
    }
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=page.profile, **options)
        if form.is_valid():
            try:
                matching.save_profile(
                    by=user,
                    program_id=program_id,
                    person_id=person_id,
                    fields=dict(form.cleaned_data),
                )
            except (Invalid, ValidationError) as error:
                refusal_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("{name}'s matching profile is saved.").format(
                        name=page.person.shown_name
                    ),
                )
                if page.is_mentee:
                    return redirect(
                        "matching-mentee", program_id=program_id, mentee_id=person_id
                    )
                return redirect("matching")
        status = 400
    else:
        form = ProfileForm(instance=page.profile, **options)
    return render(
        request,
        "life/profile.html",
        {
            "page": page,
            "form": form,
            "slot_rows": slot_rows(form),
        },
        status=status,
    )


def slot_rows(form: ProfileForm) -> list[dict[str, Any]]:
    """The availability checkboxes as a week: one row a day, one column a time."""
    widgets = {w.data["value"]: w for w in form["availability"]}
    rows = []
    for index in range(0, len(SLOT_CHOICES), 3):
        day = SLOT_CHOICES[index][1].split()[0]
        rows.append(
            {
                "day": day,
                "slots": [
                    widgets[code] for code, _label in SLOT_CHOICES[index : index + 3]
                ],
            }
        )
    return rows
