"""The people and objects of the authorization matrix (no tests here).

Two programs: "own" (P) and "other" (Q). In P, an open circle A and a closed circle C,
both with the same members: a cleared mentee, a mentee who is not cleared (training
missing), a mentor, the coordinator and a pending mentor (not trained). P also has a
monitor and an administrator; a superuser belongs to no program. Q mirrors the objects
(open circle B, closed circle D, a flag, a session, an export job) with people of its
own. Every object id a route takes has an "own" target, an "other program" target and a
missing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from archive.models import ExportJob
from messaging.circles import close_circle
from messaging.models import (
    AgreementAcceptance,
    Circle,
    CircleRole,
    CircleSession,
    Membership,
)
from messaging.services import post_message
from moderation.models import Flag
from tests.factories import (
    PASSWORD,
    ProgramFactory,
    UserFactory,
    make_circle,
    make_member,
    staff,
)

MISSING = 987_654
ROLES = [
    "anonymous",
    "mentee",
    "uncleared mentee",
    "mentor",
    "coordinator",
    "pending mentor",
    "monitor",
    "administrator",
    "superuser",
]
PARTICIPANTS = {"mentee", "uncleared mentee", "mentor", "coordinator", "pending mentor"}
STAFF = {"monitor", "administrator"}


@dataclass
class World:
    users: dict[str, User | None] = field(default_factory=dict)
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        return self.clients[role]


def flagged(user: User, circle: Circle, client_id: str) -> Flag:
    ack = post_message(
        sender=user,
        circle_id=circle.pk,
        client_id=client_id,
        body="can you lend me 50 dollars until friday",
    )
    flag = Flag.objects.filter(circle=circle, seq=ack.seq).first()
    assert flag is not None
    return flag


def join(circle: Circle, user: User, role: str, *, coordinator: bool = False) -> None:
    Membership.objects.create(
        circle=circle, user=user, role=role, is_coordinator=coordinator
    )
    agreement = circle.agreements.order_by("-version").first()
    assert agreement is not None
    AgreementAcceptance.objects.create(agreement=agreement, user=user)


def session_of(circle: Circle, user: User) -> CircleSession:
    return CircleSession.objects.create(
        circle=circle,
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=60,
        planned_by=user,
    )


def export_job(program: Any, user: User) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=user,
        program=program,
        recipient="age1qqqq",
        purpose="review",
        status=ExportJob.Status.FAILED,
    )


def build_world() -> World:
    world = World()
    own, other = ProgramFactory(name="Own program"), ProgramFactory(name="Other")
    a = make_circle(own, name="Open circle of mine")
    mentee, coordinator, mentor = a.mentee, a.mentors[0], a.mentors[1]
    uncleared = make_member(a.circle, CircleRole.MENTEE, training=False)
    pending = make_member(a.circle, CircleRole.MENTOR, training=False)
    c = make_circle(own, mentors=0, name="Closed circle of mine")
    for user, role, lead in (
        (coordinator, CircleRole.MENTOR, True),
        (mentor, CircleRole.MENTOR, False),
        (uncleared, CircleRole.MENTEE, False),
        (pending, CircleRole.MENTOR, False),
    ):
        join(c.circle, user, role, coordinator=lead)
    Membership.objects.filter(circle=c.circle, user=c.mentee).delete()
    join(c.circle, mentee, CircleRole.MENTEE)
    monitor = staff(own, Role.MONITOR, display_name="Morgan")
    administrator = staff(own, Role.ADMIN, is_staff=True, display_name="Avery")
    superuser = UserFactory(is_superuser=True, is_staff=True)
    b = make_circle(other, name="Their open circle")
    d = make_circle(other, name="Their closed circle")
    their_monitor = staff(other, Role.MONITOR)

    own_flag = flagged(mentee, a.circle, "own-flag")
    other_flag = flagged(b.mentee, b.circle, "other-flag")
    own_session = session_of(a.circle, coordinator)
    other_session = session_of(b.circle, b.mentors[0])
    own_job = export_job(own, administrator)
    other_job = export_job(other, their_monitor)
    close_circle(by=None, circle=c.circle, reason="goals_met")
    close_circle(by=None, circle=d.circle, reason="goals_met")

    # Names without digits, so masking an id in a page never touches a name.
    names = {
        mentee: "Mina",
        uncleared: "Una",
        mentor: "Theo",
        coordinator: "Cora",
        pending: "Pia",
        superuser: "Root",
        b.mentee: "Bea",
        b.mentors[0]: "Bo",
        b.mentors[1]: "Bram",
        d.mentee: "Dee",
        d.mentors[0]: "Dov",
        d.mentors[1]: "Dana",
        their_monitor: "Quinn",
    }
    for user, name in names.items():
        User.objects.filter(pk=user.pk).update(display_name=name, username=name.lower())
        user.refresh_from_db()
    for user in (monitor, administrator):
        User.objects.filter(pk=user.pk).update(username=user.display_name.lower())
        user.refresh_from_db()
    world.users = {
        "anonymous": None,
        "mentee": mentee,
        "uncleared mentee": uncleared,
        "mentor": mentor,
        "coordinator": coordinator,
        "pending mentor": pending,
        "monitor": monitor,
        "administrator": administrator,
        "superuser": superuser,
    }
    world.ids = {
        "circle": {
            "own open": a.circle.pk,
            "own closed": c.circle.pk,
            "other open": b.circle.pk,
            "other closed": d.circle.pk,
            "missing": MISSING,
        },
        "flag": {"own": own_flag.pk, "other": other_flag.pk, "missing": MISSING},
        "program": {"own": own.pk, "other": other.pk, "missing": MISSING},
        "job": {"own": own_job.pk, "other": other_job.pk, "missing": MISSING},
        # Two ids: the inner object of another program under an own outer id must
        # answer like a missing inner one; a foreign outer id like a missing outer one.
        "session": {
            "own": (a.circle.pk, own_session.pk),
            "another circle's": (a.circle.pk, other_session.pk),
            "missing": (a.circle.pk, MISSING),
            "other": (b.circle.pk, other_session.pk),
            "missing outer": (MISSING, other_session.pk),
        },
        "mentee": {
            "own": (own.pk, mentee.pk),
            "another program's": (own.pk, b.mentee.pk),
            "missing": (own.pk, MISSING),
            "other": (other.pk, b.mentee.pk),
            "missing outer": (MISSING, b.mentee.pk),
        },
        "person": {
            "own": (own.pk, mentor.pk),
            "another program's": (own.pk, b.mentors[0].pk),
            "missing": (own.pk, MISSING),
            "other": (other.pk, b.mentors[0].pk),
            "missing outer": (MISSING, b.mentors[0].pk),
        },
    }
    for role, user in world.users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
            world.sessions[role] = client.cookies["sessionid"].value
        world.clients[role] = client
    assert PASSWORD
    return world
