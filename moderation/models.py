"""Moderation rules, allowed contacts, flags and reports.

Fields and constraints only: matching lives in moderation/engine, reads in selectors.py,
writes in services.py. No model here ever holds message text: a Flag records which rule
fired and where (offsets), a Report's reason is stored encrypted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.models import Program
from archive.models import AppendOnlyModel
from messaging.models import Circle, Message
from moderation.engine import RuleSyntaxError, compile_pattern


class Category(models.TextChoices):
    CONTACT_INFO = "contact_info", "Personal contact details"
    OFF_PLATFORM = "off_platform", "Off-platform contact or secrecy"
    MONEY_GIFTS = "money_gifts", "Money or gifts"
    INTIMACY = "intimacy", "Romantic or sexual"
    BIGOTRY_HARASSMENT = "bigotry_harassment", "Bigotry, insults or threats"
    ILLEGAL_ACTIVITY = "illegal_activity", "Illegal activity"
    CRISIS = "crisis", "Crisis"
    CIRCLE_TOPIC = "circle_topic", "A topic the circle agreed not to discuss"


class FlagCategory(models.TextChoices):
    CONTACT_INFO = Category.CONTACT_INFO.value, Category.CONTACT_INFO.label
    OFF_PLATFORM = Category.OFF_PLATFORM.value, Category.OFF_PLATFORM.label
    MONEY_GIFTS = Category.MONEY_GIFTS.value, Category.MONEY_GIFTS.label
    INTIMACY = Category.INTIMACY.value, Category.INTIMACY.label
    BIGOTRY_HARASSMENT = (
        Category.BIGOTRY_HARASSMENT.value,
        Category.BIGOTRY_HARASSMENT.label,
    )
    ILLEGAL_ACTIVITY = Category.ILLEGAL_ACTIVITY.value, Category.ILLEGAL_ACTIVITY.label
    CRISIS = Category.CRISIS.value, Category.CRISIS.label
    CIRCLE_TOPIC = Category.CIRCLE_TOPIC.value, Category.CIRCLE_TOPIC.label
    REPORT = "report", "Concern reported by a member"
    APPEAL = "appeal", "Appeal by a member"


class Action(models.TextChoices):
    ALLOW = "allow", "Allow (an exception to other rules)"
    FLAG = "flag", "Deliver and flag for review"
    HOLD = "hold", "Hold until a monitor releases it"
    BLOCK = "block", "Block (the sender may rephrase)"


class Severity(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class Rule(models.Model):
    """A code-of-conduct rule. program=None: a site-wide rule every program gets."""

    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="moderation_rules",
        null=True,
        blank=True,
        help_text="Empty: applies to every program (like the built-in rules).",
    )
    key = models.SlugField(
        max_length=100,
        blank=True,
        help_text="A built-in rule's key (e.g. off.meet) to override or disable it.",
    )
    name = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=32, choices=Category.choices)
    pattern = models.TextField(
        blank=True,
        help_text="Words or phrases; (a|b) alternatives, '...' or ~N for up to N words "
        "in between, word* for any ending, # for a number. See the rule guide.",
    )
    severity = models.PositiveSmallIntegerField(
        choices=Severity.choices, default=Severity.MEDIUM
    )
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.FLAG)
    enabled = models.BooleanField(default=True)
    note = models.TextField(blank=True, help_text="Why the rule exists (for staff).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "category", "key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "key"],
                condition=~models.Q(key=""),
                name="one_rule_per_key_per_program",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.key or self.pattern[:60]

    @property
    def rule_id(self) -> str:
        """The id hits carry: the key if it has one (it overrides a built-in)."""
        return self.key or f"rule.{self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.enabled and not self.pattern.strip():
            raise ValidationError({"pattern": "An enabled rule needs a pattern."})
        if self.pattern.strip():
            try:
                compile_pattern(self.pattern)
            except RuleSyntaxError as error:
                raise ValidationError({"pattern": str(error)}) from error


class AllowedContact(models.Model):
    """A phone number, email (or @domain) or address that is not personal contact."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="allowed_contacts"
    )
    value = models.CharField(max_length=200)
    label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "label", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "value"], name="one_allowed_contact_per_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}" if self.label else self.value


class RulesVersion(models.Model):
    """One row whose counter moves whenever rules, allowed contacts or programs change.

    Every process caches compiled rule sets and checks this counter with one small
    query, so an edit in the admin reaches all server processes.
    """

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"rules v{self.version}"


