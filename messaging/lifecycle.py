"""A circle's ending: the coordinator proposes closure, program staff close it, exit
interviews are recorded, the future-contact policy is kept and shown to the members,
and a mentee can be re-matched to a new circle (a new circle: its history starts
empty, the old one stays closed with its own).

Closing reuses messaging.circles.close_circle (and its broadcast, which ends members'
sockets). Staff here means a monitor or an administrator of the circle's program;
re-matching forms a circle, which administrators do (messaging.circles.create_circle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from accounts.selectors import monitored_programs
from config.errors import Invalid, NotAllowed
from messaging.access import access_circle, access_circle_as_staff, active_membership
from messaging.circles import close_circle, create_circle
from messaging.models import (
    Circle,
    CircleRole,
    ClosureProposal,
    ClosureReason,
    ExitInterview,
    Membership,
)
from messaging.records import readable_note, seal_optional
from messaging.staff import staff_programs

MAX_POLICY_CHARS = 2000
MAX_NOTE_CHARS = 4000


def check_reason(reason: str) -> str:
    if reason not in ClosureReason.values:
        raise Invalid(
            _("Choose why the circle is closing: {reasons}.").format(
                reasons=", ".join(ClosureReason.values)
            ),
            field="reason",
        )
    return reason


def check_length(value: str, field: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise Invalid(
            _("This can be at most {limit} characters.").format(limit=limit),
            field=field,
        )
    return value


@sensitive_variables("note")
@transaction.atomic
def propose_closure(
    *,
    user: User,
    circle_id: int,
    reason: str,
    note: str = "",
    future_contact_policy: str = "",
) -> ClosureProposal:
    """The coordinator asks staff to close the circle."""
    circle = access_circle(user=user, circle_id=circle_id, lock=True)
    membership = active_membership(user=user, circle=circle)
    if membership is None or not membership.is_coordinator:
        raise NotAllowed(_("Only the circle's coordinator proposes closing it."))
    if not circle.is_open:
        raise Invalid(_("This circle is already closed."), field="reason")
    check_reason(reason)
    note = check_length(note, "note", MAX_NOTE_CHARS)
    policy = check_length(
        future_contact_policy, "future_contact_policy", MAX_POLICY_CHARS
    )
    if ClosureProposal.objects.filter(
        circle=circle, status=ClosureProposal.Status.PENDING
    ).exists():
        raise Invalid(
            _("Closing this circle is already proposed; program staff will reply."),
            field="reason",
        )
    return ClosureProposal.objects.create(
        circle=circle,
        proposed_by=user,
        reason=reason,
        note_ciphertext=seal_optional(
            circle_id=circle.pk, purpose=ClosureProposal.PURPOSE, text=note
        ),
        future_contact_policy=policy,
    )


def proposal_row(
    proposal: ClosureProposal, *, with_note: bool = False
) -> dict[str, object]:
    row: dict[str, object] = {
        "id": proposal.pk,
        "circle": proposal.circle_id,
        "circle_name": proposal.circle.name,
        "proposed_by": {
            "id": proposal.proposed_by.pk,
            "name": proposal.proposed_by.shown_name,
        },
        "reason": proposal.reason,
        "reason_label": proposal.get_reason_display(),
        "future_contact_policy": proposal.future_contact_policy,
        "status": proposal.status,
        "created_at": proposal.created_at.isoformat(),
    }
    if with_note:
        row["note"] = readable_note(
            circle_id=proposal.circle_id,
            purpose=ClosureProposal.PURPOSE,
            blob=proposal.note_ciphertext,
        )
    return row


def list_pending_closures(*, user: User) -> list[dict[str, object]]:
    programs = staff_programs(user)
    proposals = ClosureProposal.objects.filter(
        status=ClosureProposal.Status.PENDING, circle__program__in=programs
    ).select_related("circle", "proposed_by")
    return [proposal_row(proposal, with_note=True) for proposal in proposals]


@transaction.atomic
def close_circle_as_staff(
    *,
    user: User,
    circle_id: int,
    reason: str,
    future_contact_policy: str,
    now: datetime | None = None,
) -> Circle:
    """A monitor or administrator of the program closes the circle: the policy on
    future contact is stored for the members to see, a pending proposal is accepted,
    and close_circle ends the members' sockets after commit."""
    now = now or timezone.now()
    circle = access_circle_as_staff(user=user, circle_id=circle_id)
    label = ClosureReason(check_reason(reason)).label
    policy = check_length(
        future_contact_policy, "future_contact_policy", MAX_POLICY_CHARS
    )
    if not circle.is_open:
        raise Invalid(_("This circle is already closed."), field="reason")
    if not policy:
        raise Invalid(
            _(
                "Say what contact the members may have after the circle closes "
                "(for example: none outside the program)."
            ),
            field="future_contact_policy",
        )
    ClosureProposal.objects.filter(
        circle=circle, status=ClosureProposal.Status.PENDING
    ).update(status=ClosureProposal.Status.ACCEPTED, decided_by=user, decided_at=now)
    Circle.objects.filter(pk=circle.pk).update(future_contact_policy=policy)
    return close_circle(by=None, circle=circle, reason=str(label))


