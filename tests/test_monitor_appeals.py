"""Appeals: a member appeals a held or blocked message; a different monitor decides."""

from __future__ import annotations

import json

import pytest

from archive.services import open_note
from archive.verify import verify_database
from messaging import broadcast
from messaging.models import Message
from messaging.services import list_history
from moderation.models import Appeal, Flag, Rule
from tests.test_monitor_helpers import (
    FLAG_TEXT,
    HELD_TEXT,
    act,
    client_for,
    flag_for,
    message,
    post,
    post_json,
)

pytestmark = pytest.mark.django_db


BLOCKED_TEXT = "that purple elephant plan again"


@pytest.fixture
def blocking_rule(world):
    return Rule.objects.create(
        program=world.program,
        category="bigotry_harassment",
        pattern="purple elephant",
        severity=3,
        action="block",
    )


def appeal(client, circle, **data):  # type: ignore[no-untyped-def]
    return post_json(client, f"/api/circles/{circle.pk}/appeals/", data)


def test_a_held_message_appeal_is_decided_by_a_different_monitor(world, events):
    seq = post(world.mentee, world.circle, HELD_TEXT, client_id="h-1").seq
    original = flag_for(world.circle, seq, "contact_info")
    hidden = act(client_for(world.monitor), original.pk, "hide", "A personal number.")
    assert hidden.json()["status"] == "hidden"

    with events.committed():
        filed = appeal(
            client_for(world.mentee),
            world.circle,
            seq=seq,
            reason="It is my PO's line.",
        )
    assert filed.status_code == 201
    assert (filed.json()["kind"], filed.json()["decision"]) == ("held", "pending")
    flag = Flag.objects.get(category="appeal")
    assert (flag.seq, flag.message_id) == (seq, message(world.circle, seq).pk)
    assert events.of_type(broadcast.FLAG)[-1][1]["flag"]["category"] == "appeal"

    same = act(client_for(world.monitor), flag.pk, "overturn", "I was wrong.")
    assert (same.status_code, same.json()["code"]) == (403, "not_allowed")
    assert "different monitor" in same.json()["detail"]
    detail = client_for(world.second).get(f"/api/monitor/flags/{flag.pk}/").json()
    assert detail["appeal"]["reason"] == "It is my PO's line."
    assert detail["appeal"]["may_decide"] is True

    with events.committed():
        decided = act(
            client_for(world.second), flag.pk, "overturn", "A PO office line."
        )
    assert decided.json()["status"] == "resolved"
    assert message(world.circle, seq).status == Message.Status.DELIVERED
    assert Appeal.objects.get().decision == "overturned"
    seen = list_history(
        user=world.mentor, circle_id=world.circle.pk, before=None, limit=5
    )
    assert [(m.seq, m.body) for m in seen.messages] == [(seq, HELD_TEXT)]
    sent = [
        e["type"]
        for g, e in events.sent
        if g == broadcast.circle_group(world.circle.pk)
    ]
    assert sent == ["circle.message", "circle.released"]
    mine = client_for(world.mentee).get(f"/api/circles/{world.circle.pk}/appeals/")
    assert [a["decision"] for a in mine.json()["appeals"]] == ["overturned"]


def test_an_upheld_appeal_leaves_the_message_held(world):
    seq = post(world.mentee, world.circle, HELD_TEXT).seq
    appeal(client_for(world.mentee), world.circle, seq=seq, reason="Please.")
    flag = Flag.objects.get(category="appeal")
    response = act(client_for(world.monitor), flag.pk, "uphold", "A cell number.")
    assert response.json()["status"] == "resolved"
    assert message(world.circle, seq).status == Message.Status.HELD
    assert Appeal.objects.get().decision == "upheld"
    # The original flags still wait for a release or hide.
    assert flag_for(world.circle, seq, "contact_info").status == "open"


def test_overturning_a_held_appeal_answers_the_original_flags(world):
    seq = post(world.mentee, world.circle, HELD_TEXT).seq
    appeal(client_for(world.mentee), world.circle, seq=seq, reason="Please.")
    flag = Flag.objects.get(category="appeal")
    act(client_for(world.monitor), flag.pk, "overturn", "Program office line.")
    statuses = set(
        Flag.objects.filter(seq=seq)
        .exclude(category="appeal")
        .values_list("status", flat=True)
    )
    assert statuses == {"released"}


def test_a_blocked_message_is_appealed_with_its_text_sealed(world, blocking_rule):
    ack = post(world.mentee, world.circle, BLOCKED_TEXT)
    assert ack.status == "blocked"
    filed = appeal(
        client_for(world.mentee),
        world.circle,
        text=BLOCKED_TEXT,
        reason="It's the name of our board game.",
    )
    assert filed.status_code == 201
    stored = Appeal.objects.get()
    assert stored.kind == "blocked"
    assert b"elephant" not in bytes(stored.text_ciphertext)
    assert b"board game" not in bytes(stored.reason_ciphertext)
    assert (
        open_note(
            circle_id=world.circle.pk,
            purpose=Appeal.TEXT_PURPOSE,
            blob=bytes(stored.text_ciphertext),
        )
        == BLOCKED_TEXT
    )
    flag = Flag.objects.get(category="appeal")
    assert (flag.seq, flag.message_id) == (None, None)
    detail = client_for(world.monitor).get(f"/api/monitor/flags/{flag.pk}/").json()
    assert detail["appeal"]["text"] == BLOCKED_TEXT  # read through the audit
    from archive.models import AccessAudit

    assert (
        AccessAudit.objects.filter(purpose__contains=f"appeal {stored.pk}").count() == 1
    )


