"""The demo data behind `seed_demo`: two programs whose circles can talk right away."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import (
    ClearanceKind,
    ClearanceRecord,
    CodeOfConduct,
    ConductAcceptance,
    Profile,
    Program,
    ProgramRole,
    Role,
    User,
)
from messaging.models import (
    Agreement,
    AgreementAcceptance,
    Circle,
    CircleRole,
    Membership,
)

CONDUCT_TEXT = """\
As a member of a mentoring circle I will:
1. Keep what is shared in the circle confidential, except where someone's safety is
   at risk.
2. Make no racist, sexist or otherwise bigoted comments, and treat everyone with
   respect.
3. Take no part in, and not encourage, any illegal activity.
4. Give no gifts and lend or borrow no money.
5. Have no romantic or sexual relationship with another member.
6. Not give out my personal phone number, address or social media, and not ask
   for others'.
7. Meet only at the agreed times and places, and talk only through this platform.
8. Tell program staff about any concern, and accept that staff read and keep messages
   for everyone's safety.
"""


@dataclass(frozen=True)
class DemoProgram:
    slug: str
    name: str
    description: str
    minors: bool
    first_names: tuple[str, ...]
    time_zone: str = "America/Chicago"


DEMO_PROGRAMS = (
    DemoProgram(
        slug="riverside",
        name="Riverside Reentry Circles",
        description="Circles of support for people coming home from prison.",
        minors=False,
        first_names=(
            "Marcus",
            "Dana",
            "Luis",
            "Grace",
            "Tom",
            "Aisha",
            "Ray",
            "Keisha",
        ),
    ),
    DemoProgram(
        slug="northfield",
        name="Northfield Youth E-Mentoring",
        description="Online mentoring circles for young people aged 13 to 17.",
        minors=True,
        first_names=("Jordan", "Priya", "Sam", "Elena", "Mike", "Zoe", "Ben", "Ava"),
    ),
)


def _person(username: str, display_name: str, password_hash: str, **extra: Any) -> User:
    user, _created = User.objects.get_or_create(
        username=username, defaults={"display_name": display_name, **extra}
    )
    user.password = password_hash
    user.display_name = display_name
    for name, value in extra.items():
        setattr(user, name, value)
    user.save()
    return user


def _staff(
    program: Program, role: str, username: str, name: str, password_hash: str
) -> User:
    user = _person(username, name, password_hash, is_staff=role == Role.ADMIN)
    ProgramRole.objects.get_or_create(user=user, program=program, role=role)
    return user


def _clear(user: User, program: Program, kinds: Sequence[str], by: User) -> None:
    for kind in kinds:
        defaults: dict[str, Any] = {"recorded_by": by}
        if kind == ClearanceKind.PARENTAL_CONSENT:
            defaults |= {"guardian_name": "Pat Guardian", "guardian_relation": "parent"}
        ClearanceRecord.objects.get_or_create(
            user=user, program=program, kind=kind, revoked_at=None, defaults=defaults
        )


# Matching profiles, so suggestions have reasons to show. Varied by number so the
# ranking differs between mentees; created once, never overwriting staff's edits.
_AVAILABILITY = (
    ["tue_evening", "thu_evening"],
    ["mon_evening", "sat_morning"],
    ["tue_evening", "sat_afternoon"],
    ["wed_afternoon", "thu_evening"],
)
_PROFILE_TEXT = {
    "riverside": {
        "goals": ("housing, work", "work, driving licence", "housing, family"),
        "interests": ("basketball, cooking", "music, fishing", "cooking, faith"),
        "counties": ("Polk County", "Story County"),
        "experience": "reentry",
    },
    "northfield": {
        "goals": ("school, college applications", "confidence, school", "first job"),
        "interests": ("gaming, art", "soccer, music", "art, reading"),
        "counties": ("Linn County", "Johnson County"),
        "experience": "foster_care",
    },
}


def _profile(user: User, program: Program, slug: str, number: int, mentor: int) -> None:
    """`mentor` is 0 for the mentee, 1 and 2 for a circle's mentors a and b."""
    text = _PROFILE_TEXT.get(slug)
    if text is None:
        return
    turn = number + mentor
    shared = mentor == 0 or turn % 2 == 0
    Profile.objects.get_or_create(
        user=user,
        program=program,
        defaults={
            "goals": text["goals"][turn % len(text["goals"])],
            "interests": text["interests"][turn % len(text["interests"])],
            "availability": _AVAILABILITY[turn % len(_AVAILABILITY)],
            "county": text["counties"][turn % len(text["counties"])],
            "languages": "English, Spanish" if turn % 3 == 0 else "English",
            "lived_experience": [text["experience"]] if shared else [],
        },
    )