@dataclass(frozen=True)
class Closure:
    """What a member (or staff) sees about a circle's closing."""

    circle: Circle
    is_closed: bool
    closed_at: datetime | None
    reason: str
    future_contact_policy: str
    pending: ClosureProposal | None
    is_coordinator: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "circle": self.circle.pk,
            "status": self.circle.status,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "reason": self.reason,
            "future_contact_policy": self.future_contact_policy,
            "pending_proposal": proposal_row(self.pending) if self.pending else None,
        }


def get_closure(*, user: User, circle_id: int) -> Closure:
    """The circle's closing as its members (current or former) and staff see it."""
    circle = access_circle(user=user, circle_id=circle_id)
    memberships = Membership.objects.filter(circle=circle, user=user)
    is_member = memberships.exists()
    is_staff = monitored_programs(user).filter(pk=circle.program_id).exists()
    if not is_member and not is_staff:
        raise NotAllowed(_("You are not a member of this circle."))
    pending = (
        ClosureProposal.objects.filter(
            circle=circle, status=ClosureProposal.Status.PENDING
        )
        .select_related("circle", "proposed_by")
        .first()
    )
    return Closure(
        circle=circle,
        is_closed=not circle.is_open,
        closed_at=circle.closed_at,
        reason=circle.closure_reason,
        future_contact_policy=circle.future_contact_policy,
        pending=pending,
        is_coordinator=memberships.filter(
            left_at__isnull=True, is_coordinator=True
        ).exists(),
    )


# Exit interviews -------------------------------------------------------------------

PARTICIPANT_ROLE: dict[str, str] = {
    ExitInterview.Kind.MENTEE_STAFF: CircleRole.MENTEE,
    ExitInterview.Kind.MENTOR_STAFF: CircleRole.MENTOR,
    ExitInterview.Kind.MENTOR_MENTEE: CircleRole.MENTOR,
}


def member_in(circle: Circle, user_id: int | None, role: str) -> User | None:
    if user_id is None:
        return None
    membership = (
        Membership.objects.filter(circle=circle, user_id=user_id, role=role)
        .select_related("user")
        .first()
    )
    return membership.user if membership is not None else None