def test_overturning_a_blocked_appeal_posts_it_delivered_and_flagged(
    world, blocking_rule, events
):
    post(world.mentor, world.circle, "Morning all")  # seq 1
    appeal(client_for(world.mentee), world.circle, text=BLOCKED_TEXT, reason="A game.")
    post(world.mentor, world.circle, "Anyone there?")  # seq 2, while the appeal waits
    flag = Flag.objects.get(category="appeal")
    with events.committed():
        response = act(client_for(world.monitor), flag.pk, "overturn", "A game name.")
    assert response.json()["seq"] == 3
    posted = message(world.circle, 3)
    assert (posted.sender_id, posted.status) == (
        world.mentee.pk,
        Message.Status.FLAGGED,
    )
    world.circle.refresh_from_db()
    assert world.circle.last_seq == 3
    seen = list_history(
        user=world.mentor, circle_id=world.circle.pk, before=None, limit=5
    )
    assert [m.body for m in seen.messages] == [
        "Morning all",
        "Anyone there?",
        BLOCKED_TEXT,
    ]
    assert verify_database(circle_id=world.circle.pk).ok is True
    ((_group, event),) = events.of_type(broadcast.MESSAGE)
    frame = json.loads(event["frame"])
    assert (frame["seq"], frame["body"]) == (3, BLOCKED_TEXT)
    # The next message keeps the sequence gap-free.
    assert post(world.mentor, world.circle, "Welcome back").seq == 4


def invalid(response, field):  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("invalid", field)


def test_appeals_that_make_no_sense_are_refused(world, blocking_rule):
    client = client_for(world.mentee)
    delivered = post(world.mentee, world.circle, "Hello there").seq
    theirs = post(world.mentor, world.circle, HELD_TEXT).seq
    held = post(world.mentee, world.circle, HELD_TEXT).seq
    invalid(appeal(client, world.circle, seq=delivered, reason="?"), "seq")
    invalid(appeal(client, world.circle, seq=theirs, reason="?"), "seq")
    invalid(appeal(client, world.circle, seq=999, reason="?"), "seq")
    invalid(appeal(client, world.circle, seq=held, reason=" "), "reason")
    invalid(appeal(client, world.circle, reason="Both missing"), "seq")
    invalid(appeal(client, world.circle, seq=held, text="x", reason="Both"), "seq")
    invalid(appeal(client, world.circle, seq=True, reason="A boolean"), "seq")
    invalid(appeal(client, world.circle, text="Hello friends", reason="?"), "text")
    assert appeal(client, world.circle, seq=held, reason="Mine").status_code == 201
    invalid(appeal(client, world.circle, seq=held, reason="Again"), "seq")
    assert Appeal.objects.count() == 1


def test_people_outside_the_circle_cannot_appeal(world):
    seq = post(world.mentee, world.circle, HELD_TEXT).seq
    outsider = appeal(
        client_for(world.other_set.mentee), world.circle, seq=seq, reason="x"
    )
    assert (outsider.status_code, outsider.json()["code"]) == (404, "not_found")
    from tests.factories import participant

    stranger = participant(world.program)
    known = appeal(client_for(stranger), world.circle, seq=seq, reason="x")
    assert (known.status_code, known.json()["code"]) == (403, "not_allowed")
    from django.test import Client

    anonymous = appeal(Client(), world.circle, seq=seq, reason="x")
    assert anonymous.status_code == 401


def test_only_appeal_actions_apply_to_an_appeal(world):
    seq = post(world.mentee, world.circle, HELD_TEXT).seq
    appeal(client_for(world.mentee), world.circle, seq=seq, reason="Please.")
    flag = Flag.objects.get(category="appeal")
    for action in ("release", "hide", "dismiss", "resolve"):
        invalid(act(client_for(world.monitor), flag.pk, action, "No."), "action")


def test_the_appellant_never_sees_other_peoples_appeals(world):
    seq = post(world.mentee, world.circle, HELD_TEXT).seq
    appeal(client_for(world.mentee), world.circle, seq=seq, reason="Mine.")
    others = client_for(world.mentor).get(f"/api/circles/{world.circle.pk}/appeals/")
    assert others.json() == {"appeals": []}


def test_a_message_flagged_but_delivered_cannot_be_appealed(world):
    seq = post(world.mentee, world.circle, FLAG_TEXT).seq
    invalid(appeal(client_for(world.mentee), world.circle, seq=seq, reason="?"), "seq")
