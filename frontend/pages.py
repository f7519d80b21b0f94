"""Reads behind the participant pages: chat, onboarding checklist and agreement.

Plain data for templates. Every circle lookup goes through messaging.access, so a circle
outside the person's programs is "not found", exactly like a missing one. Writes stay in
accounts.services (code of conduct) and messaging.circles (agreements).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import CodeOfConduct, User
from accounts.selectors import (
    Missing,
    current_conduct,
    get_clearance,
    monitored_programs,
)
from config.errors import NotAllowed
from messaging.access import access_circle, active_membership, current_agreement
from messaging.circles import AGREEMENT_FIELDS, can_edit_agreement
from messaging.models import Agreement, AgreementAcceptance, Circle, Membership


class NotAMember(NotAllowed):
    """The circle is in one of the person's programs, but they are not in it."""


# Step states: what the person sees next to each item of the checklist.
DONE = "done"
YOUR_PART = "todo"
WAITING = "waiting"
CLOSED = "closed"

STATE_LABELS = {
    DONE: gettext_lazy("Done"),
    YOUR_PART: gettext_lazy("Your part"),
    WAITING: gettext_lazy("Waiting for program staff"),
    CLOSED: gettext_lazy("Closed"),
}


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    detail: str
    state: str
    waiting_for: str = ""  # who the step waits on, when it is not the person

    @property
    def state_label(self) -> str:
        if self.state == WAITING and self.waiting_for:
            return self.waiting_for
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class Onboarding:
    circle: Circle
    membership: Membership
    steps: list[Step]
    conduct: CodeOfConduct | None  # set when the person still has to accept it
    agreement: Agreement | None
    has_accepted_agreement: bool

    @property
    def can_chat(self) -> bool:
        return all(step.state == DONE for step in self.steps)


@dataclass(frozen=True)
class MemberRow:
    name: str
    role: str
    is_you: bool
    accepted_at: datetime | None


@dataclass(frozen=True)
class AgreementPage:
    circle: Circle
    agreement: Agreement | None
    members: list[MemberRow]
    is_member: bool
    can_edit: bool
    has_accepted: bool
    changed: frozenset[str] = frozenset()  # fields that differ from the last version

    @property
    def can_accept(self) -> bool:
        return (
            self.is_member
            and self.agreement is not None
            and not self.has_accepted
            and self.circle.is_open
        )

    @property
    def waiting_for(self) -> list[MemberRow]:
        return [row for row in self.members if row.accepted_at is None]


@dataclass(frozen=True)
class Goal:
    term: str
    text: str


@dataclass(frozen=True)
class ChatPage:
    circle: Circle
    membership: Membership
    agreement: Agreement | None
    members: list[MemberRow] = field(default_factory=list)

    @property
    def goals(self) -> list[Goal]:
        if self.agreement is None:
            return []
        return agreement_goals(self.agreement)

    @property
    def review_date(self) -> date | None:
        return self.agreement.review_date if self.agreement else None


def agreement_goals(agreement: Agreement) -> list[Goal]:
    goals = [
        Goal(_("Short term"), agreement.goals_short_term),
        Goal(_("Medium term"), agreement.goals_medium_term),
        Goal(_("Long term"), agreement.goals_long_term),
    ]
    return [goal for goal in goals if goal.text.strip()]


def role_label(membership: Membership) -> str:
    return (
        _("Coordinator") if membership.is_coordinator else membership.get_role_display()
    )


def access_member_circle(*, user: User, circle_id: int) -> tuple[Circle, Membership]:
    """The circle and `user`'s active membership; NotFound outside their programs,
    NotAMember when they can know the circle but are not in it."""
    circle = access_circle(user=user, circle_id=circle_id)
    membership = active_membership(user=user, circle=circle)
    if membership is None:
        raise NotAMember(_("You are not a member of this circle."))
    return circle, membership


