"""Circles, memberships, agreements and message metadata.

A message row never holds its body: the body lives encrypted in archive.ArchiveRecord.
Limits (circle size, a mentor's circle count) are enforced in messaging/services.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Program


class Circle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="circles"
    )
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    future_contact_policy = models.TextField(
        blank=True,
        help_text="What the members agreed about contact after the circle closes.",
    )
    # The last seq handed out, bumped under the circle's row lock (post_message).
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["program", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CircleRole(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"


def shown_role(role: str, *, is_coordinator: bool) -> str:
    """A member's role as others see it (a message's sender, staff forms): the
    circle's coordinator is named as such."""
    return "coordinator" if is_coordinator else role


class Membership(models.Model):
    circle = models.ForeignKey(
        Circle, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=CircleRole.choices)
    is_coordinator = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["circle", "role", "joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "user"],
                condition=models.Q(left_at__isnull=True),
                name="one_active_membership_per_person",
            ),
            models.UniqueConstraint(
                fields=["circle"],
                condition=models.Q(left_at__isnull=True, is_coordinator=True),
                name="one_active_coordinator_per_circle",
            ),
            models.CheckConstraint(
                condition=models.Q(is_coordinator=False) | models.Q(role="mentor"),
                name="coordinator_is_a_mentor",
            ),
        ]

    def __str__(self) -> str:
        lead = " (coordinator)" if self.is_coordinator else ""
        return f"{self.user} · {self.get_role_display()}{lead} · {self.circle}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def shown_role(self) -> str:
        return shown_role(self.role, is_coordinator=self.is_coordinator)


