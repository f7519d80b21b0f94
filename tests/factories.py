"""Factories: cleared members who accepted their circle's agreement, unless told not to.

A test sets only what it is about: `make_member(circle, training=False)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import factory
from django.utils import timezone

from accounts.models import (
    ClearanceKind,
    ClearanceRecord,
    CodeOfConduct,
    ConductAcceptance,
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

PASSWORD = "correct horse battery staple"


class ProgramFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program {n}")

    @factory.post_generation
    def conduct(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            CodeOfConduct.objects.create(program=self, version=1, text="Be kind.")


class UserFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)


def grant(user: User, program: Program, role: str) -> User:
    ProgramRole.objects.get_or_create(user=user, program=program, role=role)
    return user


def staff(program: Program, role: str = Role.MONITOR, **kwargs: object) -> User:
    user = UserFactory(**kwargs)
    return grant(user, program, role)


def clear(
    user: User,
    program: Program,
    *,
    role: str,
    screening: bool = True,
    training: bool = True,
    conduct: bool = True,
    consent: bool = True,
) -> None:
    if role == Role.MENTOR and screening:
        ClearanceRecord.objects.create(
            user=user, program=program, kind=ClearanceKind.SCREENING
        )
    if training:
        ClearanceRecord.objects.create(
            user=user, program=program, kind=ClearanceKind.TRAINING
        )
    if consent and user.is_minor:
        ClearanceRecord.objects.create(
            user=user,
            program=program,
            kind=ClearanceKind.PARENTAL_CONSENT,
            guardian_name="Pat Doe",
            guardian_relation="mother",
        )
    if conduct:
        current = program.conduct_versions.order_by("-version").first()
        assert current is not None
        ConductAcceptance.objects.create(user=user, conduct=current)


def participant(
    program: Program,
    role: str = Role.MENTOR,
    *,
    minor: bool = False,
    screening: bool = True,
    training: bool = True,
    conduct: bool = True,
    consent: bool = True,
    **kwargs: object,
) -> User:
    if minor:
        kwargs.setdefault(
            "date_of_birth", timezone.localdate() - dt.timedelta(days=15 * 365)
        )
    user = UserFactory(**kwargs)
    grant(user, program, role)
    clear(
        user,
        program,
        role=role,
        screening=screening,
        training=training,
        conduct=conduct,
        consent=consent,
    )
    return user


def make_member(
    circle: Circle,
    role: str = CircleRole.MENTOR,
    *,
    is_coordinator: bool = False,
    accepted: bool = True,
    **clearance: object,
) -> User:
    user = participant(circle.program, role, **clearance)  # type: ignore[arg-type]
    Membership.objects.create(
        circle=circle, user=user, role=role, is_coordinator=is_coordinator
    )
    agreement = circle.agreements.order_by("-version").first()
    if accepted and agreement is not None:
        AgreementAcceptance.objects.create(agreement=agreement, user=user)
    return user


@dataclass
class CircleSet:
    circle: Circle
    mentee: User
    mentors: list[User] = field(default_factory=list)

    @property
    def coordinator(self) -> User:
        return self.mentors[0]

    @property
    def members(self) -> list[User]:
        return [self.mentee, *self.mentors]

    @property
    def program(self) -> Program:
        return self.circle.program


def make_circle(
    program: Program | None = None, *, mentors: int = 2, name: str = "Circle"
) -> CircleSet:
    """An open circle: a cleared mentee and mentors who all accepted agreement v1."""
    program = program or ProgramFactory()
    circle = Circle.objects.create(program=program, name=name)
    Agreement.objects.create(circle=circle, version=1, focus="Getting settled")
    mentee = make_member(circle, CircleRole.MENTEE)
    people = [
        make_member(circle, CircleRole.MENTOR, is_coordinator=index == 0)
        for index in range(mentors)
    ]
    return CircleSet(circle=circle, mentee=mentee, mentors=people)
