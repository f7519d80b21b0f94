"""Circles, memberships, agreements and message metadata.

A message row never holds its body: the body lives encrypted in archive.ArchiveRecord.
Limits (circle size, a mentor's circle count) are enforced in messaging/services.py.
"""

from __future__ import annotations

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
