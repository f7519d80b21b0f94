"""A circle's rhythm: planning sessions (and the refusals: past, overlapping, in
person without agreement), reminders, recording attendance and a sealed note, mentors'
hours, the calendar export, goals tracked from the agreement, review reminders and
progress reviews, and isolation between programs."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from archive.services import open_note
from config.errors import Invalid, NotAllowed, NotFound
from frontend.middleware import program_time_zone
from messaging.circles import close_circle, publish_agreement
from messaging.life import (
    allows_in_person,
    cancel_session,
    get_goals_page,
    list_goal_items,
    list_reviews_due,
    mentor_hours,
    next_session,
    plan_session,
    record_progress_review,
    record_session,
    review_due,
    update_goal,
    when_phrase,
)
from messaging.models import (
    ActivityLog,
    Agreement,
    CircleRole,
    CircleSession,
    Goal,
    Membership,
    ProgressReview,
    SessionAttendance,
)
from messaging.records import list_under_hours, log_activity
from tests.factories import ProgramFactory, grant, make_circle, make_member, staff

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday, noon
TODAY = NOW.date()


def at(days: float = 0, hours: float = 0, minutes: float = 0) -> dt.datetime:
    return NOW + dt.timedelta(days=days, hours=hours, minutes=minutes)


def plan(circle_set, starts_at, minutes=60, **kwargs):
    return plan_session(
        user=kwargs.pop("user", circle_set.coordinator),
        circle_id=circle_set.circle.pk,
        starts_at=starts_at,
        duration_minutes=minutes,
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def plan_past(circle_set, hours_ago):
    """A session planned a day ahead of a time that has since passed."""
    starts_at = timezone.now() - dt.timedelta(hours=hours_ago)
    return plan(circle_set, starts_at, now=starts_at - dt.timedelta(days=1))


# ---------- planning ----------


def test_the_coordinator_plans_the_next_session(circle_set):
    session = plan(circle_set, at(days=1, hours=6))
    assert (session.status, session.mode, session.place, session.planned_by) == (
        CircleSession.Status.PLANNED,
        CircleSession.Mode.VIRTUAL,
        "",
        circle_set.coordinator,
    )
    assert session.ends_at == at(days=1, hours=7)


def test_a_session_in_the_past_is_refused_with_a_sentence(circle_set):
    with pytest.raises(Invalid) as refusal:
        plan(circle_set, at(hours=-1))
    assert refusal.value.field == "starts_at"
    assert refusal.value.detail == (
        "That time has already passed: plan the session for a time after "
        "Monday 2 March at 12:00."
    )
    assert CircleSession.objects.count() == 0


def test_overlapping_sessions_are_refused_and_back_to_back_ones_allowed(circle_set):
    plan(circle_set, at(days=1))
    with pytest.raises(Invalid) as refusal:
        plan(circle_set, at(days=1, minutes=30))
    assert refusal.value.detail == (
        "This overlaps the session planned for Tuesday 3 March at 12:00 "
        "(60 minutes). Choose another time."
    )
    with pytest.raises(Invalid):
        plan(circle_set, at(days=1, minutes=-30))
    plan(circle_set, at(days=1, hours=1))  # starts as the first one ends
    assert CircleSession.objects.count() == 2


def test_a_cancelled_session_frees_its_time(circle_set):
    first = plan(circle_set, at(days=2))
    cancel_session(
        user=circle_set.coordinator,
        circle_id=circle_set.circle.pk,
        session_id=first.pk,
        now=NOW,
    )
    assert plan(circle_set, at(days=2)).pk != first.pk


def test_a_session_clashing_with_a_members_other_circle_is_refused(circle_set):
    other = make_circle(circle_set.program, name="Other circle")
    Membership.objects.create(
        circle=other.circle, user=circle_set.mentors[1], role=CircleRole.MENTOR
    )
    plan(other, at(days=3))
    with pytest.raises(Invalid) as refusal:
        plan(circle_set, at(days=3, minutes=15))
    assert "already has a session in another circle" in refusal.value.detail
    assert "Other circle" not in refusal.value.detail


@pytest.mark.parametrize("minutes", [5, 600])
def test_a_session_length_out_of_range_is_refused(circle_set, minutes):
    with pytest.raises(Invalid) as refusal:
        plan(circle_set, at(days=1), minutes=minutes)
    assert refusal.value.detail == "A session lasts between 15 and 240 minutes."


def test_only_the_coordinator_plans(circle_set):
    for person in (circle_set.mentee, circle_set.mentors[1]):
        with pytest.raises(NotAllowed):
            plan(circle_set, at(days=1), user=person)
    with pytest.raises(NotAllowed):
        plan(circle_set, at(days=1), user=staff(circle_set.program, Role.ADMIN))


def test_a_closed_circle_plans_nothing(circle_set):
    close_circle(by=None, circle=circle_set.circle, reason="Goals met")
    with pytest.raises(Invalid):
        plan(circle_set, at(days=1))


def test_in_person_only_where_the_agreement_names_a_place(circle_set):
    with pytest.raises(Invalid) as refusal:
        plan(circle_set, at(days=1), mode="in_person")
    assert refusal.value.field == "mode"
    assert "“Online, in this circle”" in refusal.value.detail
    publish_agreement(
        by=None,
        circle=circle_set.circle,
        fields={"meeting_place": "Riverside library, room 2, or online"},
    )
    session = plan(circle_set, at(days=1), mode="in_person")
    assert session.place == "Riverside library, room 2, or online"


@pytest.mark.parametrize(
    ("place", "allowed"),
    [
        ("Online, in this circle", False),
        ("Online only", False),
        ("Video calls through the platform", False),
        ("Community center on Main St, or online", True),
        ("At the public library", True),
    ],
)
def test_which_agreed_places_allow_meeting_in_person(place, allowed):
    assert allows_in_person(Agreement(meeting_place=place)) is allowed


# ---------- reminders ----------


@pytest.mark.parametrize(
    ("starts_at", "phrase"),
    [
        (at(minutes=30), "in 30 minutes"),
        (at(hours=2), "in 2 hours"),
        (at(hours=7), "today at 19:00"),
        (at(days=1, hours=6), "tomorrow at 18:00"),
        (at(days=4), "on Friday at 12:00"),
        (at(days=9), "on Wednesday 11 March at 12:00"),
        (at(minutes=-10), "happening now"),
    ],
)
def test_when_a_session_is_as_people_say_it(starts_at, phrase):
    assert when_phrase(starts_at, NOW, 60) == phrase


def test_the_next_session_is_the_first_that_has_not_ended(circle_set):
    later = plan(circle_set, at(days=7))
    soon = plan(circle_set, at(hours=2))
    reminder = next_session(circle_set.circle, now=NOW)
    assert reminder is not None
    assert (reminder.session, reminder.phrase, reminder.is_soon) == (
        soon,
        "in 2 hours",
        True,
    )
    reminder = next_session(circle_set.circle, now=at(hours=3, minutes=1))
    assert reminder is not None
    assert (reminder.session, reminder.is_soon) == (later, False)


def test_the_reminder_tag_shows_the_next_session(circle_set):
    plan(circle_set, timezone.now() + dt.timedelta(days=1), now=None)
    html = Template("{% load life_tags %}{% circle_reminders circle %}").render(
        Context({"circle": circle_set.circle})
    )
    assert "Next session" in html
    assert "Tomorrow at" in html
    assert f'href="/circles/{circle_set.circle.pk}/sessions/"' in html


# ---------- recording a session: attendance, a sealed note, hours ----------


def held_session(circle_set, **kwargs):
    session = plan(circle_set, at(days=1), minutes=kwargs.pop("minutes", 90))
    return session


def record(circle_set, session, attended, note="", **kwargs):
    return record_session(
        user=kwargs.pop("user", circle_set.coordinator),
        circle_id=circle_set.circle.pk,
        session_id=session.pk,
        attended={u.pk for u in attended},
        note=note,
        now=kwargs.pop("now", at(days=1, hours=2)),
    )


def test_a_session_is_recorded_only_once_it_has_begun(circle_set):
    session = held_session(circle_set)
    with pytest.raises(Invalid) as refusal:
        record(circle_set, session, circle_set.members, now=at(hours=1))
    assert refusal.value.detail == (
        "This session has not started yet; record it once it has taken place."
    )
    assert SessionAttendance.objects.count() == 0


def test_recording_keeps_attendance_and_a_sealed_note(circle_set):
    session = held_session(circle_set)
    came = [circle_set.mentee, circle_set.coordinator]
    record(circle_set, session, came, note="Talked about the job fair on Friday.")
    session.refresh_from_db()
    assert session.status == CircleSession.Status.HELD
    rows = {a.user: a.attended for a in session.attendance.all()}
    assert rows == {
        circle_set.mentee: True,
        circle_set.coordinator: True,
        circle_set.mentors[1]: False,
    }
    sealed = bytes(session.note_ciphertext)
    assert b"job fair" not in sealed
    assert (
        open_note(
            circle_id=circle_set.circle.pk, purpose=CircleSession.PURPOSE, blob=sealed
        )
        == "Talked about the job fair on Friday."
    )


def test_attending_mentors_get_the_session_time_once(circle_set):
    session = held_session(circle_set, minutes=90)
    record(circle_set, session, circle_set.members)
    logs = ActivityLog.objects.filter(kind=ActivityLog.Kind.SESSION)
    assert sorted((log.mentor_id, log.minutes) for log in logs) == sorted(
        (m.pk, 90) for m in circle_set.mentors
    )
    assert logs.filter(mentor=circle_set.mentee).count() == 0
    # Correcting the record: the second mentor did not come after all.
    record(circle_set, session, [circle_set.mentee, circle_set.coordinator])
    assert [log.mentor for log in ActivityLog.objects.all()] == [circle_set.coordinator]


def test_a_mentors_hours_are_sessions_attended_plus_logged_time(circle_set):
    session = plan_past(circle_set, hours_ago=3)
    record_session(
        user=circle_set.coordinator,
        circle_id=circle_set.circle.pk,
        session_id=session.pk,
        attended={u.pk for u in circle_set.members},
    )
    # The session's day, not today: three hours ago may be last month.
    day = timezone.localdate(session.starts_at)
    log_activity(
        user=circle_set.coordinator,
        circle_id=circle_set.circle.pk,
        day=day,
        minutes=45,
        kind=ActivityLog.Kind.PREPARATION,
    )
    [coordinator, other] = mentor_hours(mentors=circle_set.mentors, month=day)
    assert (coordinator.session_minutes, coordinator.extra_minutes) == (60, 45)
    assert (coordinator.total_minutes, other.total_minutes) == (105, 60)
    # The monitors' under-hours list reads the same ledger.
    monitor = staff(circle_set.program)
    under = {
        row.mentor_id: row.minutes for row in list_under_hours(user=monitor, month=day)
    }
    assert under[circle_set.coordinator.pk] == 105


def test_recording_refuses_strangers_and_non_coordinators(circle_set):
    session = held_session(circle_set)
    outsider = make_member(make_circle(circle_set.program).circle)
    with pytest.raises(Invalid) as refusal:
        record(circle_set, session, [outsider])
    assert refusal.value.field == "attended"
    with pytest.raises(NotAllowed):
        record(circle_set, session, circle_set.members, user=circle_set.mentors[1])
    assert SessionAttendance.objects.count() == 0
    assert ActivityLog.objects.count() == 0


def test_a_cancelled_session_cannot_be_recorded(circle_set):
    session = held_session(circle_set)
    cancel_session(
        user=circle_set.coordinator,
        circle_id=circle_set.circle.pk,
        session_id=session.pk,
        now=NOW,
    )
    with pytest.raises(Invalid):
        record(circle_set, session, circle_set.members)


def test_a_session_of_another_circle_is_not_found(circle_set):
    other = make_circle(circle_set.program)
    session = plan(other, at(days=1))
    with pytest.raises(NotFound):
        record(circle_set, session, circle_set.members)


# ---------- calendar ----------


def test_the_calendar_lists_the_circles_sessions(client: Client, circle_set):
    planned = plan(circle_set, timezone.now() + dt.timedelta(days=2), now=None)
    cancelled = plan(circle_set, timezone.now() + dt.timedelta(days=9), now=None)
    cancel_session(
        user=circle_set.coordinator,
        circle_id=circle_set.circle.pk,
        session_id=cancelled.pk,
    )
    for viewer in (circle_set.mentee, staff(circle_set.program)):
        client.force_login(viewer)
        response = client.get(f"/circles/{circle_set.circle.pk}/calendar.ics")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        calendar = Calendar.from_ical(response.content)
        events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
        first = events[f"circle-{circle_set.circle.pk}-session-{planned.pk}@circles"]
        assert first.decoded("dtstart") == planned.starts_at.replace(microsecond=0)
        assert first.decoded("dtend") == planned.ends_at.replace(microsecond=0)
        assert str(first["status"]) == "CONFIRMED"
        assert circle_set.circle.name in str(first["summary"])
        gone = events[f"circle-{circle_set.circle.pk}-session-{cancelled.pk}@circles"]
        assert str(gone["status"]) == "CANCELLED"


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_calendar_is_not_found_for_anyone_else(client, circle_set):
    plan(circle_set, timezone.now() + dt.timedelta(days=2), now=None)
    same_program = make_circle(circle_set.program).mentee
    other_program = make_circle().mentee
    other_staff = staff(ProgramFactory())
    missing_id = circle_set.circle.pk + 1000
    for viewer in (same_program, other_program, other_staff):
        client.force_login(viewer)
        theirs = client.get(f"/circles/{circle_set.circle.pk}/calendar.ics")
        missing = client.get(f"/circles/{missing_id}/calendar.ics")
        assert theirs.status_code == missing.status_code == 404
        assert without_tokens(theirs.content.decode()) == without_tokens(
            missing.content.decode()
        )


def test_a_member_who_left_no_longer_gets_the_calendar(client, circle_set):
    Membership.objects.filter(user=circle_set.mentors[1]).update(left_at=timezone.now())
    client.force_login(circle_set.mentors[1])
    assert (
        client.get(f"/circles/{circle_set.circle.pk}/calendar.ics").status_code == 404
    )


# ---------- goals ----------


@pytest.fixture
def goal_circle(circle_set):
    publish_agreement(
        by=None,
        circle=circle_set.circle,
        fields={
            "goals_short_term": "- Get a state ID\n- Open a bank account",
            "goals_medium_term": "Find steady work",
            "goals_long_term": "",
            "review_date": TODAY + dt.timedelta(days=5),
        },
    )
    return circle_set


def items(circle_set):
    agreement = circle_set.circle.agreements.order_by("-version").first()
    return list_goal_items(circle_set.circle, agreement)


def test_the_agreements_goals_are_trackable_items(goal_circle):
    assert [(i.term, i.text, i.status) for i in items(goal_circle)] == [
        ("short", "Get a state ID", "not_started"),
        ("short", "Open a bank account", "not_started"),
        ("medium", "Find steady work", "not_started"),
    ]
    assert Goal.objects.count() == 0  # reading writes nothing


def update(circle_set, key, status, notes="", **kwargs):
    return update_goal(
        user=kwargs.pop("user", circle_set.mentee),
        circle_id=circle_set.circle.pk,
        key=key,
        status=status,
        notes=notes,
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def test_a_member_tracks_a_goal_with_status_notes_and_dates(goal_circle):
    first = items(goal_circle)[0]
    goal = update(goal_circle, first.key, "in_progress", notes="Birth certificate sent")
    assert (goal.text, goal.status, goal.started_on, goal.done_on) == (
        "Get a state ID",
        "in_progress",
        TODAY,
        None,
    )
    assert b"Birth certificate" not in bytes(goal.notes_ciphertext)
    later = TODAY + dt.timedelta(days=10)
    goal = update(goal_circle, str(goal.pk), "done", today=later)
    assert (goal.started_on, goal.done_on) == (TODAY, later)
    shown = items(goal_circle)[0]
    assert (shown.key, shown.status, shown.notes) == (str(goal.pk), "done", "")
    goal = update(goal_circle, str(goal.pk), "not_started")
    assert (goal.started_on, goal.done_on) == (None, None)
    assert Goal.objects.count() == 1


def test_a_goal_dropped_from_the_agreement_is_kept_but_not_re_created(goal_circle):
    first = items(goal_circle)[0]
    update(goal_circle, first.key, "in_progress")
    publish_agreement(
        by=None, circle=goal_circle.circle, fields={"goals_short_term": "New goal"}
    )
    listed = items(goal_circle)
    assert [(i.text, i.in_agreement) for i in listed] == [
        ("New goal", True),
        ("Find steady work", True),
        ("Get a state ID", False),
    ]
    with pytest.raises(Invalid) as refusal:
        update(goal_circle, first.key, "done")
    assert "no longer in the agreement" in refusal.value.detail


def test_only_members_of_an_open_circle_update_goals(goal_circle):
    key = items(goal_circle)[0].key
    with pytest.raises(NotAllowed):
        update(goal_circle, key, "done", user=staff(goal_circle.program, Role.ADMIN))
    other = make_circle(goal_circle.program)
    goal = Goal.objects.create(
        circle=other.circle, term="short", text="Theirs", first_version=1
    )
    with pytest.raises(NotFound):
        update(goal_circle, str(goal.pk), "done")
    with pytest.raises(Invalid):
        update(goal_circle, key, "finished")
    close_circle(by=None, circle=goal_circle.circle, reason="Goals met")
    with pytest.raises(Invalid):
        update(goal_circle, key, "done")
    assert Goal.objects.filter(circle=goal_circle.circle).count() == 0


# ---------- review reminders and progress reviews ----------


def test_the_review_date_prompts_a_week_ahead_and_when_overdue(goal_circle):
    circle = goal_circle.circle
    agreement = circle.agreements.order_by("-version").first()
    assert review_due(circle, agreement, today=TODAY - dt.timedelta(days=3)) is None
    due = review_due(circle, agreement, today=TODAY)
    assert due is not None
    assert (due.days, due.phrase, due.is_overdue) == (5, "due in 5 days", False)
    late = review_due(circle, agreement, today=TODAY + dt.timedelta(days=7))
    assert late is not None
    assert (late.phrase, late.is_overdue) == ("overdue by 2 days", True)


def test_staff_see_due_reviews_of_their_programs_only(goal_circle):
    monitor = staff(goal_circle.program)
    elsewhere = staff(ProgramFactory())
    rows = list_reviews_due(user=monitor, today=TODAY)
    assert [(r.circle_id, r.phrase) for r in rows] == [
        (goal_circle.circle.pk, "due in 5 days")
    ]
    assert list_reviews_due(user=elsewhere, today=TODAY) == []


def review(circle_set, **kwargs):
    return record_progress_review(
        user=kwargs.pop("user", circle_set.coordinator),
        circle_id=circle_set.circle.pk,
        held_on=kwargs.pop("held_on", timezone.localdate()),
        summary=kwargs.pop("summary", "ID done; the bank account is next."),
        today=kwargs.pop("today", timezone.localdate()),
        **kwargs,
    )


def test_a_recorded_review_clears_the_reminder_and_keeps_a_snapshot(goal_circle):
    update(goal_circle, items(goal_circle)[0].key, "done")
    recorded = review(goal_circle)
    assert recorded.goals_snapshot[0] == {
        "term": "short",
        "text": "Get a state ID",
        "status": "done",
    }
    assert b"bank account" not in bytes(recorded.summary_ciphertext)
    agreement = goal_circle.circle.agreements.order_by("-version").first()
    assert review_due(goal_circle.circle, agreement, today=TODAY) is None
    monitor = staff(goal_circle.program)
    assert list_reviews_due(user=monitor, today=TODAY) == []


def test_a_review_with_a_next_date_publishes_a_new_agreement_version(goal_circle):
    next_date = timezone.localdate() + dt.timedelta(days=90)
    recorded = review(goal_circle, next_review_date=next_date)
    assert recorded.next_agreement is not None
    assert (recorded.agreement.version, recorded.next_agreement.version) == (2, 3)
    assert recorded.next_agreement.review_date == next_date
    assert recorded.next_agreement.goals_short_term == (
        "- Get a state ID\n- Open a bank account"
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"held_on": timezone.localdate() + dt.timedelta(days=1)}, "held_on"),
        ({"summary": "   "}, "summary"),
        ({"next_review_date": timezone.localdate()}, "next_review_date"),
    ],
)
def test_an_invalid_review_is_refused_and_nothing_saved(goal_circle, kwargs, field):
    with pytest.raises(Invalid) as refusal:
        review(goal_circle, **kwargs)
    assert refusal.value.field == field
    assert ProgressReview.objects.count() == 0
    assert goal_circle.circle.agreements.count() == 2


def test_only_the_coordinator_or_an_administrator_records_reviews(goal_circle):
    with pytest.raises(NotAllowed):
        review(goal_circle, user=goal_circle.mentors[1])
    with pytest.raises(NotAllowed):
        review(goal_circle, user=staff(goal_circle.program, Role.MONITOR))
    assert review(goal_circle, user=staff(goal_circle.program, Role.ADMIN)).pk


# ---------- pages ----------

LIFE_PAGES = ["sessions/", "goals/"]


@pytest.mark.parametrize("suffix", LIFE_PAGES)
def test_members_and_program_staff_open_the_pages(client, goal_circle, suffix):
    for viewer in (goal_circle.mentee, staff(goal_circle.program)):
        client.force_login(viewer)
        response = client.get(f"/circles/{goal_circle.circle.pk}/{suffix}")
        assert response.status_code == 200
        body = response.content.decode()
        assert "/static/frontend/life.css" in body
        assert "<script>" not in body
        assert "style=" not in body
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "style-src 'self'" in csp


@pytest.mark.parametrize("suffix", LIFE_PAGES)
def test_another_programs_circle_is_not_found_exactly_like_a_missing_one(
    client, suffix
):
    circle_set = make_circle(name="Their secret circle")
    client.force_login(make_circle().mentee)
    theirs = client.get(f"/circles/{circle_set.circle.pk}/{suffix}")
    missing = client.get(f"/circles/{circle_set.circle.pk + 1000}/{suffix}")
    assert theirs.status_code == missing.status_code == 404
    assert without_tokens(theirs.content.decode()) == without_tokens(
        missing.content.decode()
    )
    assert circle_set.circle.name not in theirs.content.decode()


@pytest.mark.parametrize("suffix", LIFE_PAGES)
def test_someone_in_the_program_but_not_in_the_circle_is_refused(
    client, circle_set, suffix
):
    client.force_login(make_circle(circle_set.program).mentee)
    response = client.get(f"/circles/{circle_set.circle.pk}/{suffix}")
    assert response.status_code == 403


def test_planning_from_the_page_and_a_refusal_shown_on_the_form(client, circle_set):
    client.force_login(circle_set.coordinator)
    url = f"/circles/{circle_set.circle.pk}/sessions/"
    page = client.get(url).content.decode()
    assert '<label for="id_day">Date</label>' in page
    assert 'name="place"' not in page  # the agreement says online
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    refused = client.post(
        url,
        {
            "day": yesterday.isoformat(),
            "time": "18:00",
            "duration_minutes": "60",
            "mode": "virtual",
        },
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "That time has already passed" in body
    assert 'aria-invalid="true"' in body
    assert CircleSession.objects.count() == 0
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    planned = client.post(
        url,
        {
            "day": tomorrow.isoformat(),
            "time": "18:00",
            "duration_minutes": "60",
            "mode": "virtual",
        },
    )
    assert (planned.status_code, planned["Location"]) == (302, url)
    page = client.get(url).content.decode()
    assert "Next session" in page
    assert "Tomorrow at 18:00" in page


def test_recording_from_the_page(client, circle_set):
    session = plan_past(circle_set, hours_ago=2)
    client.force_login(circle_set.coordinator)
    url = f"/circles/{circle_set.circle.pk}/sessions/{session.pk}/record/"
    form = client.get(url).content.decode()
    assert "Who came" in form
    response = client.post(
        url,
        {"attended": [circle_set.mentee.pk, circle_set.coordinator.pk], "note": "Good"},
    )
    assert response.status_code == 302
    page = client.get(f"/circles/{circle_set.circle.pk}/sessions/").content.decode()
    assert "2 of 3 came" in page
    assert "Good" in page
    client.force_login(circle_set.mentors[1])
    assert client.get(url).status_code == 403


def test_goal_update_and_review_from_the_page(client, goal_circle):
    publish_agreement(
        by=None,
        circle=goal_circle.circle,
        fields={"review_date": timezone.localdate() + dt.timedelta(days=3)},
    )
    client.force_login(goal_circle.coordinator)
    url = f"/circles/{goal_circle.circle.pk}/goals/"
    page = client.get(url).content.decode()
    key = items(goal_circle)[1].key
    assert f'value="{key}"' in page
    assert "<strong>Due in 3 days</strong>" in page
    response = client.post(
        url + "update/",
        {
            "prefix": "goal-1",
            "goal-1-key": key,
            "goal-1-status": "in_progress",
            "goal-1-notes": "Asked at the credit union",
            "goal-1-target_date": "",
        },
    )
    assert response.status_code == 302
    assert Goal.objects.get().text == "Open a bank account"
    refused = client.post(
        url + "review/", {"held_on": timezone.localdate().isoformat(), "summary": ""}
    )
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    done = client.post(
        url + "review/",
        {"held_on": timezone.localdate().isoformat(), "summary": "On track."},
    )
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "On track." in page
    assert (
        get_goals_page(user=goal_circle.mentee, circle_id=goal_circle.circle.pk).due
        is None
    )


def test_cancelling_from_the_page_keeps_the_session_listed_as_cancelled(
    client, circle_set
):
    session = plan(circle_set, timezone.now() + dt.timedelta(days=3), now=None)
    client.force_login(circle_set.coordinator)
    url = f"/circles/{circle_set.circle.pk}/sessions/"
    response = client.post(f"{url}{session.pk}/cancel/")
    assert (response.status_code, response["Location"]) == (302, url)
    session.refresh_from_db()
    assert session.status == CircleSession.Status.CANCELLED
    page = client.get(url).content.decode()
    assert '<span class="badge badge-closed">Cancelled</span>' in page
    assert "Not planned yet: plan it below." in page
    client.force_login(circle_set.mentee)
    refused = client.post(f"{url}{session.pk}/cancel/")
    assert refused.status_code == 403


def test_hours_read_as_people_say_them():
    html = Template(
        "{% load life_tags %}"
        "{{ 45|hours }}|{{ 120|hours }}|{{ 90|hours }}|{{ 0|hours }}"
    ).render(Context())
    assert html == "45 min|2 h|1 h 30 min|0 min"


def test_anonymous_visitors_get_no_calendar(client, circle_set):
    plan(circle_set, timezone.now() + dt.timedelta(days=2), now=None)
    response = client.get(f"/circles/{circle_set.circle.pk}/calendar.ics")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_times_are_read_and_shown_in_the_programs_time_zone(client, circle_set):
    program = circle_set.program
    program.time_zone = "America/Chicago"
    program.save(update_fields=["time_zone"])
    client.force_login(circle_set.coordinator)
    url = f"/circles/{circle_set.circle.pk}/sessions/"
    assert "Times are in the program's time zone, America/Chicago." in (
        client.get(url).content.decode()
    )
    chicago = ZoneInfo("America/Chicago")
    day = timezone.now().astimezone(chicago).date() + dt.timedelta(days=2)
    planned = client.post(
        url,
        {
            "day": day.isoformat(),
            "time": "18:00",
            "duration_minutes": "60",
            "mode": "virtual",
        },
    )
    assert planned.status_code == 302
    session = CircleSession.objects.get()
    assert session.starts_at == dt.datetime.combine(day, dt.time(18), tzinfo=chicago)
    assert "at 18:00" in client.get(url).content.decode()


def test_a_program_time_zone_must_be_a_real_zone():
    program = ProgramFactory.build(time_zone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError, match="is not a time zone"):
        program.full_clean()


def test_staff_of_two_programs_in_one_zone_see_that_zone_on_general_pages(rf):
    first = ProgramFactory(name="Alpha", time_zone="America/Chicago")
    second = ProgramFactory(name="Beta", time_zone="America/Chicago")
    monitor = staff(first)
    grant(monitor, second, Role.MONITOR)
    request = rf.get("/monitor/")
    request.user = monitor
    assert program_time_zone(request, {}) == "America/Chicago"
    third = ProgramFactory(name="Gamma", time_zone="America/New_York")
    grant(monitor, third, Role.MONITOR)
    assert program_time_zone(request, {}) is None  # several zones: the server's