@transaction.atomic
def seed_demo(*, circles: int, password: str) -> dict[str, Any]:
    password_hash = make_password(password)  # hashed once: argon2 is slow on purpose
    today = timezone.localdate()
    programs_out = []
    for spec in DEMO_PROGRAMS:
        program, _created = Program.objects.get_or_create(
            name=spec.name,
            defaults={"description": spec.description, "time_zone": spec.time_zone},
        )
        conduct = program.conduct_versions.order_by("-version").first()
        if conduct is None:
            conduct = CodeOfConduct.objects.create(
                program=program, version=1, text=CONDUCT_TEXT
            )

        short = spec.name.split()[0]
        monitor = _staff(
            program,
            Role.MONITOR,
            f"{spec.slug}-monitor",
            f"Monitor ({short})",
            password_hash,
        )
        admin = _staff(
            program,
            Role.ADMIN,
            f"{spec.slug}-admin",
            f"Administrator ({short})",
            password_hash,
        )

        def participant(
            suffix: str,
            name: str,
            role: str,
            *,
            minor: bool = False,
            slug: str = spec.slug,
            program: Program = program,
            conduct: CodeOfConduct = conduct,
        ) -> User:
            born = dt.date(today.year - (15 if minor else 35), 3, 14)
            user = _person(f"{slug}-{suffix}", name, password_hash, date_of_birth=born)
            ProgramRole.objects.get_or_create(user=user, program=program, role=role)
            ConductAcceptance.objects.get_or_create(user=user, conduct=conduct)
            return user

        circles_out = []
        first_circle: Circle | None = None
        for number in range(1, circles + 1):
            names = spec.first_names
            mentee = participant(
                f"mentee-{number}",
                f"{names[(number - 1) % len(names)]} {number}",
                Role.MENTEE,
                minor=spec.minors,
            )
            kinds = [ClearanceKind.TRAINING]
            if spec.minors:
                kinds.append(ClearanceKind.PARENTAL_CONSENT)
            _clear(mentee, program, kinds, admin)
            _profile(mentee, program, spec.slug, number, 0)
            mentors = []
            for letter in ("a", "b"):
                mentor = participant(
                    f"mentor-{number}{letter}",
                    f"{names[(number + (3 if letter == 'a' else 5)) % len(names)]} "
                    f"(mentor {number}{letter})",
                    Role.MENTOR,
                )
                _clear(
                    mentor,
                    program,
                    [ClearanceKind.SCREENING, ClearanceKind.TRAINING],
                    admin,
                )
                _profile(mentor, program, spec.slug, number, 1 if letter == "a" else 2)
                mentors.append(mentor)
            circle, created = Circle.objects.get_or_create(
                program=program, name=f"{spec.name.split()[0]} circle {number}"
            )
            if created:
                Membership.objects.create(
                    circle=circle, user=mentee, role=CircleRole.MENTEE
                )
                for index, mentor in enumerate(mentors):
                    Membership.objects.create(
                        circle=circle,
                        user=mentor,
                        role=CircleRole.MENTOR,
                        is_coordinator=index == 0,
                    )
                Agreement.objects.create(
                    circle=circle,
                    version=1,
                    meeting_frequency="Weekly, Tuesdays at 6 pm",
                    meeting_length_minutes=60,
                    number_of_sessions=26,
                    meeting_place="Online, in this circle",
                    contact_between_sessions="Only through this platform",
                    contact_frequency="A few messages a week",
                    arranging_and_cancelling="Tell the circle a day ahead in the chat.",
                    focus="Housing, work and staying connected",
                    goals_short_term="Get a state ID and open a bank account",
                    goals_medium_term="Find steady work",
                    goals_long_term="Stable housing and a support network",
                    comfortable_topics="Work, family, faith, sports",
                    not_comfortable_topics="",
                    review_date=today + dt.timedelta(days=90),
                    created_by=mentors[0],
                )
            agreement = circle.agreements.order_by("-version")[0]
            for person in (mentee, *mentors):
                AgreementAcceptance.objects.get_or_create(
                    agreement=agreement, user=person
                )
            first_circle = first_circle or circle
            circles_out.append(
                {
                    "id": circle.pk,
                    "mentee": mentee.username,
                    "mentors": [m.username for m in mentors],
                    "coordinator": mentors[0].username,
                }
            )

        # A mentor who joined the first circle but has not finished training yet.
        pending = participant(
            "pending", f"New mentor ({spec.name.split()[0]})", Role.MENTOR
        )
        _clear(pending, program, [ClearanceKind.SCREENING], admin)
        if first_circle is not None:
            if not Membership.objects.filter(
                circle=first_circle, user=pending, left_at__isnull=True
            ).exists():
                Membership.objects.create(
                    circle=first_circle, user=pending, role=CircleRole.MENTOR
                )
            agreement = first_circle.agreements.order_by("-version")[0]
            AgreementAcceptance.objects.get_or_create(agreement=agreement, user=pending)
        programs_out.append(
            {
                "id": program.pk,
                "name": program.name,
                "monitors": [monitor.username],
                "admins": [admin.username],
                "pending": [pending.username],
                "circles": circles_out,
            }
        )
    return {"password": password, "programs": programs_out}


def demo_exists() -> bool:
    return Program.objects.filter(name=DEMO_PROGRAMS[0].name).exists()
