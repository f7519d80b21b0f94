"""Suggesting mentors for a mentee, and forming a circle from the suggestions.

Scoring is plain arithmetic that staff can check by hand: each criterion in WEIGHTS
adds up to its weight (weight x how well it is met, 0-1) and says why in a sentence;
the score is the sum divided by the weights that apply, so it stays within 0-1. The
gender and age criteria apply only where the program allows them and the mentee
stated a preference. A person without a profile simply scores nothing on the profile
criteria: seeded and newly added people still get ranked, by capacity.

Who may be suggested at all is decided before scoring, never by it: mentors of the
mentee's program, cleared there (accounts.selectors.get_clearance), with room for
another circle (the program's max_active_circles, counted as
messaging.circles.validate_composition counts). Forming the circle is
messaging.circles.create_circle plus a first agreement draft (publish_agreement), in
one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import (
    AVAILABILITY_SLOTS,
    DAY_PARTS,
    WEEKDAYS,
    Gender,
    LivedExperience,
    Profile,
    Program,
    ProgramRole,
    Role,
    User,
)
from accounts.selectors import (
    administered_programs,
    get_clearance,
    monitored_programs,
)
from config.errors import Invalid, NotAllowed, NotFound, NotLoggedIn
from messaging.circles import create_circle, publish_agreement
from messaging.models import Circle, CircleRole, Membership

# How much each criterion can add. The first seven always apply and sum to 1.
WEIGHTS: dict[str, float] = {
    "availability": 0.25,
    "goals": 0.15,
    "lived_experience": 0.15,
    "languages": 0.15,
    "interests": 0.10,
    "county": 0.10,
    "capacity": 0.10,
    "gender": 0.05,  # only where the program allows it and the mentee has a preference
    "age": 0.05,  # likewise
}
OPTIONAL_CRITERIA = ("gender", "age")
FIRST_REVIEW_DAYS = 90

DAY_NAMES = dict(WEEKDAYS)
PART_NAMES = dict(DAY_PARTS)
EXPERIENCE_REASONS: dict[str, object] = {
    LivedExperience.REENTRY: gettext_lazy("Lived experience of reentry"),
    LivedExperience.RECOVERY: gettext_lazy("Lived experience of recovery"),
    LivedExperience.FOSTER_CARE: gettext_lazy("Lived experience of foster care"),
    LivedExperience.MILITARY: gettext_lazy("Also served in the military"),
    LivedExperience.PARENTING: gettext_lazy("Also raising children"),
}
GENDER_REASONS: dict[str, object] = {
    Gender.WOMAN: gettext_lazy("A woman, as the mentee prefers"),
    Gender.MAN: gettext_lazy("A man, as the mentee prefers"),
    Gender.NONBINARY: gettext_lazy("Non-binary, as the mentee prefers"),
    Gender.ANOTHER: gettext_lazy("Of the gender the mentee prefers"),
}

_SEPARATORS = re.compile(r"[,;\n]+")
_SPACES = re.compile(r"\s+")


def terms(text: str) -> dict[str, str]:
    """Comparable form -> the words as typed: "Housing, job search" has two terms."""
    found: dict[str, str] = {}
    for part in _SEPARATORS.split(text or ""):
        shown = _SPACES.sub(" ", part).strip(" .-*\t")
        if shown:
            found.setdefault(shown.casefold(), shown)
    return found


def and_join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("{first} and {last}").format(first=", ".join(items[:-1]), last=items[-1])


def slot_name(slot: str) -> str:
    """ "tue_evening" -> "Tuesday evenings"."""
    day, _sep, part = slot.partition("_")
    return f"{DAY_NAMES.get(day, day)} {PART_NAMES.get(part, part)}s"


@dataclass(frozen=True)
class MatchProfile:
    """What scoring reads about one person: plain data, empty without a profile."""

    has_profile: bool = False
    interests: dict[str, str] = field(default_factory=dict)
    goals: dict[str, str] = field(default_factory=dict)
    availability: tuple[str, ...] = ()
    county: str = ""
    languages: dict[str, str] = field(default_factory=dict)
    gender: str = ""
    preferred_gender: str = ""
    age_min: int | None = None
    age_max: int | None = None
    lived_experience: frozenset[str] = frozenset()
    age: int | None = None

    @classmethod
    def of(cls, profile: Profile | None, *, age: int | None = None) -> MatchProfile:
        if profile is None:
            return cls(age=age)
        slot_order = {slot: index for index, slot in enumerate(all_slots())}
        return cls(
            has_profile=True,
            interests=terms(profile.interests),
            goals=terms(profile.goals),
            availability=tuple(
                sorted(
                    {s for s in profile.availability or [] if s in slot_order},
                    key=slot_order.__getitem__,
                )
            ),
            county=_SPACES.sub(" ", profile.county).strip(),
            languages=terms(profile.languages),
            gender=profile.gender,
            preferred_gender=profile.preferred_mentor_gender,
            age_min=profile.preferred_mentor_age_min,
            age_max=profile.preferred_mentor_age_max,
            lived_experience=frozenset(profile.lived_experience or []),
            age=age,
        )


def all_slots() -> list[str]:
    return list(AVAILABILITY_SLOTS)


@dataclass(frozen=True)
class Contribution:
    criterion: str
    points: float  # weight x fraction met
    reason: str


@dataclass(frozen=True)
class Rules:
    """The program's settings that scoring depends on."""

    max_active_circles: int = 2
    uses_gender: bool = False
    uses_age: bool = False

    @classmethod
    def of(cls, program: Program) -> Rules:
        return cls(
            max_active_circles=program.max_active_circles,
            uses_gender=program.matching_uses_gender,
            uses_age=program.matching_uses_age,
        )


