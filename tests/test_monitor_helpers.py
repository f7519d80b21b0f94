"""Shared helpers for the monitor tests (no tests here): messages that raise flags,
API calls as a logged-in person, and a recorder for channel-layer events."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from accounts.models import Role
from messaging import broadcast
from messaging.models import Message
from messaging.services import post_message
from moderation.models import Flag
from tests.factories import ProgramFactory, make_circle, staff

HELD_TEXT = "text me at 515 555 0142 tonight"  # contact_info + off_platform: held
CRISIS_TEXT = "honestly I want to kill myself, nothing matters"  # urgent, delivered
FLAG_TEXT = "can you lend me 50 dollars until friday"  # money_gifts: delivered
CRISIS_AND_HELD_TEXT = "I want to kill myself, call me at 515 555 0142"
PLAIN_TEXT = "See you on Tuesday, same time"


def post(user, circle, body: str, client_id: str | None = None):  # type: ignore[no-untyped-def]
    return post_message(
        sender=user,
        circle_id=circle.pk,
        client_id=client_id or uuid.uuid4().hex,
        body=body,
    )


def flag_for(circle, seq: int, category: str | None = None) -> Flag:  # type: ignore[no-untyped-def]
    flags = Flag.objects.filter(circle=circle, seq=seq)
    if category:
        flags = flags.filter(category=category)
    return flags.order_by("id").first()  # type: ignore[return-value]


def message(circle, seq: int) -> Message:  # type: ignore[no-untyped-def]
    return Message.objects.get(circle=circle, seq=seq)


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def post_json(client: Client, path: str, data: Any) -> Any:
    return client.post(
        path,
        data=data if isinstance(data, (str, bytes)) else json.dumps(data),
        content_type="application/json",
    )


def act(client: Client, flag_id: int, action: str, reason: str = "Checked it.") -> Any:
    return post_json(
        client, f"/api/monitor/flags/{flag_id}/", {"action": action, "reason": reason}
    )


class Events:
    """Channel-layer events sent after commit, as (group, event) pairs. Wrap the
    writes in `with events.committed():` so their on_commit callbacks run."""

    def __init__(self, capture: Any) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.capture = capture

    def committed(self) -> Any:
        return self.capture(execute=True)

    def __call__(self, group: str, event: dict[str, Any]) -> None:
        self.sent.append((group, event))

    def of_type(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        return [(group, event) for group, event in self.sent if event["type"] == kind]


def record_events(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> Events:
    """For an `events` fixture: replace the layer send with a recorder."""
    recorder = Events(django_capture_on_commit_callbacks)
    monkeypatch.setattr(broadcast, "send_now", recorder)
    return recorder


class World:
    """Two programs: ours (a circle, a monitor, a second monitor, an administrator)
    and theirs (a circle and a monitor), so isolation shows."""

    def __init__(self) -> None:
        self.program = ProgramFactory(name="Riverside")
        self.circle_set = make_circle(self.program, name="Tuesday circle")
        self.circle = self.circle_set.circle
        self.monitor = staff(self.program, Role.MONITOR, display_name="Morgan")
        self.second = staff(self.program, Role.MONITOR, display_name="Sasha")
        self.admin = staff(self.program, Role.ADMIN, display_name="Avery")
        self.other_program = ProgramFactory(name="Lakeside")
        self.other_set = make_circle(self.other_program, name="Other circle")
        self.other_circle = self.other_set.circle
        self.other_monitor = staff(self.other_program, Role.MONITOR)

    @property
    def mentee(self):  # type: ignore[no-untyped-def]
        return self.circle_set.mentee

    @property
    def mentor(self):  # type: ignore[no-untyped-def]
        return self.circle_set.mentors[0]
