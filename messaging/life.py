"""A circle's rhythm: planned sessions and attendance, mentors' hours, the agreement's
goals tracked as items, progress reviews, and the circle's calendar.

Services raise config.errors.Invalid with a sentence and write in one transaction, so
a refusal leaves nothing half-saved. Every circle lookup goes through messaging.access
(a circle outside the person's programs is "not found", exactly like a missing one).
What people write (session notes, goal notes, review summaries) is sealed with the
circle's key (archive seal_note). Hours have one ledger, messaging.models.ActivityLog
(messaging/records.py): recording an attending mentor writes their session time there.
Closing circles and the agreement itself stay in messaging.circles.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from accounts.selectors import monitored_programs
from config.errors import Invalid, NotAllowed, NotFound
from messaging.access import access_circle, active_membership, current_agreement
from messaging.circles import can_edit_agreement, publish_agreement
from messaging.models import (
    ActivityLog,
    Agreement,
    Circle,
    CircleRole,
    CircleSession,
    Goal,
    GoalTerm,
    Membership,
    ProgressReview,
    SessionAttendance,
)
from messaging.records import month_bounds, readable_note, seal_optional

MIN_SESSION_MINUTES = 15
MAX_SESSION_MINUTES = 240
PLAN_AHEAD_DAYS = 366
MAX_NOTE_CHARS = 2000
MAX_SUMMARY_CHARS = 4000
MAX_PLACE_CHARS = 200
REVIEW_NOTICE_DAYS = 7  # the review date prompts the circle and staff this early
SOON_HOURS = 24  # a session this close is shown as a reminder


class NotInCircle(NotAllowed):
    """The circle is in one of the person's programs, but they are neither in it nor
    on its program's staff."""


@dataclass(frozen=True)
class CircleAccess:
    circle: Circle
    membership: Membership | None
    is_staff: bool

    @property
    def is_coordinator(self) -> bool:
        return self.membership is not None and self.membership.is_coordinator

    @property
    def is_mentor(self) -> bool:
        return self.membership is not None and self.membership.role == CircleRole.MENTOR


def access_circle_life(
    *, user: User, circle_id: int, lock: bool = False
) -> CircleAccess:
    """The circle for its members and its program's staff: NotFound outside the
    person's programs, NotInCircle (403) for others of the program."""
    circle = access_circle(user=user, circle_id=circle_id, lock=lock)
    membership = active_membership(user=user, circle=circle)
    is_staff = monitored_programs(user).filter(pk=circle.program_id).exists()
    if membership is None and not is_staff:
        raise NotInCircle(_("You are not a member of this circle."))
    return CircleAccess(circle=circle, membership=membership, is_staff=is_staff)


def access_circle_calendar(*, user: User, circle_id: int) -> Circle:
    """The circle, for its active members and its program's staff; anyone else
    (another program, or the same program but not in it) gets "not found"."""
    if not user.is_authenticated:
        raise NotFound(_("No such circle."))
    circle = (
        Circle.objects.select_related("program")
        .filter(pk=circle_id)
        .filter(
            Q(memberships__user=user, memberships__left_at__isnull=True)
            | Q(program__in=monitored_programs(user))
        )
        .distinct()
        .first()
    )
    if circle is None:
        raise NotFound(_("No such circle."))
    return circle


def check_coordinator(access: CircleAccess, doing: str) -> None:
    if not access.is_coordinator:
        raise NotAllowed(
            _("Only the circle's coordinator {doing}.").format(doing=doing)
        )