def applicable_weight(mentee: MatchProfile, rules: Rules) -> float:
    total = sum(w for name, w in WEIGHTS.items() if name not in OPTIONAL_CRITERIA)
    if rules.uses_gender and mentee.preferred_gender:
        total += WEIGHTS["gender"]
    if rules.uses_age and (mentee.age_min is not None or mentee.age_max is not None):
        total += WEIGHTS["age"]
    return total


def shared(mine: dict[str, str], theirs: dict[str, str]) -> list[str]:
    """The mentee's words for what both have, in the mentee's order."""
    return [shown for key, shown in mine.items() if key in theirs]


def score_match(
    mentee: MatchProfile, mentor: MatchProfile, *, open_circles: int, rules: Rules
) -> tuple[float, list[Contribution]]:
    """The score (0-1) of `mentor` for `mentee`, and what made it up, biggest first."""
    found: list[Contribution] = []

    def add(criterion: str, fraction: float, reason: str) -> None:
        if fraction > 0:
            found.append(
                Contribution(criterion, WEIGHTS[criterion] * min(fraction, 1.0), reason)
            )

    slots = [s for s in mentee.availability if s in set(mentor.availability)]
    if slots:
        add(
            "availability",
            len(slots) / min(2, len(mentee.availability)),
            _("Available {slots}, as the mentee is").format(
                slots=and_join([slot_name(s) for s in slots[:3]])
            ),
        )
    goals = shared(mentee.goals, mentor.goals)
    if goals:
        add(
            "goals",
            len(goals) / min(2, len(mentee.goals)),
            _("Can help with {goals}").format(goals=and_join(goals[:3])),
        )
    experience = [e for e in LivedExperience.values if e in mentee.lived_experience]
    common = [e for e in experience if e in mentor.lived_experience]
    if common:
        add(
            "lived_experience",
            1.0,
            "; ".join(str(EXPERIENCE_REASONS[e]) for e in common),
        )
    languages = shared(mentee.languages, mentor.languages)
    if languages:
        add(
            "languages",
            1.0,
            _("Both speak {languages}").format(languages=and_join(languages)),
        )
    interests = shared(mentee.interests, mentor.interests)
    if interests:
        add(
            "interests",
            len(interests) / min(2, len(mentee.interests)),
            _("Shares interests: {interests}").format(
                interests=", ".join(interests[:3])
            ),
        )
    if mentee.county and mentee.county.casefold() == mentor.county.casefold():
        add("county", 1.0, _("Both in {county}").format(county=mentee.county))
    room = rules.max_active_circles - open_circles
    if room > 0 and rules.max_active_circles > 0:
        if open_circles == 0:
            reason = _("In no other circle yet")
        else:
            reason = ngettext(
                "In {count} other circle, with room for one more",
                "In {count} other circles, with room for one more",
                open_circles,
            ).format(count=open_circles)
        add("capacity", room / rules.max_active_circles, reason)
    wants_gender = rules.uses_gender and mentee.preferred_gender
    if wants_gender and mentor.gender == mentee.preferred_gender:
        add("gender", 1.0, str(GENDER_REASONS[mentor.gender]))
    if rules.uses_age and (mentee.age_min is not None or mentee.age_max is not None):
        low = mentee.age_min if mentee.age_min is not None else 0
        high = mentee.age_max if mentee.age_max is not None else 200
        if mentor.age is not None and low <= mentor.age <= high:
            add(
                "age",
                1.0,
                _("Aged {age}, within the mentee's preferred range").format(
                    age=mentor.age
                ),
            )
    found.sort(key=lambda c: (-c.points, list(WEIGHTS).index(c.criterion)))
    score = sum(c.points for c in found) / applicable_weight(mentee, rules)
    return min(score, 1.0), found