@sensitive_variables("notes")
@transaction.atomic
def record_exit_interview(
    *,
    user: User,
    circle_id: int,
    kind: str,
    participant_id: int | None,
    counterpart_id: int | None,
    notes: str,
    held_on: date | None = None,
) -> ExitInterview:
    """Staff record an exit interview: mentee and staff, mentor and staff, or mentor
    and mentee. People must be (or have been) in the circle in the right role; the
    staff member must staff the circle's program."""
    circle = access_circle_as_staff(user=user, circle_id=circle_id)
    if kind not in ExitInterview.Kind.values:
        raise Invalid(_("Choose who the interview was between."), field="kind")
    participant = member_in(circle, participant_id, PARTICIPANT_ROLE[kind])
    if participant is None:
        raise Invalid(
            _("Choose the circle's {role}.").format(role=PARTICIPANT_ROLE[kind]),
            field="participant",
        )
    if kind == ExitInterview.Kind.MENTOR_MENTEE:
        counterpart = member_in(circle, counterpart_id, CircleRole.MENTEE)
        missing = _("Choose the circle's mentee.")
    else:
        counterpart = (
            User.objects.filter(pk=counterpart_id).first()
            if counterpart_id is not None
            else user
        )
        if (
            counterpart is not None
            and not monitored_programs(counterpart)
            .filter(pk=circle.program_id)
            .exists()
        ):
            counterpart = None
        missing = _("Choose a staff member of the program.")
    if counterpart is None:
        raise Invalid(missing, field="counterpart")
    held_on = held_on or timezone.localdate()
    if held_on > timezone.localdate():
        raise Invalid(_("An interview can't be dated in the future."), field="held_on")
    notes = check_length(notes, "notes", MAX_NOTE_CHARS)
    if not notes:
        raise Invalid(_("Write what was said."), field="notes")
    return ExitInterview.objects.create(
        circle=circle,
        kind=kind,
        participant=participant,
        counterpart=counterpart,
        held_on=held_on,
        recorded_by=user,
        notes_ciphertext=seal_optional(
            circle_id=circle.pk, purpose=ExitInterview.PURPOSE, text=notes
        ),
    )


def exit_interview_row(interview: ExitInterview) -> dict[str, object]:
    return {
        "id": interview.pk,
        "circle": interview.circle_id,
        "kind": interview.kind,
        "kind_label": interview.get_kind_display(),
        "participant": {
            "id": interview.participant.pk,
            "name": interview.participant.shown_name,
        },
        "counterpart": {
            "id": interview.counterpart.pk,
            "name": interview.counterpart.shown_name,
        },
        "held_on": interview.held_on.isoformat(),
        "recorded_by": interview.recorded_by.shown_name,
        "notes": readable_note(
            circle_id=interview.circle_id,
            purpose=ExitInterview.PURPOSE,
            blob=interview.notes_ciphertext,
        ),
    }


def list_exit_interviews(*, user: User, circle_id: int) -> list[dict[str, object]]:
    circle = access_circle_as_staff(user=user, circle_id=circle_id)
    interviews = ExitInterview.objects.filter(circle=circle).select_related(
        "participant", "counterpart", "recorded_by"
    )
    return [exit_interview_row(interview) for interview in interviews]


# Re-matching -----------------------------------------------------------------------


@transaction.atomic
def rematch_mentee(
    *,
    by: User,
    circle_id: int,
    name: str,
    mentors: Sequence[User],
    coordinator: User,
    future_contact_policy: str,
) -> Circle:
    """Close the mentee's circle (if still open) and form a new one with new mentors.

    The new circle is a new row: its seqs, archive key and history start empty, so
    nothing said in the old circle is visible in the new one.
    """
    old = access_circle_as_staff(user=by, circle_id=circle_id)
    mentee_row = (
        Membership.objects.filter(circle=old, role=CircleRole.MENTEE)
        .select_related("user")
        .order_by("-joined_at")
        .first()
    )
    if mentee_row is None:
        raise Invalid(_("This circle has no mentee to re-match."), field="circle")
    if old.is_open:
        close_circle_as_staff(
            user=by,
            circle_id=old.pk,
            reason=ClosureReason.REMATCH,
            future_contact_policy=future_contact_policy,
        )
    return create_circle(
        by=by,
        program=old.program,
        name=name,
        mentee=mentee_row.user,
        mentors=mentors,
        coordinator=coordinator,
    )


@dataclass(frozen=True)
class CirclePerson:
    id: int
    name: str
    role: str  # mentee | mentor | coordinator
    is_active: bool


def list_circle_people(circle: Circle) -> list[CirclePerson]:
    """Everyone who is or was in the circle, for staff forms (interviews, notes)."""
    people: dict[int, CirclePerson] = {}
    memberships = (
        Membership.objects.filter(circle=circle)
        .select_related("user")
        .order_by("role", "-is_coordinator", "joined_at")
    )
    for membership in memberships:
        current = people.get(membership.user_id)
        people[membership.user_id] = CirclePerson(
            id=membership.user_id,
            name=membership.user.shown_name,
            role=membership.shown_role,
            is_active=membership.left_at is None
            or (current is not None and current.is_active),
        )
    return list(people.values())
