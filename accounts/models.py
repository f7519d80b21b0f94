"""People, programs, roles and clearance records.

Rules about who may do what live in accounts/access.py and accounts/selectors.py; the
models hold fields and constraints only.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ADULT_AGE_YEARS = 18


def validate_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(name)s is not a time zone; use a name such as America/Chicago."),
            params={"name": name},
        ) from None


class Program(models.Model):
    """A mentoring program: owns circles, rules and staff; nobody sees another's."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    max_mentees = models.PositiveSmallIntegerField(default=1)
    min_mentors = models.PositiveSmallIntegerField(default=2)
    max_mentors = models.PositiveSmallIntegerField(default=4)
    max_active_circles = models.PositiveSmallIntegerField(
        default=2, help_text="How many open circles one mentor may be in at a time."
    )
    retention_days = models.PositiveIntegerField(
        default=365 * 7,
        help_text="Days after a circle closes before its archive key is destroyed.",
    )
    crisis_resources = models.TextField(
        blank=True,
        default=(
            "If you are thinking about hurting yourself or are in danger, call or text "
            "988 (Suicide & Crisis Lifeline), or 911 in an emergency. Program staff "
            "have been told and will reach out."
        ),
        help_text="Shown to a participant whose message mentions a crisis.",
    )
    crisis_steps = models.TextField(
        blank=True,
        default=(
            "1. Read the thread now. 2. Contact the participant by the program's "
            "crisis protocol. 3. If there is immediate danger, call 911. 4. Record "
            "what you did."
        ),
        help_text="Shown to monitors on an urgent flag.",
    )
    crisis_escalation_minutes = models.PositiveSmallIntegerField(
        default=15,
        help_text="An urgent flag no monitor has acknowledged within this many "
        "minutes is escalated to the program's administrators.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Where the program is, as an IANA name (e.g. America/Chicago): "
        "session times are entered and shown in it.",
    )
    matching_uses_gender = models.BooleanField(
        default=False,
        help_text="Matching may consider a mentee's preferred gender of mentors.",
    )
    matching_uses_age = models.BooleanField(
        default=False,
        help_text="Matching may consider a mentee's preferred age range of mentors.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person. Roles are per program (ProgramRole); coordinator is per circle."""

    display_name = models.CharField(
        max_length=100, blank=True, help_text="The name other members see."
    )
    date_of_birth = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return shown_name(
            self.display_name, self.first_name, self.last_name, self.username
        )

    @property
    def shown_name(self) -> str:
        return str(self)

    def age_on(self, day: date) -> int | None:
        return age_on(self.date_of_birth, day)

    @property
    def is_minor(self) -> bool:
        return is_minor_on(self.date_of_birth, timezone.localdate())


def shown_name(
    display_name: str, first_name: str, last_name: str, username: str
) -> str:
    """How a person is named to others (also used on rows read without the model)."""
    return display_name or f"{first_name} {last_name}".strip() or username


def age_on(date_of_birth: date | None, day: date) -> int | None:
    if date_of_birth is None:
        return None
    born = date_of_birth
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_minor_on(date_of_birth: date | None, day: date) -> bool:
    age = age_on(date_of_birth, day)
    return age is not None and age < ADULT_AGE_YEARS


class Role(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"
    MONITOR = "monitor", "Monitor"
    ADMIN = "admin", "Administrator"


STAFF_ROLES = (Role.MONITOR, Role.ADMIN)
PARTICIPANT_ROLES = (Role.MENTEE, Role.MENTOR)


class ProgramRole(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_roles"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "role"], name="one_role_grant_per_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.program}"


class CodeOfConduct(models.Model):
    """A versioned code of conduct; publishing a new version asks everyone again."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="conduct_versions"
    )
    version = models.PositiveIntegerField()
    text = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "version"], name="one_conduct_text_per_version"
            )
        ]
        verbose_name = "code of conduct"
        verbose_name_plural = "codes of conduct"

    def __str__(self) -> str:
        return f"{self.program} code of conduct v{self.version}"


class ConductAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conduct_acceptances",
    )
    conduct = models.ForeignKey(
        CodeOfConduct, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "conduct"], name="accept_conduct_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.conduct}"


class ClearanceKind(models.TextChoices):
    SCREENING = "screening", "Screening and background check"
    TRAINING = "training", "Training completed"
    PARENTAL_CONSENT = "parental_consent", "Parental consent"


class ClearanceRecord(models.Model):
    """A piece of clearance recorded by staff: who, when, and for consent, by whom."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clearances"
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="clearances"
    )
    kind = models.CharField(max_length=32, choices=ClearanceKind.choices)
    completed_on = models.DateField(default=timezone.localdate)
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_relation = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="parental_consent")
                | (~models.Q(guardian_name="") & ~models.Q(guardian_relation="")),
                name="consent_names_guardian",
            )
        ]
        indexes = [
            # Every chat frame asks "does this person hold this clearance here?"
            # (messaging.access): without it, a program's every record is scanned.
            models.Index(fields=["user", "program", "kind"], name="clearance_of_person")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user} · {self.program}"


# Matching profiles ---------------------------------------------------------------
# What staff record about a participant for matching, per program (a person in two
# programs has two profiles; neither program sees the other's). Scoring is in
# accounts/matching.py.

WEEKDAYS = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)
DAY_PARTS = (
    ("morning", "morning"),
    ("afternoon", "afternoon"),
    ("evening", "evening"),
)
AVAILABILITY_SLOTS = tuple(
    f"{day}_{part}" for day, _d in WEEKDAYS for part, _p in DAY_PARTS
)


class Gender(models.TextChoices):
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NONBINARY = "nonbinary", "Non-binary"
    ANOTHER = "another", "Another gender"


class LivedExperience(models.TextChoices):
    REENTRY = "reentry", "Reentry after prison or jail"
    RECOVERY = "recovery", "Recovery from addiction"
    FOSTER_CARE = "foster_care", "Foster care"
    MILITARY = "military", "Military service"
    PARENTING = "parenting", "Raising children"


class Profile(models.Model):
    """What matching knows about a participant in one program; staff record it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profiles"
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="profiles"
    )
    interests = models.TextField(
        blank=True, help_text="One per line or separated by commas."
    )
    goals = models.TextField(
        blank=True,
        help_text="A mentee: what they want to work on. A mentor: what they can "
        "help with. One per line or separated by commas.",
    )
    availability = models.JSONField(
        default=list,
        blank=True,
        help_text="Weekday and time-of-day slots, such as tue_evening.",
    )
    county = models.CharField(max_length=100, blank=True)
    languages = models.CharField(
        max_length=200, blank=True, help_text="Separated by commas."
    )
    gender = models.CharField(max_length=16, choices=Gender.choices, blank=True)
    preferred_mentor_gender = models.CharField(
        max_length=16,
        choices=Gender.choices,
        blank=True,
        help_text="A mentee's preference; used only where the program allows it.",
    )
    preferred_mentor_age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    preferred_mentor_age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    lived_experience = models.JSONField(
        default=list,
        blank=True,
        help_text="Codes from LivedExperience, such as reentry.",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["program", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program"], name="one_profile_per_program"
            )
        ]

    def __str__(self) -> str:
        return f"profile · {self.user} · {self.program}"