# Who may be suggested ----------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    mentor: User
    score: float
    reasons: list[str]
    open_circles: int
    has_profile: bool
    # (reason, percentage points it adds to the score), for pages; the command
    # prints the reasons alone.
    parts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    def as_dict(self) -> dict[str, object]:
        return {
            "mentor": self.mentor.username,
            "score": round(self.score, 2),
            "reasons": self.reasons,
        }


def open_mentor_circles(user_ids: Iterable[int]) -> dict[int, int]:
    """How many open circles each person is a mentor in (any program, as
    validate_composition counts them)."""
    rows = (
        Membership.objects.filter(
            user_id__in=list(user_ids),
            role=CircleRole.MENTOR,
            left_at__isnull=True,
            circle__status=Circle.Status.OPEN,
        )
        .values("user_id")
        .annotate(n=Count("id"))
    )
    return {row["user_id"]: row["n"] for row in rows}


def eligible_mentors(
    *, program: Program, mentee: User | None = None
) -> list[tuple[User, int]]:
    """Mentors who could join a new circle now, with their open-circle count:
    cleared in `program`, below its limit, and not already with `mentee`."""
    mentors = list(
        User.objects.filter(
            is_active=True,
            program_roles__program=program,
            program_roles__role=Role.MENTOR,
        )
        .distinct()
        .order_by("username")
    )
    if mentee is not None:
        together = Membership.objects.filter(
            left_at__isnull=True,
            circle__status=Circle.Status.OPEN,
            circle__memberships__user=mentee,
            circle__memberships__left_at__isnull=True,
        ).values_list("user_id", flat=True)
        excluded = {*together, mentee.pk}
        mentors = [m for m in mentors if m.pk not in excluded]
    counts = open_mentor_circles(m.pk for m in mentors)
    return [
        (mentor, counts.get(mentor.pk, 0))
        for mentor in mentors
        if counts.get(mentor.pk, 0) < program.max_active_circles
        and get_clearance(user=mentor, program=program, role=Role.MENTOR).is_cleared
    ]


def profiles_of(program: Program, users: Iterable[User]) -> dict[int, Profile]:
    return {
        p.user_id: p
        for p in Profile.objects.filter(
            program=program, user_id__in=[u.pk for u in users]
        )
    }


def suggest_mentors(
    *,
    program: Program,
    mentee: User,
    limit: int | None = None,
    today: date | None = None,
) -> list[Suggestion]:
    """Eligible mentors for `mentee` in `program`, best first."""
    today = today or timezone.localdate()
    rules = Rules.of(program)
    candidates = eligible_mentors(program=program, mentee=mentee)
    profiles = profiles_of(program, [mentee, *(m for m, _n in candidates)])
    wanted = MatchProfile.of(profiles.get(mentee.pk), age=mentee.age_on(today))
    suggestions = []
    for mentor, open_circles in candidates:
        profile = profiles.get(mentor.pk)
        score, parts = score_match(
            wanted,
            MatchProfile.of(profile, age=mentor.age_on(today)),
            open_circles=open_circles,
            rules=rules,
        )
        reasons = [part.reason for part in parts]
        total = applicable_weight(wanted, rules)
        shares = [(p.reason, round(100 * p.points / total)) for p in parts]
        if profile is None:
            reasons.append(_("No matching profile recorded yet"))
        suggestions.append(
            Suggestion(
                mentor=mentor,
                score=score,
                reasons=reasons,
                open_circles=open_circles,
                has_profile=profile is not None,
                parts=shares,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.open_circles, s.mentor.username))
    return suggestions if limit is None else suggestions[:limit]