def aware(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def shown_moment(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return local.strftime("%A %-d %B at %H:%M")


# Sessions ---------------------------------------------------------------------------

_ONLINE_WORDS = re.compile(
    r"\b(online|virtual(ly)?|video|on ?line|in this circle|this circle|circle|"
    r"platform|chat|only|via|on|the|in|through|this|call|calls|zoom|app)\b",
    re.IGNORECASE,
)


def allows_in_person(agreement: Agreement | None) -> bool:
    """Whether the agreement's "where we meet" names somewhere beyond this platform
    ("Online, in this circle" does not; "Library on Main St, or online" does)."""
    if agreement is None:
        return False
    rest = _ONLINE_WORDS.sub(" ", agreement.meeting_place)
    return bool(re.search(r"[^\W\d_]{3,}", re.sub(r"\b(or|and)\b", " ", rest)))


def overlapping(
    sessions: QuerySet[CircleSession], starts_at: datetime, ends_at: datetime
) -> CircleSession | None:
    candidates = sessions.filter(
        status__in=[CircleSession.Status.PLANNED, CircleSession.Status.HELD],
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - timedelta(minutes=24 * 60),
    ).order_by("starts_at")
    return next((s for s in candidates if s.ends_at > starts_at), None)


@transaction.atomic
def plan_session(
    *,
    user: User,
    circle_id: int,
    starts_at: datetime,
    duration_minutes: int,
    mode: str = CircleSession.Mode.VIRTUAL,
    place: str = "",
    now: datetime | None = None,
) -> CircleSession:
    """The coordinator plans the circle's next session."""
    now = now or timezone.now()
    access = access_circle_life(user=user, circle_id=circle_id, lock=True)
    check_coordinator(access, _("plans its sessions"))
    circle = access.circle
    if not circle.is_open:
        raise Invalid(_("This circle is closed; it plans no more sessions."))
    starts_at = aware(starts_at)
    if starts_at <= now:
        raise Invalid(
            _(
                "That time has already passed: plan the session for a time after {now}."
            ).format(now=shown_moment(now)),
            field="starts_at",
        )
    if starts_at > now + timedelta(days=PLAN_AHEAD_DAYS):
        raise Invalid(
            _("Plan sessions at most a year ahead."),
            field="starts_at",
        )
    if not MIN_SESSION_MINUTES <= duration_minutes <= MAX_SESSION_MINUTES:
        raise Invalid(
            _("A session lasts between {low} and {high} minutes.").format(
                low=MIN_SESSION_MINUTES, high=MAX_SESSION_MINUTES
            ),
            field="duration_minutes",
        )
    if mode not in CircleSession.Mode.values:
        raise Invalid(_("Choose online or in person."), field="mode")
    agreement = current_agreement(circle)
    place = place.strip()
    if len(place) > MAX_PLACE_CHARS:
        raise Invalid(
            _("Describe the place in at most {limit} characters.").format(
                limit=MAX_PLACE_CHARS
            ),
            field="place",
        )
    if mode == CircleSession.Mode.IN_PERSON:
        if agreement is None or not allows_in_person(agreement):
            raise Invalid(
                _(
                    "The circle's agreement says it meets “{place}”. To meet in "
                    "person, first agree a place in the agreement."
                ).format(
                    place=agreement.meeting_place if agreement else _("not agreed yet")
                ),
                field="mode",
            )
        place = place or agreement.meeting_place
    else:
        place = ""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    clash = overlapping(circle.sessions.all(), starts_at, ends_at)
    if clash is not None:
        raise Invalid(
            _(
                "This overlaps the session planned for {when} ({minutes} minutes). "
                "Choose another time."
            ).format(
                when=shown_moment(clash.starts_at), minutes=clash.duration_minutes
            ),
            field="starts_at",
        )
    members = Membership.objects.filter(circle=circle, left_at__isnull=True).values(
        "user_id"
    )
    elsewhere = CircleSession.objects.filter(
        circle__status=Circle.Status.OPEN,
        circle__memberships__user_id__in=members,
        circle__memberships__left_at__isnull=True,
    ).exclude(circle=circle)
    if overlapping(elsewhere.distinct(), starts_at, ends_at) is not None:
        raise Invalid(
            _(
                "A member of this circle already has a session in another circle at "
                "that time. Choose another time."
            ),
            field="starts_at",
        )
    return CircleSession.objects.create(
        circle=circle,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        place=place,
        planned_by=user,
    )


def access_session(circle: Circle, session_id: int) -> CircleSession:
    session = CircleSession.objects.filter(circle=circle, pk=session_id).first()
    if session is None:
        raise NotFound(_("No such session."))
    return session


@transaction.atomic
def cancel_session(
    *, user: User, circle_id: int, session_id: int, now: datetime | None = None
) -> CircleSession:
    now = now or timezone.now()
    access = access_circle_life(user=user, circle_id=circle_id, lock=True)
    check_coordinator(access, _("cancels its sessions"))
    session = access_session(access.circle, session_id)
    if session.status != CircleSession.Status.PLANNED:
        raise Invalid(_("Only a planned session can be cancelled."))
    if session.starts_at <= now:
        raise Invalid(
            _("This session has already started; record who came instead."),
        )
    session.status = CircleSession.Status.CANCELLED
    session.cancelled_at = now
    session.save(update_fields=["status", "cancelled_at"])
    return session


@sensitive_variables("note")
@transaction.atomic
def record_session(
    *,
    user: User,
    circle_id: int,
    session_id: int,
    attended: Collection[int],
    note: str = "",
    now: datetime | None = None,
) -> CircleSession:
    """The coordinator records who came and a short note, after the session began.

    Recording again corrects the record. Each attending mentor's time is one
    ActivityLog row (kind "session"), so their hours count it exactly once.
    """
    now = now or timezone.now()
    access = access_circle_life(user=user, circle_id=circle_id, lock=True)
    check_coordinator(access, _("records its sessions"))
    circle = access.circle
    session = access_session(circle, session_id)
    if session.status == CircleSession.Status.CANCELLED:
        raise Invalid(_("This session was cancelled, so there is nothing to record."))
    if session.starts_at > now:
        raise Invalid(
            _("This session has not started yet; record it once it has taken place.")
        )
    members = list(
        Membership.objects.filter(circle=circle, left_at__isnull=True).select_related(
            "user"
        )
    )
    ids = {m.user_id for m in members}
    unknown = set(attended) - ids
    if unknown:
        raise Invalid(_("Choose from the circle's members."), field="attended")
    note = note.strip()
    if len(note) > MAX_NOTE_CHARS:
        raise Invalid(
            _(
                "A session note can be at most {limit} characters; this one has "
                "{length}."
            ).format(limit=MAX_NOTE_CHARS, length=len(note)),
            field="note",
        )
    day = timezone.localtime(session.starts_at).date()
    existing = {
        row.user_id: row
        for row in SessionAttendance.objects.filter(session=session).select_related(
            "activity"
        )
    }
    for member in members:
        came = member.user_id in attended
        row = existing.get(member.user_id) or SessionAttendance(
            session=session, user=member.user, role=member.role, attended=came
        )
        row.attended = came
        row.role = member.role
        log = row.activity
        if came and member.role == CircleRole.MENTOR:
            if log is None:
                log = ActivityLog.objects.create(
                    circle=circle,
                    mentor=member.user,
                    day=day,
                    minutes=session.duration_minutes,
                    kind=ActivityLog.Kind.SESSION,
                )
            else:
                log.day, log.minutes = day, session.duration_minutes
                log.save(update_fields=["day", "minutes"])
            row.activity = log
        elif log is not None:
            row.activity = None
            row.save()
            log.delete()
        row.save()
    session.status = CircleSession.Status.HELD
    session.note_ciphertext = seal_optional(
        circle_id=circle.pk, purpose=CircleSession.PURPOSE, text=note
    )
    session.recorded_by = user
    session.recorded_at = now
    session.save(
        update_fields=["status", "note_ciphertext", "recorded_by", "recorded_at"]
    )
    return session


def when_phrase(starts_at: datetime, now: datetime, minutes: int = 0) -> str:
    """How far off a session is, as people say it: "in 2 hours", "tomorrow at 18:00"."""
    if starts_at <= now < starts_at + timedelta(minutes=minutes):
        return _("happening now")
    seconds = (starts_at - now).total_seconds()
    if seconds < 0:
        return _("on {day}").format(
            day=timezone.localtime(starts_at).strftime("%-d %B")
        )
    if seconds < 3600:
        count = max(1, round(seconds / 60))
        return ngettext("in {count} minute", "in {count} minutes", count).format(
            count=count
        )
    if seconds < 6 * 3600:
        count = round(seconds / 3600)
        return ngettext("in {count} hour", "in {count} hours", count).format(
            count=count
        )
    local = timezone.localtime(starts_at)
    days = (local.date() - timezone.localtime(now).date()).days
    clock = local.strftime("%H:%M")
    if days == 0:
        return _("today at {time}").format(time=clock)
    if days == 1:
        return _("tomorrow at {time}").format(time=clock)
    if days < 7:
        return _("on {weekday} at {time}").format(
            weekday=local.strftime("%A"), time=clock
        )
    return _("on {weekday} {day} at {time}").format(
        weekday=local.strftime("%A"), day=local.strftime("%-d %B"), time=clock
    )


@dataclass(frozen=True)
class Reminder:
    session: CircleSession
    phrase: str
    is_soon: bool
    is_now: bool

    @property
    def where(self) -> str:
        if self.session.mode == CircleSession.Mode.IN_PERSON:
            return self.session.place
        return str(CircleSession.Mode.VIRTUAL.label)


def next_session(circle: Circle, *, now: datetime | None = None) -> Reminder | None:
    """The circle's next planned session that has not ended, with how far off it is."""
    now = now or timezone.now()
    candidates = circle.sessions.filter(
        status=CircleSession.Status.PLANNED,
        starts_at__gt=now - timedelta(minutes=MAX_SESSION_MINUTES),
    ).order_by("starts_at")
    session = next((s for s in candidates if s.ends_at > now), None)
    if session is None:
        return None
    return Reminder(
        session=session,
        phrase=when_phrase(session.starts_at, now, session.duration_minutes),
        is_soon=session.starts_at - now <= timedelta(hours=SOON_HOURS),
        is_now=session.starts_at <= now,
    )


@dataclass(frozen=True)
class AttendanceRow:
    name: str
    role: str
    attended: bool


@dataclass(frozen=True)
class SessionRow:
    session: CircleSession
    phrase: str
    needs_record: bool  # began, not recorded yet
    note: str | None  # "" none written, None destroyed under retention
    attendance: list[AttendanceRow]

    @property
    def came(self) -> int:
        return sum(1 for row in self.attendance if row.attended)


@dataclass(frozen=True)
class Hours:
    mentor_id: int
    name: str
    session_minutes: int
    extra_minutes: int

    @property
    def total_minutes(self) -> int:
        return self.session_minutes + self.extra_minutes


def mentor_hours(
    *,
    mentors: Iterable[User],
    month: date,
    circle: Circle | None = None,
) -> list[Hours]:
    """Each mentor's time in `month`: sessions attended (recorded attendance) plus
    extra time they logged, in `circle` or in all their circles."""
    start, end = month_bounds(month)
    people = list(mentors)
    logs = ActivityLog.objects.filter(
        mentor__in=people, day__gte=start, day__lt=end
    ).select_related("session_attendance")
    if circle is not None:
        logs = logs.filter(circle=circle)
    totals: dict[int, list[int]] = {p.pk: [0, 0] for p in people}
    for log in logs:
        from_session = hasattr(log, "session_attendance")
        totals[log.mentor_id][0 if from_session else 1] += log.minutes
    return [
        Hours(
            mentor_id=p.pk,
            name=p.shown_name,
            session_minutes=totals[p.pk][0],
            extra_minutes=totals[p.pk][1],
        )
        for p in people
    ]


@dataclass(frozen=True)
class SessionsPage:
    access: CircleAccess
    reminder: Reminder | None
    upcoming: list[SessionRow]
    past: list[SessionRow]
    members: list[Membership]
    hours: list[Hours]
    month: date
    in_person_allowed: bool
    meeting_place: str
    default_minutes: int

    @property
    def can_plan(self) -> bool:
        return self.access.is_coordinator and self.access.circle.is_open

    @property
    def can_record(self) -> bool:
        return self.access.is_coordinator


def session_rows(
    circle: Circle, sessions: Iterable[CircleSession], now: datetime
) -> list[SessionRow]:
    rows = []
    for session in sessions:
        attendance = [
            AttendanceRow(
                name=a.user.shown_name,
                role=a.get_role_display(),
                attended=a.attended,
            )
            for a in session.attendance.all()
        ]
        rows.append(
            SessionRow(
                session=session,
                phrase=when_phrase(session.starts_at, now, session.duration_minutes),
                needs_record=session.status == CircleSession.Status.PLANNED
                and session.starts_at <= now,
                note=readable_note(
                    circle_id=circle.pk,
                    purpose=CircleSession.PURPOSE,
                    blob=session.note_ciphertext,
                ),
                attendance=attendance,
            )
        )
    return rows


def get_sessions_page(
    *, user: User, circle_id: int, now: datetime | None = None
) -> SessionsPage:
    now = now or timezone.now()
    access = access_circle_life(user=user, circle_id=circle_id)
    circle = access.circle
    sessions = list(
        circle.sessions.select_related("planned_by", "recorded_by")
        .prefetch_related("attendance__user")
        .order_by("starts_at")
    )
    upcoming = [  # still to come, including cancelled ones, so nobody turns up
        s
        for s in sessions
        if s.status != CircleSession.Status.HELD and s.starts_at > now
    ]
    past = [s for s in sessions if s not in upcoming]
    past.reverse()
    members = list(
        Membership.objects.filter(circle=circle, left_at__isnull=True)
        .select_related("user")
        .order_by("-is_coordinator", "role", "joined_at")
    )
    month = timezone.localtime(now).date().replace(day=1)
    if access.is_staff:
        shown = [m.user for m in members if m.role == CircleRole.MENTOR]
    elif access.is_mentor:
        shown = [user]
    else:
        shown = []
    agreement = current_agreement(circle)
    return SessionsPage(
        access=access,
        reminder=next_session(circle, now=now),
        upcoming=session_rows(circle, upcoming, now),
        past=session_rows(circle, past, now),
        members=members,
        hours=mentor_hours(mentors=shown, month=month, circle=circle),
        month=month,
        in_person_allowed=allows_in_person(agreement),
        meeting_place=agreement.meeting_place if agreement else "",
        default_minutes=agreement.meeting_length_minutes if agreement else 60,
    )


def get_record_page(
    *, user: User, circle_id: int, session_id: int, now: datetime | None = None
) -> tuple[CircleAccess, SessionRow, list[Membership], set[int]]:
    """What the coordinator's attendance form shows: the session, the members, and
    who is already recorded as having come."""
    now = now or timezone.now()
    access = access_circle_life(user=user, circle_id=circle_id)
    check_coordinator(access, _("records its sessions"))
    session = access_session(access.circle, session_id)
    members = list(
        Membership.objects.filter(circle=access.circle, left_at__isnull=True)
        .select_related("user")
        .order_by("-is_coordinator", "role", "joined_at")
    )
    came = set(
        session.attendance.filter(attended=True).values_list("user_id", flat=True)
    )
    [row] = session_rows(access.circle, [session], now)
    return access, row, members, came


# Calendar ---------------------------------------------------------------------------


def calendar_ics(
    *, circle: Circle, base_url: str, now: datetime | None = None
) -> bytes:
    """The circle's sessions as iCalendar: planned and held ones, and cancelled ones
    marked CANCELLED so calendars that imported them drop them."""
    from icalendar import Calendar, Event

    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Circles//Circle sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("{circle}: sessions").format(circle=circle.name))
    link = f"{base_url}/circles/{circle.pk}/sessions/"
    for session in circle.sessions.order_by("starts_at"):
        event = Event()
        event.add("uid", f"circle-{circle.pk}-session-{session.pk}@circles")
        event.add("dtstamp", now)
        event.add("created", session.created_at)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", _("{circle}: circle session").format(circle=circle.name))
        if session.mode == CircleSession.Mode.IN_PERSON:
            event.add("location", session.place)
        else:
            event.add("location", _("Online, in this circle: {link}").format(link=link))
        event.add(
            "description",
            _("Planned in Circles. Details and the circle: {link}").format(link=link),
        )
        event.add("url", link)
        event.add(
            "status",
            "CANCELLED"
            if session.status == CircleSession.Status.CANCELLED
            else "CONFIRMED",
        )
        calendar.add_component(event)
    return bytes(calendar.to_ical())


# Goals ------------------------------------------------------------------------------

TERM_FIELDS = (
    (GoalTerm.SHORT, "goals_short_term"),
    (GoalTerm.MEDIUM, "goals_medium_term"),
    (GoalTerm.LONG, "goals_long_term"),
)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s*")


def goal_lines(agreement: Agreement | None) -> list[tuple[str, str]]:
    """The agreement's goals, one item a line: (term, text)."""
    if agreement is None:
        return []
    lines = []
    for term, name in TERM_FIELDS:
        for line in str(getattr(agreement, name)).splitlines():
            text = _BULLET.sub("", line).strip()
            if text:
                lines.append((str(term), text))
    return lines


def goal_key(term: str, text: str) -> str:
    digest = hashlib.sha256(f"{term}\n{text.casefold()}".encode()).hexdigest()[:16]
    return f"new-{term}-{digest}"


@dataclass(frozen=True)
class GoalItem:
    key: str  # the Goal's id, or goal_key() for an agreement goal not tracked yet
    term: str
    term_label: str
    text: str
    status: str
    status_label: str
    notes: str | None
    target_date: date | None
    started_on: date | None
    done_on: date | None
    in_agreement: bool
    updated_at: datetime | None
    updated_by: str


def goal_item(goal: Goal, *, in_agreement: bool) -> GoalItem:
    return GoalItem(
        key=str(goal.pk),
        term=goal.term,
        term_label=goal.get_term_display(),
        text=goal.text,
        status=goal.status,
        status_label=goal.get_status_display(),
        notes=readable_note(
            circle_id=goal.circle_id, purpose=Goal.PURPOSE, blob=goal.notes_ciphertext
        ),
        target_date=goal.target_date,
        started_on=goal.started_on,
        done_on=goal.done_on,
        in_agreement=in_agreement,
        updated_at=goal.updated_at if goal.updated_by_id else None,
        updated_by=goal.updated_by.shown_name if goal.updated_by else "",
    )


def list_goal_items(circle: Circle, agreement: Agreement | None) -> list[GoalItem]:
    """The current agreement's goals (tracked or not yet), then goals tracked from
    earlier versions that the agreement no longer lists."""
    tracked = list(circle.goals.select_related("updated_by").order_by("created_at"))
    by_text = {(g.term, g.text.casefold()): g for g in tracked}
    items = []
    used: set[int] = set()
    for term, text in goal_lines(agreement):
        goal = by_text.get((term, text.casefold()))
        if goal is not None:
            used.add(goal.pk)
            items.append(goal_item(goal, in_agreement=True))
        else:
            items.append(
                GoalItem(
                    key=goal_key(term, text),
                    term=term,
                    term_label=str(GoalTerm(term).label),
                    text=text,
                    status=Goal.Status.NOT_STARTED,
                    status_label=str(Goal.Status.NOT_STARTED.label),
                    notes="",
                    target_date=None,
                    started_on=None,
                    done_on=None,
                    in_agreement=True,
                    updated_at=None,
                    updated_by="",
                )
            )
    items.extend(goal_item(g, in_agreement=False) for g in tracked if g.pk not in used)
    return items


def resolve_goal(circle: Circle, key: str) -> Goal:
    """The tracked goal for `key`, tracking an agreement goal on its first update."""
    if key.isdigit():
        goal = circle.goals.filter(pk=int(key)).first()
        if goal is None:
            raise NotFound(_("No such goal."))
        return goal
    agreement = current_agreement(circle)
    if agreement is None:
        raise Invalid(_("The circle has no agreement yet."), field="goal")
    for term, text in goal_lines(agreement):
        if goal_key(term, text) == key:
            for goal in circle.goals.filter(term=term):
                if goal.text.casefold() == text.casefold():
                    return goal
            return Goal(
                circle=circle, term=term, text=text, first_version=agreement.version
            )
    raise Invalid(
        _("That goal is no longer in the agreement; reload the page and try again."),
        field="goal",
    )


@sensitive_variables("notes")
@transaction.atomic
def update_goal(
    *,
    user: User,
    circle_id: int,
    key: str,
    status: str,
    notes: str,
    target_date: date | None = None,
    today: date | None = None,
) -> Goal:
    """A member of the circle updates a goal's status, notes and target date."""
    today = today or timezone.localdate()
    access = access_circle_life(user=user, circle_id=circle_id, lock=True)
    if access.membership is None:
        raise NotAllowed(_("Only the circle's members update its goals."))
    if not access.circle.is_open:
        raise Invalid(_("This circle is closed; its goals can no longer change."))
    if status not in Goal.Status.values:
        raise Invalid(_("Choose not started, in progress or done."), field="status")
    notes = notes.strip()
    if len(notes) > MAX_NOTE_CHARS:
        raise Invalid(
            _("Notes can be at most {limit} characters; these have {length}.").format(
                limit=MAX_NOTE_CHARS, length=len(notes)
            ),
            field="notes",
        )
    goal = resolve_goal(access.circle, key)
    if status == Goal.Status.NOT_STARTED:
        goal.started_on = None
    elif goal.started_on is None:
        goal.started_on = today
    goal.done_on = (goal.done_on or today) if status == Goal.Status.DONE else None
    goal.status = status
    goal.target_date = target_date
    goal.notes_ciphertext = seal_optional(
        circle_id=access.circle.pk, purpose=Goal.PURPOSE, text=notes
    )
    goal.updated_by = user
    goal.updated_at = timezone.now()
    goal.save()
    return goal


@dataclass(frozen=True)
class ReviewDue:
    circle_id: int
    circle_name: str
    program: str
    review_date: date
    days: int  # until the review date; negative when overdue
    agreement_version: int

    @property
    def is_overdue(self) -> bool:
        return self.days < 0

    @property
    def phrase(self) -> str:
        if self.days == 0:
            return _("due today")
        if self.days > 0:
            return ngettext("due tomorrow", "due in {count} days", self.days).format(
                count=self.days
            )
        return ngettext(
            "overdue by {count} day", "overdue by {count} days", -self.days
        ).format(count=-self.days)


def review_due(
    circle: Circle, agreement: Agreement | None, *, today: date
) -> ReviewDue | None:
    """The circle's progress review, when its date is near or past and no review of
    this agreement version is recorded yet."""
    if agreement is None or agreement.review_date is None or not circle.is_open:
        return None
    days = (agreement.review_date - today).days
    if days > REVIEW_NOTICE_DAYS:
        return None
    if ProgressReview.objects.filter(agreement=agreement).exists():
        return None
    return ReviewDue(
        circle_id=circle.pk,
        circle_name=circle.name,
        program=circle.program.name,
        review_date=agreement.review_date,
        days=days,
        agreement_version=agreement.version,
    )


def list_reviews_due(*, user: User, today: date | None = None) -> list[ReviewDue]:
    """Open circles of `user`'s programs whose progress review is near or past its
    date and not yet recorded: most overdue first."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=REVIEW_NOTICE_DAYS)
    agreements = (
        Agreement.objects.filter(
            circle__program__in=monitored_programs(user),
            circle__status=Circle.Status.OPEN,
            review_date__lte=horizon,
        )
        .select_related("circle__program")
        .order_by("circle_id", "-version")
    )
    due = []
    latest_versions = {
        row["circle_id"]: row["version"]
        for row in Agreement.objects.filter(
            circle__program__in=monitored_programs(user),
            circle__status=Circle.Status.OPEN,
        )
        .order_by("circle_id", "version")
        .values("circle_id", "version")
    }
    for agreement in agreements:
        if latest_versions.get(agreement.circle_id) != agreement.version:
            continue  # a newer version set another date
        row = review_due(agreement.circle, agreement, today=today)
        if row is not None:
            due.append(row)
    due.sort(key=lambda row: (row.days, row.program, row.circle_name))
    return due


@dataclass(frozen=True)
class ReviewRow:
    review: ProgressReview
    summary: str | None
    goals: list[dict[str, str]]


@dataclass(frozen=True)
class GoalsPage:
    access: CircleAccess
    agreement: Agreement | None
    items: list[GoalItem]
    due: ReviewDue | None
    reviews: list[ReviewRow]
    today: date
    can_review: bool

    @property
    def can_update(self) -> bool:
        return self.access.membership is not None and self.access.circle.is_open


def get_goals_page(
    *, user: User, circle_id: int, today: date | None = None
) -> GoalsPage:
    today = today or timezone.localdate()
    access = access_circle_life(user=user, circle_id=circle_id)
    circle = access.circle
    agreement = current_agreement(circle)
    reviews = [
        ReviewRow(
            review=review,
            summary=readable_note(
                circle_id=circle.pk,
                purpose=ProgressReview.PURPOSE,
                blob=review.summary_ciphertext,
            ),
            goals=list(review.goals_snapshot),
        )
        for review in circle.progress_reviews.select_related(
            "recorded_by", "agreement", "next_agreement"
        )
    ]
    return GoalsPage(
        access=access,
        agreement=agreement,
        items=list_goal_items(circle, agreement),
        due=review_due(circle, agreement, today=today),
        reviews=reviews,
        today=today,
        can_review=agreement is not None
        and circle.is_open
        and can_edit_agreement(user=user, circle=circle),
    )


@sensitive_variables("summary")
@transaction.atomic
def record_progress_review(
    *,
    user: User,
    circle_id: int,
    held_on: date,
    summary: str,
    next_review_date: date | None = None,
    today: date | None = None,
) -> ProgressReview:
    """The coordinator (or a program administrator) records the circle's progress
    review; with a next review date, a new agreement version follows (every member
    accepts it again, as for any change to the agreement)."""
    today = today or timezone.localdate()
    access = access_circle_life(user=user, circle_id=circle_id, lock=True)
    circle = access.circle
    if not can_edit_agreement(user=user, circle=circle):
        raise NotAllowed(_("Only the circle's coordinator records its reviews."))
    if not circle.is_open:
        raise Invalid(_("This circle is closed; it records no more reviews."))
    agreement = current_agreement(circle)
    if agreement is None:
        raise Invalid(_("The circle has no agreement yet, so no goals to review."))
    if held_on > today:
        raise Invalid(
            _("A review is recorded once it has happened: choose today or earlier."),
            field="held_on",
        )
    if held_on < timezone.localtime(agreement.created_at).date():
        raise Invalid(
            _(
                "The review must be on or after the day this agreement version was "
                "written ({day})."
            ).format(
                day=timezone.localtime(agreement.created_at).strftime("%-d %B %Y")
            ),
            field="held_on",
        )
    summary = summary.strip()
    if not summary:
        raise Invalid(
            _("Write what the circle found when it looked back at its goals."),
            field="summary",
        )
    if len(summary) > MAX_SUMMARY_CHARS:
        raise Invalid(
            _(
                "A summary can be at most {limit} characters; this one has {length}."
            ).format(limit=MAX_SUMMARY_CHARS, length=len(summary)),
            field="summary",
        )
    if next_review_date is not None and next_review_date <= today:
        raise Invalid(
            _("The next review date must be after today."), field="next_review_date"
        )
    snapshot = [
        {"term": item.term, "text": item.text, "status": item.status}
        for item in list_goal_items(circle, agreement)
    ]
    review = ProgressReview.objects.create(
        circle=circle,
        agreement=agreement,
        held_on=held_on,
        recorded_by=user,
        summary_ciphertext=seal_optional(
            circle_id=circle.pk, purpose=ProgressReview.PURPOSE, text=summary
        ),
        goals_snapshot=snapshot,
    )
    if next_review_date is not None:
        review.next_agreement = publish_agreement(
            by=user, circle=circle, fields={"review_date": next_review_date}
        )
        review.save(update_fields=["next_agreement"])
    return review
