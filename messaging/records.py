"""Written records: mentors' hours and activity, staff follow-up notes, and the two
oversight lists built on them (mentors overdue for a follow-up, mentors under their
monthly hours).

Free text is sealed with the circle's key (archive seal_note) and opened only for the
people allowed to read it: a mentor's own activity notes for that mentor, follow-up
notes for the program's staff. Staff reads are scoped to their programs inside the
query (messaging.staff, messaging.access).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from archive.errors import CircleShredded
from archive.services import open_note, seal_note
from config.errors import Invalid, NotAllowed
from messaging.access import access_circle, access_circle_as_staff, active_membership
from messaging.models import (
    ActivityLog,
    Circle,
    CircleRole,
    FollowUpNote,
    Membership,
)
from messaging.staff import staff_programs

FOLLOW_UP_DAYS = 30  # staff follow up with each mentor at least monthly
MONTHLY_TARGET_MINUTES = 4 * 60  # mentors give about 4 hours a month
MAX_ACTIVITY_MINUTES = 12 * 60
ACTIVITY_BACKDATE_DAYS = 92
MAX_ACTIVITY_NOTE_CHARS = 500
MAX_NOTE_CHARS = 4000


def readable_note(
    *, circle_id: int, purpose: str, blob: bytes | memoryview
) -> str | None:
    """Decrypted free text, "" when none was written, None when the circle's key was
    destroyed under the retention policy (the page says so instead of showing it)."""
    blob = bytes(blob)
    if not blob:
        return ""
    try:
        return open_note(circle_id=circle_id, purpose=purpose, blob=blob)
    except CircleShredded:
        return None


def seal_optional(*, circle_id: int, purpose: str, text: str) -> bytes:
    return seal_note(circle_id=circle_id, purpose=purpose, text=text) if text else b""


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


# Mentors' hours ----------------------------------------------------------------------


@sensitive_variables("note")
@transaction.atomic
def log_activity(
    *,
    user: User,
    circle_id: int,
    day: date,
    minutes: int,
    kind: str,
    note: str = "",
    today: date | None = None,
) -> ActivityLog:
    """A mentor of the circle records time spent on it."""
    today = today or timezone.localdate()
    circle = access_circle(user=user, circle_id=circle_id)
    membership = active_membership(user=user, circle=circle)
    if membership is None or membership.role != CircleRole.MENTOR:
        raise NotAllowed(_("Only the circle's mentors log their hours here."))
    if day > today:
        raise Invalid(_("Log time on or before today."), field="day")
    if day < today - timedelta(days=ACTIVITY_BACKDATE_DAYS):
        raise Invalid(
            _("Log time within the last {days} days.").format(
                days=ACTIVITY_BACKDATE_DAYS
            ),
            field="day",
        )
    if not 1 <= minutes <= MAX_ACTIVITY_MINUTES:
        raise Invalid(
            _("Minutes must be between 1 and {limit}.").format(
                limit=MAX_ACTIVITY_MINUTES
            ),
            field="minutes",
        )
    if kind not in ActivityLog.Kind.values:
        raise Invalid(
            _("Choose a kind of activity: {kinds}.").format(
                kinds=", ".join(ActivityLog.Kind.values)
            ),
            field="kind",
        )
    note = note.strip()
    if len(note) > MAX_ACTIVITY_NOTE_CHARS:
        raise Invalid(
            _("A note can be at most {limit} characters.").format(
                limit=MAX_ACTIVITY_NOTE_CHARS
            ),
            field="note",
        )
    return ActivityLog.objects.create(
        circle=circle,
        mentor=user,
        day=day,
        minutes=minutes,
        kind=kind,
        note_ciphertext=seal_optional(
            circle_id=circle.pk, purpose=ActivityLog.PURPOSE, text=note
        ),
    )


def activity_row(log: ActivityLog, *, with_note: bool) -> dict[str, object]:
    row: dict[str, object] = {
        "id": log.pk,
        "circle": log.circle_id,
        "mentor": {"id": log.mentor_id, "name": log.mentor.shown_name},
        "day": log.day.isoformat(),
        "minutes": log.minutes,
        "kind": log.kind,
        "kind_label": log.get_kind_display(),
    }
    if with_note:
        row["note"] = readable_note(
            circle_id=log.circle_id,
            purpose=ActivityLog.PURPOSE,
            blob=log.note_ciphertext,
        )
    return row


@dataclass(frozen=True)
class ActivityPage:
    circle: Circle
    month: date
    logs: list[dict[str, object]]
    minutes: int
    target_minutes: int = MONTHLY_TARGET_MINUTES


def list_my_activity(
    *, user: User, circle_id: int, month: date | None = None
) -> ActivityPage:
    """A mentor's own logs in the circle for a month, with their notes."""
    circle = access_circle(user=user, circle_id=circle_id)
    membership = active_membership(user=user, circle=circle)
    if membership is None or membership.role != CircleRole.MENTOR:
        raise NotAllowed(_("Only the circle's mentors log their hours here."))
    start, end = month_bounds(month or timezone.localdate())
    logs = list(
        ActivityLog.objects.filter(
            circle=circle, mentor=user, day__gte=start, day__lt=end
        ).select_related("mentor")
    )
    return ActivityPage(
        circle=circle,
        month=start,
        logs=[activity_row(log, with_note=True) for log in logs],
        minutes=sum(log.minutes for log in logs),
    )