def mentee_programs(mentee: User) -> list[Program]:
    return list(
        Program.objects.filter(roles__user=mentee, roles__role=Role.MENTEE)
        .distinct()
        .order_by("name")
    )


def suggest_for_login(login: str, *, limit: int | None = None) -> list[Suggestion]:
    """For the suggest_matches command: every program the person is a mentee in."""
    mentee = User.objects.filter(username=login).first()
    programs = mentee_programs(mentee) if mentee is not None else []
    if mentee is None or not programs:
        raise NotFound(_("No mentee with the login {login}.").format(login=login))
    best: dict[int, Suggestion] = {}
    for program in programs:
        for suggestion in suggest_mentors(program=program, mentee=mentee):
            known = best.get(suggestion.mentor.pk)
            if known is None or suggestion.score > known.score:
                best[suggestion.mentor.pk] = suggestion
    ranked = sorted(
        best.values(), key=lambda s: (-s.score, s.open_circles, s.mentor.username)
    )
    return ranked if limit is None else ranked[:limit]


# Staff pages --------------------------------------------------------------------------


@dataclass(frozen=True)
class PastCircle:
    id: int
    name: str
    closed_at: datetime | None
    is_open: bool


@dataclass(frozen=True)
class WaitingMentee:
    program: Program
    mentee: User
    has_profile: bool
    missing: list[str]  # clearance still to record, as sentences for staff
    past_circles: list[PastCircle]


STAFF_MISSING = {
    "screening": gettext_lazy("screening"),
    "training": gettext_lazy("training"),
    "conduct": gettext_lazy("code of conduct"),
    "parental_consent": gettext_lazy("parental consent"),
}


def check_staff(user: User) -> None:
    if not user.is_authenticated:
        raise NotLoggedIn(_("Please log in."))
    if not monitored_programs(user).exists():
        raise NotAllowed(_("This part of Circles is for program staff."))


def past_circles_of(mentee: User, program: Program) -> list[PastCircle]:
    memberships = (
        Membership.objects.filter(
            user=mentee, role=CircleRole.MENTEE, circle__program=program
        )
        .select_related("circle")
        .order_by("-circle__created_at")
    )
    return [
        PastCircle(
            id=m.circle_id,
            name=m.circle.name,
            closed_at=m.circle.closed_at,
            is_open=m.circle.is_open and m.left_at is None,
        )
        for m in memberships
    ]


def list_waiting_mentees(*, user: User) -> list[WaitingMentee]:
    """Mentees of `user`'s programs who are in no open circle there (new, or whose
    circle closed), by program, longest waiting first."""
    check_staff(user)
    in_open_circle = Membership.objects.filter(
        user_id=OuterRef("user_id"),
        role=CircleRole.MENTEE,
        left_at__isnull=True,
        circle__status=Circle.Status.OPEN,
        circle__program_id=OuterRef("program_id"),
    )
    grants = (
        ProgramRole.objects.filter(
            program__in=monitored_programs(user), role=Role.MENTEE, user__is_active=True
        )
        .filter(~Exists(in_open_circle))
        .select_related("user", "program")
        .order_by("program__name", "granted_at", "user__username")
    )
    with_profile = set(
        Profile.objects.filter(program__in=monitored_programs(user)).values_list(
            "program_id", "user_id"
        )
    )
    rows = []
    for grant in grants:
        clearance = get_clearance(
            user=grant.user, program=grant.program, role=Role.MENTEE
        )
        rows.append(
            WaitingMentee(
                program=grant.program,
                mentee=grant.user,
                has_profile=(grant.program_id, grant.user_id) in with_profile,
                missing=[str(STAFF_MISSING[code]) for code in clearance.missing],
                past_circles=past_circles_of(grant.user, grant.program),
            )
        )
    return rows


