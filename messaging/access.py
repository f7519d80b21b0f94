"""Who may see and use a circle. Every lookup of a circle by id goes through here.

A circle outside the user's programs is "not found", exactly like a missing one; 4403
(NotAllowed) is only for circles the user can already know about.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import get_clearance, known_programs, monitored_programs
from config.errors import NotAllowed, NotFound, NotLoggedIn
from messaging.models import Agreement, AgreementAcceptance, Circle, Membership


@dataclass(frozen=True)
class ChatMember:
    """A cleared member in an open circle: plain data, safe to hold in async code."""

    user_id: int
    circle_id: int
    program_id: int
    name: str
    role: str
    is_coordinator: bool


def no_such_circle() -> NotFound:
    return NotFound(_("No such circle."))


def access_circle(*, user: User, circle_id: int, lock: bool = False) -> Circle:
    """The circle, if it belongs to one of `user`'s programs; else NotFound."""
    if not user.is_authenticated:
        raise NotLoggedIn(_("Please log in."))
    circles = Circle.objects.select_related("program")
    if lock:
        circles = circles.select_for_update(of=("self",))
    circle = circles.filter(pk=circle_id, program__in=known_programs(user)).first()
    if circle is None:
        raise no_such_circle()
    return circle


def access_circle_as_staff(*, user: User, circle_id: int) -> Circle:
    """The circle, if `user` monitors or administers its program; else NotFound."""
    if not user.is_authenticated:
        raise NotLoggedIn(_("Please log in."))
    circle = (
        Circle.objects.select_related("program")
        .filter(pk=circle_id, program__in=monitored_programs(user))
        .first()
    )
    if circle is None:
        raise no_such_circle()
    return circle


def active_membership(*, user: User, circle: Circle) -> Membership | None:
    return Membership.objects.filter(
        circle=circle, user=user, left_at__isnull=True
    ).first()


def current_agreement(circle: Circle) -> Agreement | None:
    return circle.agreements.order_by("-version").first()


def members_waiting() -> Coalesce:
    """Per agreement (as an annotation): active members who have not accepted it."""
    accepted = AgreementAcceptance.objects.filter(agreement=OuterRef(OuterRef("pk")))
    waiting = (
        Membership.objects.filter(circle=OuterRef("circle"), left_at__isnull=True)
        .exclude(user_id__in=accepted.values("user_id"))
        .order_by()
        .values("circle")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(waiting, output_field=IntegerField()), 0)


def check_can_chat(*, user: User, circle: Circle) -> Membership:
    """Raise NotAllowed with a sentence saying what is missing, else the membership."""
    membership = active_membership(user=user, circle=circle)
    if membership is None:
        raise NotAllowed(_("You are not a member of this circle."))
    if not circle.is_open:
        raise NotAllowed(_("This circle is closed; messages can no longer be sent."))
    clearance = get_clearance(user=user, program=circle.program, role=membership.role)
    if not clearance.is_cleared:
        raise NotAllowed(" ".join(clearance.sentences()))
    # The newest version and how many active members have not accepted it: one query.
    agreement = (
        circle.agreements.annotate(waiting=members_waiting())
        .order_by("-version")
        .first()
    )
    if agreement is None:
        raise NotAllowed(
            _("This circle has no agreement yet; its coordinator writes it.")
        )
    if agreement.waiting:
        raise NotAllowed(
            _(
                "Every member must accept the circle's current agreement (version "
                "{version}) before the circle can talk."
            ).format(version=agreement.version)
        )
    return membership


def access_circle_for_chat(*, user: User, circle_id: int) -> ChatMember:
    """Everything the socket checks at connect, and every send re-checks."""
    circle = access_circle(user=user, circle_id=circle_id)
    membership = check_can_chat(user=user, circle=circle)
    return ChatMember(
        user_id=user.pk,
        circle_id=circle.pk,
        program_id=circle.program_id,
        name=user.shown_name,
        role=membership.role,
        is_coordinator=membership.is_coordinator,
    )