def list_circle_activity(
    *, user: User, circle_id: int, month: date | None = None
) -> list[dict[str, object]]:
    """Every mentor's hours in the circle for a month, for staff (without the
    mentors' own notes: hours are what oversight needs)."""
    circle = access_circle_as_staff(user=user, circle_id=circle_id)
    start, end = month_bounds(month or timezone.localdate())
    logs = ActivityLog.objects.filter(
        circle=circle, day__gte=start, day__lt=end
    ).select_related("mentor")
    return [activity_row(log, with_note=False) for log in logs]


# Staff follow-ups ------------------------------------------------------------------


def mentor_of(circle: Circle, mentor_id: int | None) -> User | None:
    """A mentor who is (or was) in the circle, or None for a note about the circle."""
    if mentor_id is None:
        return None
    membership = (
        Membership.objects.filter(
            circle=circle, user_id=mentor_id, role=CircleRole.MENTOR
        )
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Invalid(_("Choose one of the circle's mentors."), field="mentor")
    return membership.user


@sensitive_variables("text")
@transaction.atomic
def write_follow_up(
    *,
    user: User,
    circle_id: int,
    mentor_id: int | None,
    text: str,
    method: str = FollowUpNote.Method.PHONE,
    day: date | None = None,
    today: date | None = None,
) -> FollowUpNote:
    """Staff record a follow-up with a mentor of the circle (or about the circle)."""
    today = today or timezone.localdate()
    circle = access_circle_as_staff(user=user, circle_id=circle_id)
    mentor = mentor_of(circle, mentor_id)
    text = text.strip()
    if not text:
        raise Invalid(_("Write what was discussed."), field="text")
    if len(text) > MAX_NOTE_CHARS:
        raise Invalid(
            _("A note can be at most {limit} characters.").format(limit=MAX_NOTE_CHARS),
            field="text",
        )
    if method not in FollowUpNote.Method.values:
        raise Invalid(_("Choose how you followed up."), field="method")
    day = day or today
    if day > today:
        raise Invalid(_("A follow-up can't be dated in the future."), field="day")
    return FollowUpNote.objects.create(
        circle=circle,
        mentor=mentor,
        author=user,
        day=day,
        method=method,
        text_ciphertext=seal_note(
            circle_id=circle.pk, purpose=FollowUpNote.PURPOSE, text=text
        ),
    )


def follow_up_row(note: FollowUpNote) -> dict[str, object]:
    return {
        "id": note.pk,
        "circle": note.circle_id,
        "mentor": None
        if note.mentor is None
        else {"id": note.mentor.pk, "name": note.mentor.shown_name},
        "author": {"id": note.author.pk, "name": note.author.shown_name},
        "day": note.day.isoformat(),
        "method": note.method,
        "method_label": note.get_method_display(),
        "text": readable_note(
            circle_id=note.circle_id,
            purpose=FollowUpNote.PURPOSE,
            blob=note.text_ciphertext,
        ),
    }


def list_follow_ups(*, user: User, circle_id: int) -> list[dict[str, object]]:
    circle = access_circle_as_staff(user=user, circle_id=circle_id)
    notes = FollowUpNote.objects.filter(circle=circle).select_related(
        "mentor", "author"
    )
    return [follow_up_row(note) for note in notes]


@dataclass(frozen=True)
class MentorDue:
    program_id: int
    program: str
    mentor_id: int
    mentor: str
    circles: list[tuple[int, str]]
    last_follow_up: date | None
    due_on: date
    days_overdue: int

    def as_dict(self) -> dict[str, object]:
        return {
            "program": self.program_id,
            "program_name": self.program,
            "mentor": {"id": self.mentor_id, "name": self.mentor},
            "circles": [{"id": pk, "name": name} for pk, name in self.circles],
            "last_follow_up": self.last_follow_up.isoformat()
            if self.last_follow_up
            else None,
            "due_on": self.due_on.isoformat(),
            "days_overdue": self.days_overdue,
        }


def active_mentors(user: User) -> dict[tuple[int, int], list[Membership]]:
    """(program id, mentor id) -> their active memberships in open circles."""
    programs = staff_programs(user)
    memberships = (
        Membership.objects.filter(
            role=CircleRole.MENTOR,
            left_at__isnull=True,
            circle__status=Circle.Status.OPEN,
            circle__program__in=programs,
        )
        .select_related("user", "circle__program")
        .order_by("circle__program__name", "user__username", "circle__name")
    )
    mentors: dict[tuple[int, int], list[Membership]] = defaultdict(list)
    for membership in memberships:
        mentors[(membership.circle.program_id, membership.user_id)].append(membership)
    return mentors


def list_overdue_follow_ups(
    *, user: User, today: date | None = None
) -> list[MentorDue]:
    """Mentors (in open circles of `user`'s programs) with no follow-up note in the
    last FOLLOW_UP_DAYS days; a mentor is due FOLLOW_UP_DAYS after joining or after
    their last note, whichever is later. Most overdue first. Two queries."""
    today = today or timezone.localdate()
    mentors = active_mentors(user)
    if not mentors:
        return []
    last_notes = {
        (row["circle__program_id"], row["mentor_id"]): row["last"]
        for row in FollowUpNote.objects.filter(
            mentor_id__in={mentor for _program, mentor in mentors},
            circle__program_id__in={program for program, _mentor in mentors},
        )
        .values("circle__program_id", "mentor_id")
        .annotate(last=Max("day"))
    }
    due = []
    for (program_id, mentor_id), memberships in mentors.items():
        first = memberships[0]
        joined = min(m.joined_at for m in memberships).date()
        last = last_notes.get((program_id, mentor_id))
        since = max(joined, last) if last else joined
        due_on = since + timedelta(days=FOLLOW_UP_DAYS)
        if due_on >= today:
            continue
        due.append(
            MentorDue(
                program_id=program_id,
                program=first.circle.program.name,
                mentor_id=mentor_id,
                mentor=first.user.shown_name,
                circles=[(m.circle_id, m.circle.name) for m in memberships],
                last_follow_up=last,
                due_on=due_on,
                days_overdue=(today - due_on).days,
            )
        )
    due.sort(key=lambda row: (-row.days_overdue, row.program, row.mentor))
    return due


@dataclass(frozen=True)
class MentorHours:
    program_id: int
    program: str
    mentor_id: int
    mentor: str
    circles: list[tuple[int, str]]
    minutes: int
    target_minutes: int = MONTHLY_TARGET_MINUTES

    def as_dict(self) -> dict[str, object]:
        return {
            "program": self.program_id,
            "program_name": self.program,
            "mentor": {"id": self.mentor_id, "name": self.mentor},
            "circles": [{"id": pk, "name": name} for pk, name in self.circles],
            "minutes": self.minutes,
            "hours": round(self.minutes / 60, 1),
            "target_minutes": self.target_minutes,
        }


def list_under_hours(*, user: User, month: date | None = None) -> list[MentorHours]:
    """Mentors (in open circles of `user`'s programs) who logged less than
    MONTHLY_TARGET_MINUTES in `month` (default: this month), fewest first."""
    start, end = month_bounds(month or timezone.localdate())
    mentors = active_mentors(user)
    if not mentors:
        return []
    logged = {
        (row["circle__program_id"], row["mentor_id"]): row["minutes"]
        for row in ActivityLog.objects.filter(
            mentor_id__in={mentor for _program, mentor in mentors},
            circle__program_id__in={program for program, _mentor in mentors},
            day__gte=start,
            day__lt=end,
        )
        .values("circle__program_id", "mentor_id")
        .annotate(minutes=Sum("minutes"))
    }
    under = []
    for (program_id, mentor_id), memberships in mentors.items():
        minutes = int(logged.get((program_id, mentor_id)) or 0)
        if minutes >= MONTHLY_TARGET_MINUTES:
            continue
        first = memberships[0]
        under.append(
            MentorHours(
                program_id=program_id,
                program=first.circle.program.name,
                mentor_id=mentor_id,
                mentor=first.user.shown_name,
                circles=[(m.circle_id, m.circle.name) for m in memberships],
                minutes=minutes,
            )
        )
    under.sort(key=lambda row: (row.minutes, row.program, row.mentor))
    return under