@dataclass(frozen=True)
class MatchPage:
    program: Program
    mentee: User
    profile: Profile | None
    suggestions: list[Suggestion]
    open_circle: Circle | None
    past_circles: list[PastCircle]
    can_form: bool
    missing: list[str]
    suggested_name: str

    @property
    def availability(self) -> str:
        if self.profile is None:
            return ""
        slots = MatchProfile.of(self.profile).availability
        return and_join([slot_name(s) for s in slots])

    @property
    def lived_experience(self) -> str:
        if self.profile is None:
            return ""
        labels = dict(LivedExperience.choices)
        return ", ".join(
            str(labels[code])
            for code in LivedExperience.values
            if code in (self.profile.lived_experience or [])
        )


def access_program_as_staff(*, user: User, program_id: int) -> Program:
    check_staff(user)
    program = monitored_programs(user).filter(pk=program_id).first()
    if program is None:
        raise NotFound(_("No such program."))
    return program


def access_participant(
    *, program: Program, user_id: int, role: str | None = None
) -> User:
    """A mentee or mentor of `program`; anyone else is "not found"."""
    roles = [role] if role else [Role.MENTEE, Role.MENTOR]
    person = (
        User.objects.filter(
            pk=user_id, program_roles__program=program, program_roles__role__in=roles
        )
        .distinct()
        .first()
    )
    if person is None:
        raise NotFound(_("No such person."))
    return person


def open_circle_of(mentee: User, program: Program) -> Circle | None:
    return (
        Circle.objects.filter(
            program=program,
            status=Circle.Status.OPEN,
            memberships__user=mentee,
            memberships__role=CircleRole.MENTEE,
            memberships__left_at__isnull=True,
        )
        .distinct()
        .first()
    )


def get_match_page(
    *, user: User, program_id: int, mentee_id: int, today: date | None = None
) -> MatchPage:
    program = access_program_as_staff(user=user, program_id=program_id)
    mentee = access_participant(program=program, user_id=mentee_id, role=Role.MENTEE)
    clearance = get_clearance(user=mentee, program=program, role=Role.MENTEE)
    return MatchPage(
        program=program,
        mentee=mentee,
        profile=Profile.objects.filter(user=mentee, program=program).first(),
        suggestions=suggest_mentors(program=program, mentee=mentee, today=today),
        open_circle=open_circle_of(mentee, program),
        past_circles=past_circles_of(mentee, program),
        can_form=administered_programs(user).filter(pk=program.pk).exists(),
        missing=[str(STAFF_MISSING[code]) for code in clearance.missing],
        suggested_name=_("{name}'s circle").format(name=mentee.shown_name),
    )


def first_agreement_fields(profile: Profile | None, today: date) -> dict[str, object]:
    """A first draft the coordinator rewrites with the circle at its first meeting."""
    fields: dict[str, object] = {
        "meeting_frequency": _("Weekly"),
        "review_date": today + timedelta(days=FIRST_REVIEW_DAYS),
    }
    if profile is not None and profile.goals.strip():
        fields["focus"] = ", ".join(terms(profile.goals).values())
    return fields


