"""Circle composition and agreements: forming circles, members, agreement versions.

Limits come from the program: at most `max_mentees` mentees and `max_mentors` mentors in
a circle, and a mentor in at most `max_active_circles` open circles. Each write is one
transaction; a violation raises Invalid and leaves nothing half-saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Program, ProgramRole, Role, User
from accounts.selectors import administered_programs
from config.errors import Invalid, NotAllowed, NotFound
from messaging.access import access_circle, active_membership, current_agreement
from messaging.models import (
    Agreement,
    AgreementAcceptance,
    Circle,
    CircleRole,
    Membership,
)

AGREEMENT_FIELDS = (
    "meeting_frequency",
    "meeting_length_minutes",
    "number_of_sessions",
    "meeting_place",
    "contact_between_sessions",
    "contact_frequency",
    "arranging_and_cancelling",
    "focus",
    "goals_short_term",
    "goals_medium_term",
    "goals_long_term",
    "comfortable_topics",
    "not_comfortable_topics",
    "review_date",
)


@dataclass(frozen=True)
class Seat:
    """One intended member of a circle."""

    user: User
    role: str
    is_coordinator: bool = False


def validate_composition(
    *, program: Program, seats: Sequence[Seat], circle: Circle | None = None
) -> None:
    """Check a circle's intended active members against the program's limits."""
    users = [seat.user.pk for seat in seats]
    if len(users) != len(set(users)):
        raise Invalid(_("A person can hold only one seat in a circle."), field="user")
    mentees = [seat for seat in seats if seat.role == CircleRole.MENTEE]
    mentors = [seat for seat in seats if seat.role == CircleRole.MENTOR]
    if len(mentees) > program.max_mentees:
        raise Invalid(
            _("A circle in {program} has at most {limit} mentee(s).").format(
                program=program.name, limit=program.max_mentees
            ),
            field="role",
        )
    if len(mentors) > program.max_mentors:
        raise Invalid(
            _("A circle in {program} has at most {limit} mentors.").format(
                program=program.name, limit=program.max_mentors
            ),
            field="role",
        )
    coordinators = [seat for seat in seats if seat.is_coordinator]
    if len(coordinators) > 1:
        raise Invalid(_("A circle has one coordinator."), field="is_coordinator")
    if any(seat.role != CircleRole.MENTOR for seat in coordinators):
        raise Invalid(_("The coordinator must be one of the mentors."), field="role")
    granted = set(
        ProgramRole.objects.filter(program=program, user_id__in=users).values_list(
            "user_id", "role"
        )
    )
    for seat in seats:
        if (seat.user.pk, seat.role) not in granted:
            raise Invalid(
                _("{person} is not a {role} in {program}.").format(
                    person=seat.user.shown_name, role=seat.role, program=program.name
                ),
                field="user",
            )
    for seat in mentors:
        others = Membership.objects.filter(
            user=seat.user,
            role=CircleRole.MENTOR,
            left_at__isnull=True,
            circle__status=Circle.Status.OPEN,
        )
        if circle is not None and circle.pk is not None:
            others = others.exclude(circle=circle)
        if others.count() >= program.max_active_circles:
            raise Invalid(
                _(
                    "{person} is already a mentor in {count} open circles, the most "
                    "{program} allows."
                ).format(
                    person=seat.user.shown_name,
                    count=program.max_active_circles,
                    program=program.name,
                ),
                field="user",
            )


def active_seats(circle: Circle) -> list[Seat]:
    return [
        Seat(user=m.user, role=m.role, is_coordinator=m.is_coordinator)
        for m in circle.memberships.filter(left_at__isnull=True).select_related("user")
    ]


def check_administers(*, by: User, program: Program) -> None:
    if not administered_programs(by).filter(pk=program.pk).exists():
        raise NotFound(_("No such program."))


def lock_people(users: Sequence[User]) -> None:
    # Two admins adding one mentor to two circles at once must not both pass the
    # circle-count check: serialise on the people involved.
    list(User.objects.select_for_update().filter(pk__in=[u.pk for u in users]))


@transaction.atomic
def create_circle(
    *,
    by: User | None,
    program: Program,
    name: str,
    mentee: User,
    mentors: Sequence[User],
    coordinator: User,
    future_contact_policy: str = "",
) -> Circle:
    """Form a circle: one mentee, its mentors, one of them the coordinator.

    `by=None` is for trusted callers (seed_demo); people must administer the program.
    """
    if by is not None:
        check_administers(by=by, program=program)
    if not name.strip():
        raise Invalid(_("Give the circle a name."), field="name")
    if coordinator not in mentors:
        raise Invalid(
            _("The coordinator must be one of the mentors."), field="coordinator"
        )
    seats = [Seat(user=mentee, role=CircleRole.MENTEE)] + [
        Seat(user=m, role=CircleRole.MENTOR, is_coordinator=m == coordinator)
        for m in mentors
    ]
    lock_people([seat.user for seat in seats])
    validate_composition(program=program, seats=seats)
    if len(mentors) < program.min_mentors:
        raise Invalid(
            _("A circle in {program} needs at least {limit} mentors.").format(
                program=program.name, limit=program.min_mentors
            ),
            field="mentors",
        )
    circle = Circle.objects.create(
        program=program, name=name.strip(), future_contact_policy=future_contact_policy
    )
    Membership.objects.bulk_create(
        Membership(
            circle=circle,
            user=seat.user,
            role=seat.role,
            is_coordinator=seat.is_coordinator,
        )
        for seat in seats
    )
    return circle


@transaction.atomic
def add_member(
    *,
    by: User | None,
    circle: Circle,
    user: User,
    role: str,
    is_coordinator: bool = False,
) -> Membership:
    if by is not None:
        check_administers(by=by, program=circle.program)
    circle = (
        Circle.objects.select_for_update().select_related("program").get(pk=circle.pk)
    )
    if not circle.is_open:
        raise Invalid(_("This circle is closed."), field="circle")
    lock_people([user])
    seats = [
        *active_seats(circle),
        Seat(user=user, role=role, is_coordinator=is_coordinator),
    ]
    validate_composition(program=circle.program, seats=seats, circle=circle)
    return Membership.objects.create(
        circle=circle, user=user, role=role, is_coordinator=is_coordinator
    )


@transaction.atomic
def remove_member(*, by: User | None, circle: Circle, user: User) -> Membership:
    """End a membership; the member's open sockets are closed after commit."""
    if by is not None:
        check_administers(by=by, program=circle.program)
    membership = active_membership(user=user, circle=circle)
    if membership is None:
        raise Invalid(_("This person is not an active member of the circle."))
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    from messaging.broadcast import revoke_on_commit

    revoke_on_commit(user_id=user.pk, circle_id=circle.pk)
    return membership