def member_rows(
    *, circle: Circle, viewer: User, agreement: Agreement | None
) -> list[MemberRow]:
    accepted: dict[int, datetime] = {}
    if agreement is not None:
        accepted = dict(
            AgreementAcceptance.objects.filter(agreement=agreement).values_list(
                "user_id", "accepted_at"
            )
        )
    memberships = (
        Membership.objects.filter(circle=circle, left_at__isnull=True)
        .select_related("user")
        .order_by("-is_coordinator", "role", "joined_at")
    )
    return [
        MemberRow(
            name=m.user.shown_name,
            role=role_label(m),
            is_you=m.user_id == viewer.pk,
            accepted_at=accepted.get(m.user_id),
        )
        for m in memberships
    ]


def get_chat_page(*, user: User, circle_id: int) -> ChatPage:
    """The chat page's frame: the circle, its members and its goals (not messages:
    those come over the socket)."""
    circle, membership = access_member_circle(user=user, circle_id=circle_id)
    agreement = current_agreement(circle)
    return ChatPage(
        circle=circle,
        membership=membership,
        agreement=agreement,
        members=member_rows(circle=circle, viewer=user, agreement=None),
    )


def get_onboarding(*, user: User, circle_id: int) -> Onboarding:
    """What `user` still needs before they can chat in the circle, step by step."""
    circle, membership = access_member_circle(user=user, circle_id=circle_id)
    clearance = get_clearance(user=user, program=circle.program, role=membership.role)
    missing = dict(zip(clearance.missing, clearance.sentences(), strict=True))
    steps: list[Step] = []
    if not circle.is_open:
        steps.append(
            Step(
                "closed",
                _("The circle is open"),
                _("This circle is closed; messages can no longer be sent."),
                CLOSED,
            )
        )
    if membership.role == "mentor":
        steps.append(
            staff_step(
                Missing.SCREENING,
                _("Screening and background check"),
                missing,
                _("Program staff have recorded your screening."),
            )
        )
    steps.append(
        staff_step(
            Missing.TRAINING,
            _("Training"),
            missing,
            _("Your training is recorded as completed."),
        )
    )
    if user.is_minor or Missing.PARENTAL_CONSENT in missing:
        steps.append(
            staff_step(
                Missing.PARENTAL_CONSENT,
                _("A parent or guardian's consent"),
                missing,
                _("Program staff have your parent or guardian's consent."),
            )
        )
    conduct = current_conduct(circle.program)
    must_accept_conduct = Missing.CONDUCT in missing
    if not must_accept_conduct:
        steps.append(
            Step(
                "conduct",
                _("Code of conduct"),
                _("You accepted the current code of conduct."),
                DONE,
            )
        )
    elif conduct is None:
        steps.append(
            Step(
                "conduct",
                _("Code of conduct"),
                _("Program staff have not published a code of conduct yet."),
                WAITING,
            )
        )
    else:
        steps.append(
            Step("conduct", _("Code of conduct"), missing[Missing.CONDUCT], YOUR_PART)
        )
    agreement = current_agreement(circle)
    has_accepted = (
        agreement is not None
        and AgreementAcceptance.objects.filter(agreement=agreement, user=user).exists()
    )
    steps.extend(
        agreement_steps(
            circle=circle, user=user, agreement=agreement, has_accepted=has_accepted
        )
    )
    return Onboarding(
        circle=circle,
        membership=membership,
        steps=steps,
        conduct=conduct if must_accept_conduct else None,
        agreement=agreement,
        has_accepted_agreement=has_accepted,
    )


def staff_step(
    code: str, title: str, missing: dict[str, str], done_sentence: str
) -> Step:
    if code in missing:
        return Step(code, title, missing[code], WAITING)
    return Step(code, title, done_sentence, DONE)