@transaction.atomic
def form_circle(
    *,
    by: User,
    program_id: int,
    mentee_id: int,
    mentor_ids: Sequence[int],
    coordinator_id: int | None,
    name: str,
    today: date | None = None,
) -> Circle:
    """One action: the circle (create_circle) and a first agreement draft.

    Only the program's administrators form circles. Every rule is checked before
    anything is written, and a failure in either step leaves nothing saved.
    """
    today = today or timezone.localdate()
    program = access_program_as_staff(user=by, program_id=program_id)
    if not administered_programs(by).filter(pk=program.pk).exists():
        raise NotAllowed(_("Only the program's administrators form circles."))
    mentee = access_participant(program=program, user_id=mentee_id, role=Role.MENTEE)
    current = open_circle_of(mentee, program)
    if current is not None:
        raise Invalid(
            _(
                "{person} is already in an open circle ({circle}); it must close "
                "before they are matched again."
            ).format(person=mentee.shown_name, circle=current.name),
            field="mentee",
        )
    chosen = list(dict.fromkeys(mentor_ids))
    if not program.min_mentors <= len(chosen) <= program.max_mentors:
        raise Invalid(
            ngettext(
                "Choose {low} to {high} mentors; you chose {count}.",
                "Choose {low} to {high} mentors; you chose {count}.",
                len(chosen),
            ).format(
                low=program.min_mentors, high=program.max_mentors, count=len(chosen)
            ),
            field="mentors",
        )
    if coordinator_id is None or coordinator_id not in chosen:
        raise Invalid(
            _("Choose the coordinator from the mentors you picked."),
            field="coordinator",
        )
    mentors = []
    for mentor_id in chosen:
        mentor = User.objects.filter(
            pk=mentor_id,
            program_roles__program=program,
            program_roles__role=Role.MENTOR,
        ).first()
        if mentor is None:
            raise Invalid(
                _("Choose mentors of {program}.").format(program=program.name),
                field="mentors",
            )
        clearance = get_clearance(user=mentor, program=program, role=Role.MENTOR)
        if not clearance.is_cleared:
            raise Invalid(
                _("{person} cannot be matched yet: still missing {missing}.").format(
                    person=mentor.shown_name,
                    missing=and_join(
                        [str(STAFF_MISSING[code]) for code in clearance.missing]
                    ),
                ),
                field="mentors",
            )
        mentors.append(mentor)
    coordinator = next(m for m in mentors if m.pk == coordinator_id)
    circle = create_circle(
        by=by,
        program=program,
        name=name,
        mentee=mentee,
        mentors=mentors,
        coordinator=coordinator,
    )
    publish_agreement(
        by=by,
        circle=circle,
        fields=first_agreement_fields(
            Profile.objects.filter(user=mentee, program=program).first(), today
        ),
    )
    return circle


PROFILE_FIELDS = (
    "interests",
    "goals",
    "availability",
    "county",
    "languages",
    "lived_experience",
    "gender",
    "preferred_mentor_gender",
    "preferred_mentor_age_min",
    "preferred_mentor_age_max",
)


@dataclass(frozen=True)
class ProfilePage:
    program: Program
    person: User
    profile: Profile | None
    is_mentee: bool


def get_profile_page(*, user: User, program_id: int, person_id: int) -> ProfilePage:
    program = access_program_as_staff(user=user, program_id=program_id)
    person = access_participant(program=program, user_id=person_id)
    return ProfilePage(
        program=program,
        person=person,
        profile=Profile.objects.filter(user=person, program=program).first(),
        is_mentee=ProgramRole.objects.filter(
            user=person, program=program, role=Role.MENTEE
        ).exists(),
    )


def codes(value: object) -> set[str]:
    """A list of codes from a form; anything else is no valid code at all."""
    if not isinstance(value, list | tuple):
        return {""}
    return {str(item) for item in value}


@transaction.atomic
def save_profile(
    *, by: User, program_id: int, person_id: int, fields: dict[str, object]
) -> Profile:
    """Program staff record what matching knows about a participant."""
    program = access_program_as_staff(user=by, program_id=program_id)
    person = access_participant(program=program, user_id=person_id)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise Invalid(
            _("Unknown profile fields: {names}.").format(
                names=", ".join(sorted(unknown))
            )
        )
    if not codes(fields.get("availability", [])) <= set(all_slots()):
        raise Invalid(
            _("Choose availability from the week's slots."), field="availability"
        )
    if not codes(fields.get("lived_experience", [])) <= set(LivedExperience.values):
        raise Invalid(
            _("Choose lived experience from the list."), field="lived_experience"
        )
    profile = Profile.objects.select_for_update().filter(
        user=person, program=program
    ).first() or Profile(user=person, program=program)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.updated_by = by
    profile.updated_at = timezone.now()
    profile.full_clean(exclude=["user", "program", "updated_by"])
    profile.save()
    return profile


__all__ = [
    "WEIGHTS",
    "MatchProfile",
    "Rules",
    "Suggestion",
    "eligible_mentors",
    "form_circle",
    "score_match",
    "suggest_for_login",
    "suggest_mentors",
]
