"""The crisis path: urgent flags are acknowledged, never close by themselves, and go
to the program's administrators when nobody acknowledges them in time."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from messaging import broadcast
from moderation.models import Flag, FlagAction
from moderation.review import act_on_flag, escalate_overdue_crises
from tests.test_monitor_helpers import (
    CRISIS_AND_HELD_TEXT,
    CRISIS_TEXT,
    act,
    client_for,
    flag_for,
    post,
)

pytestmark = pytest.mark.django_db


def crisis_flag(world) -> Flag:
    return flag_for(world.circle, post(world.mentee, world.circle, CRISIS_TEXT).seq)


def test_an_unacknowledged_crisis_escalates_exactly_at_the_programs_limit(world):
    flag = crisis_flag(world)
    created = flag.created_at
    limit = timedelta(minutes=world.program.crisis_escalation_minutes)
    assert limit == timedelta(minutes=15)  # the default

    early = escalate_overdue_crises(now=created + limit - timedelta(seconds=1))
    assert early == []
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN

    on_time = created + limit
    assert escalate_overdue_crises(now=on_time) == [flag.pk]
    flag.refresh_from_db()
    assert (flag.status, flag.escalated_at) == (Flag.Status.ESCALATED, on_time)
    action = FlagAction.objects.get(flag=flag)
    assert (action.action, action.actor_id, action.at) == (
        "auto_escalate",
        None,
        on_time,
    )
    assert escalate_overdue_crises(now=on_time + timedelta(hours=1)) == []  # once


def test_the_limit_is_set_per_program(world):
    world.program.crisis_escalation_minutes = 5
    world.program.save()
    flag = crisis_flag(world)
    theirs = flag_for(
        world.other_circle,
        post(world.other_set.mentee, world.other_circle, CRISIS_TEXT).seq,
    )
    later = flag.created_at + timedelta(minutes=5, seconds=1)
    assert escalate_overdue_crises(now=later) == [flag.pk]
    theirs.refresh_from_db()
    assert theirs.status == Flag.Status.OPEN  # their program waits 15 minutes


def test_an_acknowledged_crisis_is_not_escalated_and_stays_open(world):
    flag = crisis_flag(world)
    row = act_on_flag(
        user=world.monitor,
        flag_id=flag.pk,
        action="acknowledge",
        reason="",
        now=flag.created_at + timedelta(minutes=2),
    )
    assert row["acknowledged_at"] is not None
    assert row["claimed_by"]["id"] == world.monitor.pk  # on it
    assert row["status"] == "open"
    assert escalate_overdue_crises(now=flag.created_at + timedelta(days=1)) == []
    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by_id) == ("open", world.monitor.pk)
    again = act(client_for(world.monitor), flag.pk, "acknowledge", "")
    assert (again.status_code, again.json()["field"]) == (400, "action")


def test_escalation_tells_every_monitor_and_administrator_feed(world, events):
    flag = crisis_flag(world)
    with events.committed():
        escalate_overdue_crises(now=flag.created_at + timedelta(minutes=16))
    assert events.of_type(broadcast.FLAG) == [
        (
            broadcast.monitors_group(world.program.pk),
            {
                "type": "monitor.flag",
                "flag": {
                    "id": flag.pk,
                    "circle": world.circle.pk,
                    "seq": flag.seq,
                    "category": "crisis",
                    "severity": flag.severity,
                    "urgent": True,
                    "status": "escalated",
                    "created_at": flag.created_at.isoformat(),
                },
            },
        )
    ]


def test_monitor_tick_escalates_overdue_crises_for_cron(world):
    flag = crisis_flag(world)
    Flag.objects.filter(pk=flag.pk).update(
        created_at=flag.created_at - timedelta(minutes=20)
    )
    out = StringIO()
    call_command("monitor_tick", stdout=out)
    assert json.loads(out.getvalue()) == {"escalated": [flag.pk]}
    out = StringIO()
    call_command("monitor_tick", stdout=out)
    assert json.loads(out.getvalue()) == {"escalated": []}


def test_opening_the_flag_list_escalates_overdue_crises_too(world):
    flag = crisis_flag(world)
    Flag.objects.filter(pk=flag.pk).update(
        created_at=flag.created_at - timedelta(minutes=20)
    )
    rows = client_for(world.monitor).get("/api/monitor/flags/").json()["flags"]
    assert [(row["id"], row["status"]) for row in rows] == [(flag.pk, "escalated")]
    assert rows[0]["escalates_at"] is None


def test_an_urgent_flag_shows_the_programs_crisis_steps_and_its_deadline(world):
    world.program.crisis_steps = "1. Call the mentee. 2. Call 911 if in danger."
    world.program.save()
    flag = crisis_flag(world)
    row = client_for(world.monitor).get("/api/monitor/flags/").json()["flags"][0]
    assert (row["id"], row["urgent"]) == (flag.pk, True)
    assert row["crisis_steps"] == "1. Call the mentee. 2. Call 911 if in danger."
    assert row["escalates_at"] == (flag.created_at + timedelta(minutes=15)).isoformat()


def test_a_crisis_flag_is_never_closed_with_its_message_by_another_flag(world):
    seq = post(world.mentee, world.circle, CRISIS_AND_HELD_TEXT).seq
    contact = flag_for(world.circle, seq, "contact_info")
    crisis = flag_for(world.circle, seq, "crisis")
    response = act(client_for(world.monitor), contact.pk, "release", "Office number.")
    assert response.json()["status"] == "released"
    crisis.refresh_from_db()
    assert (crisis.status, crisis.urgent) == ("open", True)


def test_deciding_about_a_crisis_flag_acknowledges_it(world):
    flag = crisis_flag(world)
    act(client_for(world.monitor), flag.pk, "resolve", "Called; she is safe.")
    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by_id) == ("resolved", world.monitor.pk)
    assert escalate_overdue_crises(now=flag.created_at + timedelta(days=1)) == []