def agreement_steps(
    *, circle: Circle, user: User, agreement: Agreement | None, has_accepted: bool
) -> list[Step]:
    title = _("The circle's agreement")
    if agreement is None:
        if can_edit_agreement(user=user, circle=circle):
            detail = _(
                "Write the circle's agreement with your circle; then everyone "
                "accepts it."
            )
            return [Step("agreement", title, detail, YOUR_PART)]
        detail = _("This circle has no agreement yet; its coordinator writes it.")
        return [
            Step("agreement", title, detail, WAITING, _("Waiting for the coordinator"))
        ]
    steps = []
    if has_accepted:
        steps.append(
            Step(
                "agreement",
                title,
                _("You accepted version {version}.").format(version=agreement.version),
                DONE,
            )
        )
    else:
        steps.append(
            Step(
                "agreement",
                title,
                _(
                    "Read and accept version {version} of the circle's agreement."
                ).format(version=agreement.version),
                YOUR_PART,
            )
        )
    accepted = set(
        AgreementAcceptance.objects.filter(agreement=agreement).values_list(
            "user_id", flat=True
        )
    )
    others = (
        Membership.objects.filter(circle=circle, left_at__isnull=True)
        .exclude(user=user)
        .exclude(user_id__in=accepted)
        .count()
    )
    if others:
        steps.append(
            Step(
                "others",
                _("Everyone else in the circle accepts it"),
                ngettext(
                    "{count} other member has not accepted this version yet; the "
                    "circle can talk once everyone has.",
                    "{count} other members have not accepted this version yet; the "
                    "circle can talk once everyone has.",
                    others,
                ).format(count=others),
                WAITING,
                _("Waiting for other members"),
            )
        )
    else:
        steps.append(
            Step(
                "others",
                _("Everyone else in the circle accepts it"),
                _("Everyone else has accepted it."),
                DONE,
            )
        )
    return steps


def get_agreement_page(*, user: User, circle_id: int) -> AgreementPage:
    """The circle's current agreement, for its members and its program's staff."""
    circle = access_circle(user=user, circle_id=circle_id)
    membership = active_membership(user=user, circle=circle)
    is_staff = monitored_programs(user).filter(pk=circle.program_id).exists()
    if membership is None and not is_staff:
        raise NotAMember(_("You are not a member of this circle."))
    agreement = current_agreement(circle)
    members = member_rows(circle=circle, viewer=user, agreement=agreement)
    has_accepted = any(row.is_you and row.accepted_at for row in members)
    changed: frozenset[str] = frozenset()
    if agreement is not None and agreement.version > 1:
        previous = circle.agreements.filter(version=agreement.version - 1).first()
        if previous is not None:
            changed = frozenset(
                name
                for name in AGREEMENT_FIELDS
                if getattr(previous, name) != getattr(agreement, name)
            )
    return AgreementPage(
        circle=circle,
        agreement=agreement,
        members=members,
        is_member=membership is not None,
        can_edit=circle.is_open and can_edit_agreement(user=user, circle=circle),
        has_accepted=has_accepted,
        changed=changed,
    )


# The agreement as the programs' paper forms lay it out: (heading, field names).
AGREEMENT_SECTIONS = (
    (
        gettext_lazy("How we meet"),
        (
            "meeting_frequency",
            "meeting_length_minutes",
            "number_of_sessions",
            "meeting_place",
        ),
    ),
    (
        gettext_lazy("Staying in touch"),
        ("contact_between_sessions", "contact_frequency", "arranging_and_cancelling"),
    ),
    (gettext_lazy("What we focus on"), ("focus",)),
    (
        gettext_lazy("Our goals"),
        ("goals_short_term", "goals_medium_term", "goals_long_term"),
    ),
    (gettext_lazy("Topics"), ("comfortable_topics", "not_comfortable_topics")),
    (gettext_lazy("Reviewing progress"), ("review_date",)),
)


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    text: str
    items: list[str]  # for lists (topics not to discuss), else empty
    changed: bool


@dataclass(frozen=True)
class Section:
    heading: str
    rows: list[Row]


def shown_value(agreement: Agreement, name: str) -> str:
    value = getattr(agreement, name)
    if value is None or value == "":
        return _("Not agreed yet")
    if name == "meeting_length_minutes":
        return _("{minutes} minutes").format(minutes=value)
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    return str(value)


def agreement_sections(
    agreement: Agreement, *, labels: dict[str, str], changed: frozenset[str]
) -> list[Section]:
    sections = []
    for heading, names in AGREEMENT_SECTIONS:
        rows = []
        for name in names:
            items = (
                agreement.not_comfortable_terms()
                if name == "not_comfortable_topics"
                else []
            )
            rows.append(
                Row(
                    name=name,
                    label=labels[name],
                    text=shown_value(agreement, name),
                    items=items,
                    changed=name in changed,
                )
            )
        sections.append(Section(heading=str(heading), rows=rows))
    return sections