class Agreement(models.Model):
    """The circle's mentoring agreement, as in the programs' forms. Versioned."""

    circle = models.ForeignKey(
        Circle, on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveIntegerField()
    meeting_frequency = models.CharField(max_length=200, default="Weekly")
    meeting_length_minutes = models.PositiveSmallIntegerField(default=60)
    number_of_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    meeting_place = models.CharField(max_length=200, default="Online, in this circle")
    contact_between_sessions = models.CharField(
        max_length=300, default="Only through this platform"
    )
    contact_frequency = models.CharField(max_length=200, blank=True)
    arranging_and_cancelling = models.TextField(blank=True)
    focus = models.TextField(blank=True)
    goals_short_term = models.TextField(blank=True)
    goals_medium_term = models.TextField(blank=True)
    goals_long_term = models.TextField(blank=True)
    comfortable_topics = models.TextField(blank=True)
    not_comfortable_topics = models.TextField(
        blank=True,
        help_text="Topics the circle agreed not to discuss, one per line; "
        "moderation flags them in this circle.",
    )
    review_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["circle", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "version"], name="one_agreement_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.circle} agreement v{self.version}"

    def not_comfortable_terms(self) -> list[str]:
        return [
            line.strip()
            for line in self.not_comfortable_topics.replace(",", "\n").splitlines()
            if line.strip()
        ]


class AgreementAcceptance(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="acceptances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "user"], name="accept_agreement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.agreement}"


class Message(models.Model):
    """A message's metadata. The body is sealed in the archive, never stored here."""

    class Status(models.TextChoices):
        DELIVERED = "delivered", "Delivered"
        FLAGGED = "flagged", "Delivered and flagged for review"
        HELD = "held", "Held for review"
        HIDDEN = "hidden", "Hidden by a monitor"

    circle = models.ForeignKey(
        Circle, on_delete=models.PROTECT, related_name="messages"
    )
    seq = models.PositiveBigIntegerField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    client_id = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    length = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["circle", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "seq"], name="gap_free_seq_slot"),
            models.UniqueConstraint(
                fields=["sender", "client_id"], name="idempotent_client_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.circle_id}#{self.seq}"

    @property
    def is_visible_to_members(self) -> bool:
        return self.status in (self.Status.DELIVERED, self.Status.FLAGGED)


# Written records about a circle's life: hours, staff follow-ups, exit interviews and
# closure. Free text people type is sealed with the circle's key (archive seal_note,
# purpose in each model's PURPOSE); these rows hold ciphertext only. Writes are in
# messaging/records.py and messaging/lifecycle.py.


class ActivityLog(models.Model):
    """A mentor's session activity and time for a circle (about 4 hours a month)."""

    PURPOSE = "activity_note"

    class Kind(models.TextChoices):
        SESSION = "session", "Circle session"
        ONE_TO_ONE = "one_to_one", "Time with the mentee"
        PREPARATION = "preparation", "Preparation"
        TRAINING = "training", "Training or supervision"
        OTHER = "other", "Other"

    circle = models.ForeignKey(
        Circle, on_delete=models.PROTECT, related_name="activity_logs"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SESSION)
    note_ciphertext = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-created_at"]
        indexes = [models.Index(fields=["mentor", "day"], name="activity_by_mentor")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=24 * 60),
                name="activity_minutes_in_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} · {self.day} · {self.minutes} min"


class FollowUpNote(models.Model):
    """Staff's written record of following up with a mentor (at least monthly)."""

    PURPOSE = "follow_up_note"

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video call"
        WRITTEN = "written", "Email or letter"
        OTHER = "other", "Other"

    circle = models.ForeignKey(
        Circle, on_delete=models.PROTECT, related_name="follow_up_notes"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty: a note about the circle as a whole.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(default=timezone.localdate)
    method = models.CharField(
        max_length=16, choices=Method.choices, default=Method.PHONE
    )
    text_ciphertext = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-created_at"]
        indexes = [models.Index(fields=["mentor", "day"], name="follow_up_by_mentor")]

    def __str__(self) -> str:
        return f"follow-up {self.circle_id} · {self.mentor_id} · {self.day}"


class ExitInterview(models.Model):
    """A closing conversation: mentee and staff, mentor and staff, mentor and mentee."""

    PURPOSE = "exit_interview"

    class Kind(models.TextChoices):
        MENTEE_STAFF = "mentee_staff", "Mentee and staff"
        MENTOR_STAFF = "mentor_staff", "Mentor and staff"
        MENTOR_MENTEE = "mentor_mentee", "Mentor and mentee"

    circle = models.ForeignKey(
        Circle, on_delete=models.PROTECT, related_name="exit_interviews"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The mentee (mentee and staff) or the mentor (the other kinds).",
    )
    counterpart = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The staff member, or for mentor and mentee, the mentee.",
    )
    held_on = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes_ciphertext = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["circle", "-held_on", "-created_at"]

    def __str__(self) -> str:
        return f"exit interview {self.circle_id} · {self.get_kind_display()}"


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", "Goals met"
    MENTEE_LEFT = "mentee_left", "The mentee left the program"
    MENTORS_UNAVAILABLE = "mentors_unavailable", "Mentors no longer available"
    REMATCH = "rematch", "Re-matched to a new circle"
    SAFETY = "safety", "Safety or conduct concern"
    PROGRAM_ENDED = "program_ended", "Program period ended"
    OTHER = "other", "Other"


class ClosureProposal(models.Model):
    """The coordinator proposes closing the circle; program staff close it."""

    PURPOSE = "closure_note"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for staff"
        ACCEPTED = "accepted", "Closed by staff"
        WITHDRAWN = "withdrawn", "Withdrawn"

    circle = models.ForeignKey(
        Circle, on_delete=models.PROTECT, related_name="closure_proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=24, choices=ClosureReason.choices)
    note_ciphertext = models.BinaryField(blank=True, default=b"")
    future_contact_policy = models.TextField(
        blank=True, help_text="What the coordinator proposes about contact afterwards."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle"],
                condition=models.Q(status="pending"),
                name="one_pending_closure_per_circle",
            )
        ]

    def __str__(self) -> str:
        return f"closure proposal {self.circle_id} · {self.get_reason_display()}"


# A circle's rhythm: planned sessions and who attended, the agreement's goals tracked
# as items, and progress reviews. Writes are in messaging/life.py. Notes people write
# are sealed with the circle's key (archive seal_note, purpose in each PURPOSE).


class CircleSession(models.Model):
    """One planned meeting of a circle; afterwards the coordinator records it."""

    PURPOSE = "session_note"

    class Mode(models.TextChoices):
        VIRTUAL = "virtual", "Online, in this circle"
        IN_PERSON = "in_person", "In person"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    circle = models.ForeignKey(
        Circle, on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.VIRTUAL)
    place = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note_ciphertext = models.BinaryField(blank=True, default=b"")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["circle", "starts_at"]
        indexes = [
            models.Index(fields=["circle", "starts_at"], name="session_by_start")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=1440),
                name="session_minutes_in_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"session {self.circle_id} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class SessionAttendance(models.Model):
    """Whether one member came to a held session. An attending mentor's time is one
    ActivityLog row (kind "session"), so hours have a single ledger."""

    session = models.ForeignKey(
        CircleSession, on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=8, choices=CircleRole.choices)
    attended = models.BooleanField()
    activity = models.OneToOneField(
        ActivityLog,
        on_delete=models.SET_NULL,
        related_name="session_attendance",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["session", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="one_attendance_per_member"
            )
        ]

    def __str__(self) -> str:
        came = "came" if self.attended else "absent"
        return f"{self.user_id} {came} · session {self.session_id}"


class GoalTerm(models.TextChoices):
    SHORT = "short", "Short term"
    MEDIUM = "medium", "Medium term"
    LONG = "long", "Long term"


class Goal(models.Model):
    """One goal of the circle's agreement, tracked: its status, notes and dates."""

    PURPOSE = "goal_note"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    circle = models.ForeignKey(Circle, on_delete=models.PROTECT, related_name="goals")
    term = models.CharField(max_length=8, choices=GoalTerm.choices)
    text = models.TextField()
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    notes_ciphertext = models.BinaryField(blank=True, default=b"")
    target_date = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    first_version = models.PositiveIntegerField(
        help_text="The agreement version the goal was first tracked from."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["circle", "term", "created_at"]

    def __str__(self) -> str:
        return f"goal {self.circle_id} · {self.get_term_display()} · {self.status}"


class ProgressReview(models.Model):
    """The circle looked back at its goals on (or near) the agreement's review date."""

    PURPOSE = "progress_review"

    circle = models.ForeignKey(
        Circle, on_delete=models.PROTECT, related_name="progress_reviews"
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="progress_reviews",
        help_text="The agreement version whose goals were reviewed.",
    )
    held_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    summary_ciphertext = models.BinaryField(blank=True, default=b"")
    goals_snapshot = models.JSONField(
        default=list, blank=True, help_text="Each goal's term, text and status then."
    )
    next_agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The agreement version published after the review, if any.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["circle", "-held_on", "-created_at"]

    def __str__(self) -> str:
        return f"progress review {self.circle_id} · {self.held_on}"
