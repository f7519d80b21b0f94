"""The monitor API: the review queue, each action and who may take it.

DESIGN.md: GET /api/monitor/flags/ and POST /api/monitor/flags/<id>/ with
{"action", "reason"}; a flag outside the caller's programs answers 404 exactly like a
missing one; participants never get data; visitors get 401.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from archive.models import AccessAudit, ArchiveRecord
from archive.services import open_note
from config.errors import NotFound
from messaging import broadcast
from messaging.models import Message
from messaging.services import list_history
from moderation.errors import ClaimedByOther
from moderation.models import Flag, FlagAction
from moderation.queue import access_flag
from moderation.review import CLAIM_DURATION, act_on_flag
from tests.test_monitor_helpers import (
    CRISIS_TEXT,
    FLAG_TEXT,
    HELD_TEXT,
    PLAIN_TEXT,
    act,
    client_for,
    flag_for,
    message,
    post,
    post_json,
)

pytestmark = pytest.mark.django_db


FRAME_FIELDS = {
    "id",
    "circle",
    "seq",
    "category",
    "severity",
    "urgent",
    "status",
    "created_at",
}


def monitor_paths(world) -> list[tuple[str, str]]:
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    circle = world.circle.pk
    return [
        ("get", "/api/monitor/flags/"),
        ("get", f"/api/monitor/flags/{flag.pk}/"),
        ("post", f"/api/monitor/flags/{flag.pk}/"),
        ("get", f"/api/monitor/circles/{circle}/thread/?around=1"),
        ("get", f"/api/monitor/circles/{circle}/notes/"),
        ("post", f"/api/monitor/circles/{circle}/notes/"),
        ("get", f"/api/monitor/circles/{circle}/exit-interviews/"),
        ("post", f"/api/monitor/circles/{circle}/close/"),
        ("get", f"/api/monitor/circles/{circle}/activity/"),
        ("get", "/api/monitor/follow-ups/overdue/"),
        ("get", "/api/monitor/hours/under/"),
        ("get", "/api/monitor/closures/pending/"),
    ]


def call(client: Client, method: str, path: str):  # type: ignore[no-untyped-def]
    if method == "get":
        return client.get(path)
    return post_json(client, path, {"action": "dismiss", "reason": "x", "text": "x"})


# Who may reach the API ---------------------------------------------------------------


def test_anonymous_visitors_get_401_json_on_every_monitor_endpoint(world):
    for method, path in monitor_paths(world):
        response = call(Client(), method, path)
        assert (response.status_code, response.json()["code"]) == (
            401,
            "not_logged_in",
        ), path


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_participants_get_403_and_no_data_on_every_monitor_endpoint(world, who):
    client = client_for(getattr(world, who))
    for method, path in monitor_paths(world):
        response = call(client, method, path)
        assert response.status_code == 403, path
        assert set(response.json()) == {"code", "detail"}, path
        assert response.json()["code"] == "not_allowed"
    assert Flag.objects.get().status == Flag.Status.OPEN  # the POST changed nothing


def test_another_programs_flag_answers_exactly_like_a_missing_one(world):
    theirs = flag_for(
        world.other_circle,
        post(world.other_set.mentee, world.other_circle, FLAG_TEXT).seq,
    )
    client = client_for(world.monitor)
    missing = theirs.pk + 1000
    for method in ("get", "post"):
        answers = [
            call(client, method, f"/api/monitor/flags/{flag_id}/")
            for flag_id in (theirs.pk, missing)
        ]
        assert [a.status_code for a in answers] == [404, 404]
        assert (
            answers[0].json()
            == answers[1].json()
            == {
                "code": "not_found",
                "detail": "No such flag.",
            }
        )
    theirs.refresh_from_db()
    assert theirs.status == Flag.Status.OPEN


def test_another_programs_circle_thread_answers_like_a_missing_one(world):
    client = client_for(world.monitor)
    answers = [
        client.get(f"/api/monitor/circles/{circle_id}/thread/")
        for circle_id in (world.other_circle.pk, world.other_circle.pk + 1000)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()
    assert AccessAudit.objects.count() == 0


def test_posts_need_the_csrf_header(world):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.monitor)
    client.get("/monitor/")  # sets the csrftoken cookie
    path = f"/api/monitor/flags/{flag.pk}/"
    body = '{"action": "dismiss", "reason": "Banter about a film."}'
    refused = client.post(path, body, content_type="application/json")
    assert refused.status_code == 403
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        path, body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert (accepted.status_code, accepted.json()["status"]) == (200, "dismissed")


# The queue -------------------------------------------------------------------------


def test_the_queue_is_urgent_first_then_held_then_the_rest_newest_first(world):
    now = timezone.now()
    texts = [FLAG_TEXT, HELD_TEXT, CRISIS_TEXT, FLAG_TEXT, HELD_TEXT, CRISIS_TEXT]
    seqs = [post(world.mentee, world.circle, text).seq for text in texts]
    for age, seq in enumerate(reversed(seqs)):  # later messages are newer
        Flag.objects.filter(seq=seq).update(created_at=now - timedelta(minutes=age))
    post(world.other_set.mentee, world.other_circle, CRISIS_TEXT)  # not ours
    closed = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    Flag.objects.filter(pk=closed.pk).update(status=Flag.Status.DISMISSED)

    rows = client_for(world.monitor).get("/api/monitor/flags/").json()["flags"]

    order = [(row["seq"], row["urgent"], row["held"]) for row in rows]
    urgent = [seq for seq, is_urgent, _held in order if is_urgent]
    held = [seq for seq, is_urgent, is_held in order if is_held and not is_urgent]
    rest = [seq for seq, is_urgent, is_held in order if not is_held and not is_urgent]
    assert urgent == [seqs[5], seqs[2]]
    # A held message raises two flags (contact_info, off_platform); both wait.
    assert held == [seqs[4], seqs[4], seqs[1], seqs[1]]
    assert rest == [seqs[3], seqs[0]]
    assert [seq for seq, *_ in order] == urgent + held + rest
    assert {row["circle"] for row in rows} == {world.circle.pk}
    first = rows[0]
    assert set(first) >= FRAME_FIELDS
    assert first["circle_name"] == "Tuesday circle"
    assert first["crisis_steps"] == world.program.crisis_steps
    assert first["claimed_by"] is None
    assert rows[-1]["crisis_steps"] == ""


def test_escalated_flags_stay_in_the_queue_and_administrators_see_them(world):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    act(client_for(world.monitor), flag.pk, "escalate", "Needs the program lead.")
    rows = client_for(world.admin).get("/api/monitor/flags/").json()["flags"]
    assert [(row["id"], row["status"]) for row in rows] == [(flag.pk, "escalated")]
    assert rows[0]["escalated_at"] is not None


@pytest.mark.parametrize("count", [3, 12])
def test_the_flag_list_costs_the_same_queries_however_long_it_is(
    world, count, django_assert_num_queries
):
    for _ in range(count):
        post(world.mentee, world.circle, HELD_TEXT)
    flag = Flag.objects.order_by("id").first()
    act_on_flag(user=world.second, flag_id=flag.pk, action="claim", reason="")
    client = client_for(world.monitor)
    # 1 session, 2 user, 3 require_staff (does the user staff any program),
    # 4 overdue crisis check, 5 the flags with circle, program, message and claimant.
    with django_assert_num_queries(5):
        response = client.get("/api/monitor/flags/")
    assert len(response.json()["flags"]) == count * 2


# Actions --------------------------------------------------------------------------


def test_release_delivers_a_held_message_and_answers_its_sibling_flag(world, events):
    ack = post(world.mentee, world.circle, HELD_TEXT, client_id="held-1")
    flag = flag_for(world.circle, ack.seq, "contact_info")
    sibling = flag_for(world.circle, ack.seq, "off_platform")
    with events.committed():
        response = act(
            client_for(world.monitor), flag.pk, "release", "An office number; fine."
        )
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["message_status"]) == (
        flag.pk,
        "released",
        "delivered",
    )
    assert message(world.circle, ack.seq).status == Message.Status.DELIVERED
    sibling.refresh_from_db()
    assert sibling.status == Flag.Status.RELEASED
    assert [
        m.seq
        for m in list_history(
            user=world.mentor, circle_id=world.circle.pk, before=None, limit=10
        ).messages
    ] == [ack.seq]
    circle_events = [
        e for g, e in events.sent if g == broadcast.circle_group(world.circle.pk)
    ]
    assert [e["type"] for e in circle_events] == ["circle.message", "circle.released"]
    released = json.loads(circle_events[0]["own_frame"])  # as the writer sees it
    assert released["body"] == HELD_TEXT
    assert released["status"] == "delivered"
    assert released["client_id"] == "held-1"
    assert circle_events[1] == {"type": "circle.released", "seq": ack.seq}
    monitor_events = events.of_type(broadcast.FLAG)
    assert {e["flag"]["id"]: e["flag"]["status"] for _g, e in monitor_events} == {
        flag.pk: "released",
        sibling.pk: "released",
    }


def test_every_action_is_logged_with_its_reason_sealed(world):
    ack = post(world.mentee, world.circle, HELD_TEXT)
    flag = flag_for(world.circle, ack.seq, "contact_info")
    act(client_for(world.monitor), flag.pk, "claim", "")
    act(client_for(world.monitor), flag.pk, "release", "Zanzibar-reason-731")
    actions = list(FlagAction.objects.filter(flag=flag).order_by("id"))
    assert [(a.action, a.actor_id) for a in actions] == [
        ("claim", world.monitor.pk),
        ("release", world.monitor.pk),
    ]
    sealed = bytes(actions[1].reason_ciphertext)
    assert b"Zanzibar" not in sealed
    assert (
        open_note(circle_id=world.circle.pk, purpose="flag_action", blob=sealed)
        == "Zanzibar-reason-731"
    )
    detail = client_for(world.second).get(f"/api/monitor/flags/{flag.pk}/").json()
    assert [(a["action"], a["reason"]) for a in detail["actions"]] == [
        ("claim", ""),
        ("release", "Zanzibar-reason-731"),
    ]
    with pytest.raises(Exception, match="append-only"):
        actions[0].delete()


def test_hide_withdraws_a_message_and_leaves_the_archive_chain_alone(world, events):
    ack = post(world.mentor, world.circle, FLAG_TEXT)
    record = ArchiveRecord.objects.get(circle=world.circle, seq=ack.seq)
    flag = flag_for(world.circle, ack.seq)
    with events.committed():
        response = act(client_for(world.monitor), flag.pk, "hide", "Lending money.")
    assert response.json()["status"] == "hidden"
    assert message(world.circle, ack.seq).status == Message.Status.HIDDEN
    assert (
        list_history(
            user=world.mentee, circle_id=world.circle.pk, before=None, limit=10
        ).messages
        == []
    )
    after = ArchiveRecord.objects.get(pk=record.pk)
    assert (bytes(after.hash), after.status) == (bytes(record.hash), record.status)
    assert events.of_type(broadcast.HIDDEN) == [
        (
            broadcast.circle_group(world.circle.pk),
            {"type": "circle.hidden", "seq": ack.seq},
        )
    ]


@pytest.mark.parametrize(
    ("action", "status"), [("dismiss", "dismissed"), ("resolve", "resolved")]
)
def test_dismiss_and_resolve_close_a_flag_on_a_delivered_message(world, action, status):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    response = act(
        client_for(world.monitor), flag.pk, action, "Talked with the mentor."
    )
    assert response.json()["status"] == status
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by_id) == (status, world.monitor.pk)
    assert client_for(world.monitor).get("/api/monitor/flags/").json()["flags"] == []


def test_escalate_hands_the_flag_to_administrators_and_tells_their_feeds(world, events):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    with events.committed():
        response = act(
            client_for(world.monitor), flag.pk, "escalate", "Policy question."
        )
    assert response.json()["status"] == "escalated"
    group, event = events.of_type(broadcast.FLAG)[-1]
    assert group == broadcast.monitors_group(world.program.pk)  # admins listen here
    assert (event["flag"]["id"], event["flag"]["status"]) == (flag.pk, "escalated")
    again = act(client_for(world.admin), flag.pk, "escalate", "Again.")
    assert (again.status_code, again.json()["field"]) == (400, "action")
    done = act(client_for(world.admin), flag.pk, "resolve", "Spoke to both.")
    assert done.json()["status"] == "resolved"


def invalid(response, field: str) -> None:
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid", field)
    assert body["detail"].endswith(".")


def test_invalid_actions_are_refused_with_a_field_and_a_sentence(world):
    client = client_for(world.monitor)
    delivered = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    held = flag_for(world.circle, post(world.mentee, world.circle, HELD_TEXT).seq)
    invalid(act(client, delivered.pk, "release", "Looks fine."), "action")
    invalid(act(client, delivered.pk, "dismiss", "   "), "reason")
    invalid(act(client, delivered.pk, "dismiss", ""), "reason")
    invalid(act(client, delivered.pk, "delete", "Gone."), "action")
    invalid(act(client, delivered.pk, "acknowledge", ""), "action")  # not urgent
    invalid(act(client, delivered.pk, "overturn", "No."), "action")  # not an appeal
    invalid(act(client, held.pk, "dismiss", "Fine."), "action")  # sender waits
    invalid(act(client, delivered.pk, "dismiss", "x" * 2001), "reason")
    act(client, delivered.pk, "dismiss", "Fine.")
    invalid(act(client, delivered.pk, "hide", "Changed my mind."), "action")
    assert FlagAction.objects.filter(flag=delivered).count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_json"),
        ('"release"', "bad_json"),
        (b"\xff\xfe", "bad_json"),
        ('{"action": 7, "reason": "x"}', "invalid"),
        ('{"action": "dismiss", "reason": ["x"]}', "invalid"),
    ],
)
def test_malformed_bodies_get_400_with_a_code(world, body, code):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    response = post_json(
        client_for(world.monitor), f"/api/monitor/flags/{flag.pk}/", body
    )
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_a_body_that_is_too_large_is_refused(world):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    huge = '{"action": "dismiss", "reason": "' + "x" * 40_000 + '"}'
    response = post_json(
        client_for(world.monitor), f"/api/monitor/flags/{flag.pk}/", huge
    )
    assert (response.status_code, response.json()["code"]) == (413, "too_long")


def test_wrong_method_is_a_json_405(world):
    response = client_for(world.monitor).delete("/api/monitor/flags/")
    assert (response.status_code, response.json()["code"]) == (405, "not_allowed")


# Claims ---------------------------------------------------------------------------


def test_a_claimed_flag_is_refused_to_other_monitors_with_409(world):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    claimed = act(client_for(world.monitor), flag.pk, "claim", "")
    assert claimed.json()["claimed_by"] == {"id": world.monitor.pk, "name": "Morgan"}
    assert claimed.json()["claim_expires_at"] is not None
    for action in ("claim", "dismiss", "unclaim"):
        refused = act(client_for(world.second), flag.pk, action, "Mine now.")
        assert refused.status_code == 409
        assert refused.json()["code"] == "conflict"
        assert "Morgan is working on this flag" in refused.json()["detail"]
    flag.refresh_from_db()
    assert (flag.status, flag.claimed_by_id) == ("open", world.monitor.pk)
    # The claimant can act, and acting ends the claim.
    done = act(client_for(world.monitor), flag.pk, "dismiss", "Fine.")
    assert (done.json()["status"], done.json()["claimed_by"]) == ("dismissed", None)


def test_a_claim_lapses_after_its_time_and_can_be_given_up(world):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    start = timezone.now()
    act_on_flag(
        user=world.monitor, flag_id=flag.pk, action="claim", reason="", now=start
    )
    almost = start + CLAIM_DURATION - timedelta(seconds=1)
    with pytest.raises(ClaimedByOther):
        act_on_flag(
            user=world.second, flag_id=flag.pk, action="claim", reason="", now=almost
        )
    later = start + CLAIM_DURATION + timedelta(seconds=1)
    row = act_on_flag(
        user=world.second, flag_id=flag.pk, action="claim", reason="", now=later
    )
    assert row["claimed_by"] == {"id": world.second.pk, "name": "Sasha"}
    released = act_on_flag(
        user=world.second, flag_id=flag.pk, action="unclaim", reason="", now=later
    )
    assert released["claimed_by"] is None
    # Unclaimed: anyone may act again.
    row = act_on_flag(
        user=world.monitor, flag_id=flag.pk, action="claim", reason="", now=later
    )
    assert row["claimed_by"]["id"] == world.monitor.pk


def test_a_lapsed_claim_shows_as_unclaimed_in_the_queue(world):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    act_on_flag(
        user=world.monitor,
        flag_id=flag.pk,
        action="claim",
        reason="",
        now=timezone.now() - CLAIM_DURATION - timedelta(minutes=1),
    )
    rows = client_for(world.second).get("/api/monitor/flags/").json()["flags"]
    assert (rows[0]["claimed_by"], rows[0]["claim_expires_at"]) == (None, None)


def test_a_monitor_acts_only_in_their_own_programs(world):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    with pytest.raises(NotFound):
        access_flag(user=world.other_monitor, flag_id=flag.pk)
    response = act(client_for(world.other_monitor), flag.pk, "dismiss", "Not mine.")
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.status == "open"


# Reading the thread -----------------------------------------------------------------


def test_the_thread_shows_the_flagged_message_in_context_and_audits_the_read(world):
    for number in range(1, 15):
        post(world.mentor, world.circle, f"{PLAIN_TEXT} #{number}")
    held = post(world.mentee, world.circle, HELD_TEXT).seq  # 15
    for number in range(16, 31):
        post(world.mentor, world.circle, f"{PLAIN_TEXT} #{number}")
    hidden = flag_for(world.circle, post(world.mentor, world.circle, FLAG_TEXT).seq)
    flag = flag_for(world.circle, held, "contact_info")
    client = client_for(world.monitor)
    act(client, hidden.pk, "hide", "Money.")

    thread = client.get(
        f"/api/monitor/circles/{world.circle.pk}/thread/?flag={flag.pk}"
    ).json()

    seqs = [m["seq"] for m in thread["messages"]]
    assert seqs == list(range(5, 26))
    shown = {m["seq"]: m for m in thread["messages"]}
    assert (shown[15]["body"], shown[15]["held"], shown[15]["status"]) == (
        HELD_TEXT,
        True,
        "held",
    )
    assert [f["category"] for f in shown[15]["flags"]] == [
        "contact_info",
        "off_platform",
    ]
    assert shown[5]["body"] == f"{PLAIN_TEXT} #5"
    assert (thread["has_before"], thread["has_after"]) == (True, True)
    audit = AccessAudit.objects.get(circle=world.circle)
    assert (audit.user_id, audit.seqs, audit.seq_count) == (
        world.monitor.pk,
        "5-25",
        21,
    )
    assert f"flag {flag.pk}" in audit.purpose

    around_end = client.get(
        f"/api/monitor/circles/{world.circle.pk}/thread/?around=31"
    ).json()
    last = around_end["messages"][-1]
    assert (last["seq"], last["hidden"], last["body"]) == (31, True, FLAG_TEXT)
    assert around_end["has_after"] is False


def test_a_reported_message_shows_the_reporters_reason(world):
    from messaging.services import report_message

    seq = post(world.mentor, world.circle, PLAIN_TEXT).seq
    report_message(
        user=world.mentee, circle_id=world.circle.pk, seq=seq, reason="He was rude."
    )
    flag = Flag.objects.get(category="report")
    rows = client_for(world.monitor).get("/api/monitor/flags/").json()["flags"]
    assert [r["category"] for r in rows] == ["report"]
    detail = client_for(world.monitor).get(f"/api/monitor/flags/{flag.pk}/").json()
    assert detail["report"]["reason"] == "He was rude."
    assert detail["report"]["reporter"]["id"] == world.mentee.pk


def test_reasons_and_notes_never_reach_the_logs(world, caplog):
    sentinel = "zebra-sentinel-7f3a kumquat"
    caplog.set_level(logging.DEBUG)
    seq = post(world.mentee, world.circle, HELD_TEXT).seq
    flag = flag_for(world.circle, seq, "contact_info")
    client = client_for(world.monitor)
    act(client, flag.pk, "hide", sentinel)
    post_json(
        client_for(world.mentee),
        f"/api/circles/{world.circle.pk}/appeals/",
        {"seq": seq, "reason": sentinel},
    )
    post_json(
        client,
        f"/api/monitor/circles/{world.circle.pk}/notes/",
        {"mentor": world.mentor.pk, "text": sentinel},
    )
    client.get(f"/api/monitor/flags/{flag.pk}/")
    assert FlagAction.objects.filter(flag=flag).count() == 1
    assert caplog.records  # something was logged: ids and statuses only
    assert sentinel not in caplog.text
    assert "zebra" not in caplog.text