class Flag(models.Model):
    """A moderation or report flag for monitors. Never holds message text."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RELEASED = "released", "Released"
        HIDDEN = "hidden", "Hidden"
        ESCALATED = "escalated", "Escalated"
        DISMISSED = "dismissed", "Dismissed"
        RESOLVED = "resolved", "Resolved"

    circle = models.ForeignKey(Circle, on_delete=models.PROTECT, related_name="flags")
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, related_name="flags", null=True, blank=True
    )
    seq = models.PositiveBigIntegerField(null=True, blank=True)
    category = models.CharField(max_length=32, choices=FlagCategory.choices)
    rule = models.CharField(max_length=120, blank=True)
    severity = models.PositiveSmallIntegerField(
        choices=Severity.choices, default=Severity.MEDIUM
    )
    urgent = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # A claim tells other monitors someone is working on the flag; it lapses by
    # itself at claimed_until, so a monitor who walks away blocks nobody for long.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-urgent", "-created_at"]
        indexes = [
            models.Index(
                fields=["status", "-urgent", "-created_at"], name="flag_queue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.circle_id}#{self.seq}"


class Report(models.Model):
    """A member's concern about a message. The typed reason is stored encrypted."""

    circle = models.ForeignKey(Circle, on_delete=models.PROTECT, related_name="reports")
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reason_ciphertext = models.BinaryField(
        blank=True, help_text="The reason as typed, encrypted with the circle's key."
    )
    flag = models.OneToOneField(
        Flag, on_delete=models.PROTECT, related_name="report", null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"report on {self.circle_id}#{self.message.seq if self.message_id else '?'}"
        )


OPEN_STATUSES = (Flag.Status.OPEN, Flag.Status.ESCALATED)


class FlagAction(AppendOnlyModel):
    """One thing a person (or the crisis timer) did to a flag. Append-only.

    The reason is typed by a monitor, so it is sealed with the circle's key like a
    message body (archive.services.seal_note, purpose FlagAction.PURPOSE).
    """

    PURPOSE = "flag_action"

    class Kind(models.TextChoices):
        CLAIM = "claim", "Claimed"
        UNCLAIM = "unclaim", "Unclaimed"
        ACKNOWLEDGE = "acknowledge", "Acknowledged"
        RELEASE = "release", "Released"
        HIDE = "hide", "Hidden"
        ESCALATE = "escalate", "Escalated"
        DISMISS = "dismiss", "Dismissed"
        RESOLVE = "resolve", "Resolved"
        UPHOLD = "uphold", "Appeal upheld"
        OVERTURN = "overturn", "Appeal overturned"
        AUTO_ESCALATE = "auto_escalate", "Escalated: not acknowledged in time"

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty for the system (the crisis escalation timer).",
    )
    action = models.CharField(max_length=16, choices=Kind.choices)
    reason_ciphertext = models.BinaryField(blank=True, default=b"")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["flag", "at", "id"]
        indexes = [models.Index(fields=["flag", "at"], name="flag_action_by_flag")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · flag {self.flag_id}"


class Appeal(models.Model):
    """A member asks staff to reconsider a held (or hidden) or a blocked message.

    A blocked message was never stored, so its appellant sends the text again; it is
    sealed (purpose TEXT_PURPOSE), never kept in plaintext. The appeal waits in the
    review queue as a flag of category `appeal`.
    """

    TEXT_PURPOSE = "appeal_text"
    REASON_PURPOSE = "appeal_reason"

    class Kind(models.TextChoices):
        HELD = "held", "A held message"
        BLOCKED = "blocked", "A blocked message"

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for a monitor"
        UPHELD = "upheld", "The original decision stands"
        OVERTURNED = "overturned", "Overturned: the message was delivered"

    circle = models.ForeignKey(Circle, on_delete=models.PROTECT, related_name="appeals")
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    message = models.ForeignKey(
        Message,
        on_delete=models.PROTECT,
        related_name="appeals",
        null=True,
        blank=True,
        help_text="The held message; for a blocked one, the message posted when the "
        "appeal was overturned.",
    )
    text_ciphertext = models.BinaryField(blank=True, default=b"")
    reason_ciphertext = models.BinaryField(blank=True, default=b"")
    flag = models.OneToOneField(
        Flag, on_delete=models.PROTECT, related_name="appeal", null=True, blank=True
    )
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
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
                fields=["message"],
                condition=models.Q(decision="pending", kind="held"),
                name="one_pending_appeal_per_message",
            )
        ]

    def __str__(self) -> str:
        return f"appeal {self.pk} · {self.get_kind_display()} · {self.circle_id}"
