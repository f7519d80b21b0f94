"""Reads for pages: the circles and programs a person sees on the home page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from accounts.models import STAFF_ROLES, ProgramRole, User
from config.errors import NotAllowed
from messaging.access import check_can_chat
from messaging.models import Membership


@dataclass(frozen=True)
class CircleCard:
    id: int
    name: str
    program: str
    role: str
    is_coordinator: bool
    is_open: bool
    can_chat: bool
    blocked_because: str = ""


@dataclass(frozen=True)
class StaffProgram:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class HomePage:
    circles: list[CircleCard] = field(default_factory=list)
    staff_programs: list[StaffProgram] = field(default_factory=list)


def list_home(*, user: User) -> HomePage:
    """`user`'s circles (current memberships), and the programs they staff."""
    if not user.is_authenticated:
        raise PermissionDenied
    cards = []
    memberships = (
        Membership.objects.filter(user=user, left_at__isnull=True)
        .select_related("circle", "circle__program")
        .order_by("circle__status", "circle__name")
    )
    for membership in memberships:
        circle = membership.circle
        try:
            check_can_chat(user=user, circle=circle)
            blocked_because = ""
        except NotAllowed as refusal:
            blocked_because = refusal.detail
        cards.append(
            CircleCard(
                id=circle.pk,
                name=circle.name,
                program=circle.program.name,
                role=membership.get_role_display(),
                is_coordinator=membership.is_coordinator,
                is_open=circle.is_open,
                can_chat=not blocked_because,
                blocked_because=blocked_because,
            )
        )
    staff = [
        StaffProgram(
            id=grant.program_id, name=grant.program.name, role=grant.get_role_display()
        )
        for grant in ProgramRole.objects.filter(user=user, role__in=STAFF_ROLES)
        .select_related("program")
        .order_by("program__name", "role")
    ]
    return HomePage(circles=cards, staff_programs=staff)