def can_edit_agreement(*, user: User, circle: Circle) -> bool:
    membership = active_membership(user=user, circle=circle)
    if membership is not None and membership.is_coordinator:
        return True
    return administered_programs(user).filter(pk=circle.program_id).exists()


@transaction.atomic
def publish_agreement(
    *, by: User | None, circle: Circle, fields: dict[str, Any]
) -> Agreement:
    """A new agreement version: every member must accept it before the circle talks."""
    if by is not None and not can_edit_agreement(user=by, circle=circle):
        raise NotAllowed(_("Only the circle's coordinator can change its agreement."))
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise Invalid(
            _("Unknown agreement fields: {names}.").format(
                names=", ".join(sorted(unknown))
            )
        )
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    latest = current_agreement(circle)
    agreement = Agreement(
        circle=circle, version=(latest.version + 1) if latest else 1, created_by=by
    )
    if latest is not None:  # carry over what this version does not change
        for name in AGREEMENT_FIELDS:
            setattr(agreement, name, getattr(latest, name))
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.full_clean(exclude=["circle", "created_by"])
    agreement.save()
    if by is not None and active_membership(user=by, circle=circle) is not None:
        AgreementAcceptance.objects.create(agreement=agreement, user=by)
    return agreement


@transaction.atomic
def accept_agreement(*, user: User, circle_id: int) -> AgreementAcceptance:
    """A member accepts the circle's current agreement."""
    circle = access_circle(user=user, circle_id=circle_id)
    if active_membership(user=user, circle=circle) is None:
        raise NotAllowed(_("You are not a member of this circle."))
    agreement = current_agreement(circle)
    if agreement is None:
        raise Invalid(_("This circle has no agreement to accept yet."))
    acceptance, _created = AgreementAcceptance.objects.get_or_create(
        agreement=agreement, user=user
    )
    return acceptance


@transaction.atomic
def close_circle(*, by: User | None, circle: Circle, reason: str) -> Circle:
    """Staff close a circle; members' sockets are closed after commit."""
    if by is not None:
        check_administers(by=by, program=circle.program)
    if not reason.strip():
        raise Invalid(_("Say why the circle is closing."), field="reason")
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if not circle.is_open:
        raise Invalid(_("This circle is already closed."))
    circle.status = Circle.Status.CLOSED
    circle.closed_at = timezone.now()
    circle.closure_reason = reason.strip()
    circle.save(update_fields=["status", "closed_at", "closure_reason"])
    from messaging.broadcast import circle_closed_on_commit

    circle_closed_on_commit(circle_id=circle.pk)
    return circle


def role_in_program(user: User, program: Program) -> list[str]:
    return list(
        ProgramRole.objects.filter(user=user, program=program).values_list(
            "role", flat=True
        )
    )


__all__ = [
    "AGREEMENT_FIELDS",
    "Role",
    "Seat",
    "accept_agreement",
    "add_member",
    "close_circle",
    "create_circle",
    "publish_agreement",
    "remove_member",
    "validate_composition",
]
