"""Written records (follow-ups, hours) and the circle's ending (closure, exit
interviews, future-contact policy, re-matching)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from archive.services import open_note
from config.errors import NotAllowed, NotFound
from messaging import broadcast
from messaging.circles import close_circle
from messaging.lifecycle import rematch_mentee
from messaging.models import (
    ActivityLog,
    Circle,
    CircleRole,
    ClosureProposal,
    ExitInterview,
    FollowUpNote,
    Membership,
)
from messaging.records import (
    list_overdue_follow_ups,
    list_under_hours,
    log_activity,
    write_follow_up,
)
from messaging.services import list_history
from tests.factories import make_member, participant
from tests.test_monitor_helpers import (
    client_for,
    post,
    post_json,
)

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def joined(user, days: int) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.filter(user=user).update(
        joined_at=timezone.now() - timedelta(days=days)
    )


# Follow-up notes ---------------------------------------------------------------------


def test_a_monitor_writes_a_sealed_follow_up_note_about_a_mentor(world):
    response = post_json(
        client_for(world.monitor),
        f"/api/monitor/circles/{world.circle.pk}/notes/",
        {
            "mentor": world.mentor.pk,
            "text": "Quokka-note: going well.",
            "method": "phone",
        },
    )
    assert response.status_code == 201
    assert response.json()["text"] == "Quokka-note: going well."
    note = FollowUpNote.objects.get()
    assert (note.mentor_id, note.author_id, note.day) == (
        world.mentor.pk,
        world.monitor.pk,
        timezone.localdate(),
    )
    assert b"Quokka" not in bytes(note.text_ciphertext)
    assert open_note(
        circle_id=world.circle.pk, purpose="follow_up_note", blob=note.text_ciphertext
    ).startswith("Quokka")
    listed = (
        client_for(world.second)
        .get(f"/api/monitor/circles/{world.circle.pk}/notes/")
        .json()["notes"]
    )
    assert [n["text"] for n in listed] == ["Quokka-note: going well."]


def test_follow_up_notes_are_checked(world):
    client = client_for(world.monitor)
    path = f"/api/monitor/circles/{world.circle.pk}/notes/"
    for data, field in [
        ({"mentor": world.mentee.pk, "text": "x"}, "mentor"),  # not a mentor
        ({"mentor": world.mentor.pk, "text": "  "}, "text"),
        ({"mentor": world.mentor.pk, "text": "x", "method": "pigeon"}, "method"),
        ({"mentor": world.mentor.pk, "text": "x", "day": "2999-01-01"}, "day"),
        ({"mentor": world.mentor.pk, "text": "x", "day": "yesterday"}, "day"),
    ]:
        response = post_json(client, path, data)
        assert (response.status_code, response.json()["field"]) == (400, field)
    other = post_json(
        client_for(world.other_monitor), path, {"mentor": world.mentor.pk, "text": "x"}
    )
    assert other.status_code == 404
    assert FollowUpNote.objects.count() == 0


def test_mentors_with_no_follow_up_in_thirty_days_are_overdue(world):
    never, recent = world.circle_set.mentors
    stale = make_member(world.circle, CircleRole.MENTOR)
    newcomer = make_member(world.circle, CircleRole.MENTOR)
    for person in (never, recent, stale):
        joined(person, 90)
    joined(newcomer, 5)
    write_follow_up(
        user=world.monitor,
        circle_id=world.circle.pk,
        mentor_id=recent.pk,
        text="Checked in.",
        day=days_ago(29),
    )
    write_follow_up(
        user=world.monitor,
        circle_id=world.circle.pk,
        mentor_id=stale.pk,
        text="Checked in.",
        day=days_ago(31),
    )
    joined(world.other_set.mentors[0], 90)  # another program's mentor: not ours

    rows = list_overdue_follow_ups(user=world.monitor)

    assert [(row.mentor_id, row.days_overdue) for row in rows] == [
        (never.pk, 60),
        (stale.pk, 1),
    ]
    assert rows[1].last_follow_up == days_ago(31)
    api = client_for(world.monitor).get("/api/monitor/follow-ups/overdue/").json()
    assert [m["mentor"]["id"] for m in api["mentors"]] == [never.pk, stale.pk]


def test_the_overdue_list_costs_two_queries(world, django_assert_num_queries):
    for _ in range(2):
        make_member(world.circle, CircleRole.MENTOR)
    Membership.objects.update(joined_at=timezone.now() - timedelta(days=60))
    # 1 active mentors with their circles and programs, 2 last note per mentor.
    with django_assert_num_queries(2):
        rows = list_overdue_follow_ups(user=world.monitor)
    assert len(rows) == 4  # our four mentors; the other program's are not ours


# Hours -------------------------------------------------------------------------------


def test_a_mentor_logs_hours_and_the_note_is_sealed(world):
    client = client_for(world.mentor)
    path = f"/api/circles/{world.circle.pk}/activity/"
    response = post_json(
        client,
        path,
        {
            # Today: the page sums this month, and yesterday may be last month's.
            "day": days_ago(0).isoformat(),
            "minutes": 90,
            "kind": "session",
            "note": "Okapi",
        },
    )
    assert response.status_code == 201
    log = ActivityLog.objects.get()
    assert (log.mentor_id, log.minutes, log.kind) == (world.mentor.pk, 90, "session")
    assert b"Okapi" not in bytes(log.note_ciphertext)
    mine = client.get(path).json()
    assert (mine["minutes"], mine["target_minutes"]) == (90, 240)
    assert [a["note"] for a in mine["activity"]] == ["Okapi"]
    staff_view = (
        client_for(world.monitor)
        .get(f"/api/monitor/circles/{world.circle.pk}/activity/")
        .json()["activity"]
    )
    assert [(a["minutes"], "note" in a) for a in staff_view] == [(90, False)]


def test_hours_are_checked_and_only_mentors_log_them(world):
    path = f"/api/circles/{world.circle.pk}/activity/"
    mentee = post_json(client_for(world.mentee), path, {"minutes": 30})
    assert (mentee.status_code, mentee.json()["code"]) == (403, "not_allowed")
    client = client_for(world.mentor)
    for data, field in [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 721}, "minutes"),
        ({"minutes": "60"}, "minutes"),
        (
            {
                "minutes": 60,
                "day": (timezone.localdate() + timedelta(days=1)).isoformat(),
            },
            "day",
        ),
        ({"minutes": 60, "day": days_ago(200).isoformat()}, "day"),
        ({"minutes": 60, "kind": "karaoke"}, "kind"),
    ]:
        response = post_json(client, path, data)
        assert (response.status_code, response.json()["field"]) == (400, field), data
    outsider = post_json(client_for(world.other_set.mentors[0]), path, {"minutes": 30})
    assert outsider.status_code == 404
    assert ActivityLog.objects.count() == 0


def test_mentors_under_four_hours_this_month_are_listed(world):
    under, enough = world.circle_set.mentors
    today = timezone.localdate()
    first = today.replace(day=1)
    log_activity(
        user=enough, circle_id=world.circle.pk, day=first, minutes=200, kind="session"
    )
    log_activity(
        user=enough,
        circle_id=world.circle.pk,
        day=today,
        minutes=40,
        kind="preparation",
    )
    log_activity(
        user=under, circle_id=world.circle.pk, day=today, minutes=60, kind="session"
    )
    last_month = first - timedelta(days=1)
    if (today - last_month).days <= 92:
        log_activity(
            user=under,
            circle_id=world.circle.pk,
            day=last_month,
            minutes=300,
            kind="session",
        )
    rows = list_under_hours(user=world.monitor)
    assert [(row.mentor_id, row.minutes) for row in rows] == [(under.pk, 60)]
    previous = list_under_hours(user=world.monitor, month=last_month)
    assert [row.mentor_id for row in previous] == [enough.pk]
    api = (
        client_for(world.monitor)
        .get(f"/api/monitor/hours/under/?month={last_month:%Y-%m}")
        .json()
    )
    assert [m["mentor"]["id"] for m in api["mentors"]] == [enough.pk]
    bad = client_for(world.monitor).get("/api/monitor/hours/under/?month=March")
    assert (bad.status_code, bad.json()["field"]) == (400, "month")


# Closure -------------------------------------------------------------------------


def test_the_coordinator_proposes_and_staff_close_with_a_future_contact_policy(
    world, events
):
    proposal = post_json(
        client_for(world.circle_set.coordinator),
        f"/api/circles/{world.circle.pk}/closure/",
        {
            "reason": "goals_met",
            "note": "She has a job and a flat.",
            "future_contact_policy": "No contact outside the program.",
        },
    )
    assert proposal.status_code == 201
    pending = client_for(world.monitor).get("/api/monitor/closures/pending/").json()
    assert [(p["circle"], p["note"]) for p in pending["proposals"]] == [
        (world.circle.pk, "She has a job and a flat.")
    ]
    with events.committed():
        closed = post_json(
            client_for(world.monitor),
            f"/api/monitor/circles/{world.circle.pk}/close/",
            {"reason": "goals_met", "future_contact_policy": "No contact for a year."},
        )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["reason"]) == ("closed", "Goals met")
    world.circle.refresh_from_db()
    assert world.circle.future_contact_policy == "No contact for a year."
    assert ClosureProposal.objects.get().status == "accepted"
    assert events.of_type(broadcast.CLOSED) == [
        (
            broadcast.circle_group(world.circle.pk),
            {"type": "circle.closed", "circle_id": world.circle.pk},
        )
    ]
    seen = client_for(world.mentee).get(f"/api/circles/{world.circle.pk}/closure/")
    assert seen.json()["status"] == "closed"
    assert seen.json()["future_contact_policy"] == "No contact for a year."


def test_only_the_coordinator_proposes_and_only_staff_close(world):
    path = f"/api/circles/{world.circle.pk}/closure/"
    mentor = post_json(
        client_for(world.circle_set.mentors[1]), path, {"reason": "goals_met"}
    )
    assert mentor.status_code == 403
    coordinator = post_json(
        client_for(world.circle_set.coordinator), path, {"reason": "bored"}
    )
    assert (coordinator.status_code, coordinator.json()["field"]) == (400, "reason")
    close_path = f"/api/monitor/circles/{world.circle.pk}/close/"
    by_coordinator = post_json(
        client_for(world.circle_set.coordinator),
        close_path,
        {"reason": "goals_met", "future_contact_policy": "None."},
    )
    assert by_coordinator.status_code == 403
    by_other_program = post_json(
        client_for(world.other_monitor),
        close_path,
        {"reason": "goals_met", "future_contact_policy": "None."},
    )
    assert by_other_program.status_code == 404
    without_policy = post_json(
        client_for(world.monitor), close_path, {"reason": "goals_met"}
    )
    assert without_policy.json()["field"] == "future_contact_policy"
    world.circle.refresh_from_db()
    assert world.circle.status == Circle.Status.OPEN


def test_exit_interviews_of_each_kind_are_recorded_with_sealed_notes(world):
    client = client_for(world.monitor)
    path = f"/api/monitor/circles/{world.circle.pk}/exit-interviews/"
    cases = [
        ("mentee_staff", world.mentee.pk, None),
        ("mentor_staff", world.mentor.pk, world.second.pk),
        ("mentor_mentee", world.mentor.pk, world.mentee.pk),
    ]
    for kind, person, counterpart in cases:
        data = {"kind": kind, "participant": person, "notes": f"Ibis {kind}"}
        if counterpart is not None:
            data["counterpart"] = counterpart
        assert post_json(client, path, data).status_code == 201
    rows = client.get(path).json()["exit_interviews"]
    assert sorted((r["kind"], r["counterpart"]["id"]) for r in rows) == [
        ("mentee_staff", world.monitor.pk),
        ("mentor_mentee", world.mentee.pk),
        ("mentor_staff", world.second.pk),
    ]
    assert all(r["notes"].startswith("Ibis") for r in rows)
    assert all(
        b"Ibis" not in bytes(i.notes_ciphertext) for i in ExitInterview.objects.all()
    )
    for data, field in [
        (
            {"kind": "mentee_staff", "participant": world.mentor.pk, "notes": "x"},
            "participant",
        ),
        (
            {
                "kind": "mentor_mentee",
                "participant": world.mentor.pk,
                "counterpart": world.monitor.pk,
                "notes": "x",
            },
            "counterpart",
        ),
        (
            {
                "kind": "mentor_staff",
                "participant": world.mentor.pk,
                "counterpart": world.mentee.pk,
                "notes": "x",
            },
            "counterpart",
        ),
        (
            {
                "kind": "mentor_staff",
                "participant": world.mentor.pk,
                "counterpart": world.other_monitor.pk,
                "notes": "x",
            },
            "counterpart",
        ),
        ({"kind": "chat", "participant": world.mentor.pk, "notes": "x"}, "kind"),
        (
            {"kind": "mentee_staff", "participant": world.mentee.pk, "notes": " "},
            "notes",
        ),
    ]:
        response = post_json(client, path, data)
        assert (response.status_code, response.json()["field"]) == (400, field), data
    assert ExitInterview.objects.count() == 3


def test_rematching_starts_a_new_circle_with_its_own_history(world):
    post(world.mentee, world.circle, "Secret plans from the old circle")
    new_mentors = [participant(world.program, Role.MENTOR) for _ in range(2)]
    circle = rematch_mentee(
        by=world.admin,
        circle_id=world.circle.pk,
        name="Second circle",
        mentors=new_mentors,
        coordinator=new_mentors[0],
        future_contact_policy="The old mentors say goodbye through staff.",
    )
    world.circle.refresh_from_db()
    assert (world.circle.status, world.circle.closure_reason) == (
        "closed",
        "Re-matched to a new circle",
    )
    assert circle.pk != world.circle.pk
    from messaging.circles import publish_agreement
    from messaging.models import AgreementAcceptance

    agreement = publish_agreement(by=None, circle=circle, fields={"focus": "Work"})
    for person in [world.mentee, *new_mentors]:
        AgreementAcceptance.objects.create(agreement=agreement, user=person)
    assert (
        list_history(
            user=world.mentee, circle_id=circle.pk, before=None, limit=50
        ).messages
        == []
    )
    ack = post(world.mentee, circle, "Hello new circle")
    assert ack.seq == 1  # a fresh sequence and a fresh archive chain
    seen = list_history(user=new_mentors[0], circle_id=circle.pk, before=None, limit=50)
    assert [m.body for m in seen.messages] == ["Hello new circle"]
    with pytest.raises(NotAllowed):  # the new mentors were never in the old circle
        list_history(
            user=new_mentors[0], circle_id=world.circle.pk, before=None, limit=5
        )


def test_rematching_is_for_administrators(world):
    new_mentors = [participant(world.program, Role.MENTOR) for _ in range(2)]
    with pytest.raises(NotFound):
        rematch_mentee(
            by=world.monitor,
            circle_id=world.circle.pk,
            name="Second circle",
            mentors=new_mentors,
            coordinator=new_mentors[0],
            future_contact_policy="None.",
        )
    world.circle.refresh_from_db()
    assert world.circle.status == "open"  # nothing half-done


def test_a_closed_circle_cannot_be_closed_twice(world):
    close_circle(by=None, circle=world.circle, reason="Goals met")
    response = post_json(
        client_for(world.monitor),
        f"/api/monitor/circles/{world.circle.pk}/close/",
        {"reason": "goals_met", "future_contact_policy": "None."},
    )
    assert (response.status_code, response.json()["field"]) == (400, "reason")
