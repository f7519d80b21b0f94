"""post_message: one transaction, gap-free seq, idempotent, bodies never in logs."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from messaging.models import Message
from messaging.services import list_after, list_history, post_message
from tests.factories import make_circle

SENTINEL = "zebra-sentinel-7f3a kumquat"


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_get_gap_free_unique_seqs(settings):
    settings.CHAT_RATE_LIMITS = {**settings.CHAT_RATE_LIMITS}
    circle_set = make_circle(mentors=3)
    people = circle_set.members
    per_person = 15
    start = threading.Barrier(len(people))

    def send_all(person):
        start.wait()
        try:
            return [
                post_message(
                    sender=person,
                    circle_id=circle_set.circle.pk,
                    client_id=f"{person.pk}-{n}",
                    body=f"note {n} from {person.username}",
                ).seq
                for n in range(per_person)
            ]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(people)) as pool:
        results = list(pool.map(send_all, people))
    seqs = sorted(seq for batch in results for seq in batch)
    total = per_person * len(people)
    assert seqs == list(range(1, total + 1))
    for batch in results:  # each sender's own messages keep their order
        assert batch == sorted(batch)
    stored = list(Message.objects.order_by("seq").values_list("seq", flat=True))
    assert stored == list(range(1, total + 1))
    circle_set.circle.refresh_from_db()
    assert circle_set.circle.last_seq == total


@pytest.mark.django_db
def test_a_resend_with_the_same_client_id_stores_nothing_new(
    django_capture_on_commit_callbacks,
):
    circle_set = make_circle()
    with django_capture_on_commit_callbacks(execute=False) as first_callbacks:
        first = post_message(
            sender=circle_set.mentee,
            circle_id=circle_set.circle.pk,
            client_id="x",
            body="See you Tuesday",
        )
    with django_capture_on_commit_callbacks(execute=False) as second_callbacks:
        again = post_message(
            sender=circle_set.mentee,
            circle_id=circle_set.circle.pk,
            client_id="x",
            body="See you Tuesday",
        )
    assert again == first
    assert Message.objects.count() == 1
    assert len(first_callbacks) == 1  # the broadcast, after commit
    assert second_callbacks == []  # a resend announces nothing again


@pytest.mark.django_db
def test_no_body_is_stored_in_plaintext_anywhere():
    circle_set = make_circle()
    post_message(
        sender=circle_set.mentee,
        circle_id=circle_set.circle.pk,
        client_id="p",
        body=SENTINEL,
    )
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 -- our own tables
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("latin-1")
                    assert "zebra-sentinel" not in str(value), table


@pytest.mark.django_db
def test_bodies_never_reach_the_logs(caplog):
    circle_set = make_circle()
    with caplog.at_level(logging.DEBUG):
        for client_id, body in [
            ("a", SENTINEL),
            ("b", f"call me at 515 555 0142 {SENTINEL}"),
            ("c", f"I want to kill myself {SENTINEL}"),
        ]:
            post_message(
                sender=circle_set.mentee,
                circle_id=circle_set.circle.pk,
                client_id=client_id,
                body=body,
            )
        list_history(
            user=circle_set.mentors[0],
            circle_id=circle_set.circle.pk,
            before=None,
            limit=50,
        )
    assert caplog.records  # something was logged: ids, statuses, lengths
    assert "zebra-sentinel" not in caplog.text
    assert "515 555" not in caplog.text


@pytest.mark.django_db
def test_history_and_resume_decrypt_what_was_sent():
    circle_set = make_circle()
    for n in range(3):
        post_message(
            sender=circle_set.mentors[n % 2],
            circle_id=circle_set.circle.pk,
            client_id=f"h{n}",
            body=f"body {n} <b>as typed</b>",
        )
    page = list_after(user=circle_set.mentee, circle_id=circle_set.circle.pk, after=1)
    assert [(m.seq, m.body) for m in page.messages] == [
        (2, "body 1 <b>as typed</b>"),
        (3, "body 2 <b>as typed</b>"),
    ]
    assert page.messages[0].sender["role"] == "mentor"
    assert page.messages[1].sender["role"] == "coordinator"


@pytest.mark.django_db
def test_history_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    circle_set = make_circle()
    for n in range(10):
        post_message(
            sender=circle_set.mentee,
            circle_id=circle_set.circle.pk,
            client_id=f"n{n}",
            body=f"n{n}",
        )
    with django_assert_max_num_queries(12):
        page = list_history(
            user=circle_set.mentee,
            circle_id=circle_set.circle.pk,
            before=None,
            limit=50,
        )
    assert len(page.messages) == 10


@pytest.mark.django_db
def test_a_plain_message_costs_six_statements():
    """The send path's budget (bench/README.md): one statement re-checks the member
    and reads a resend and the rules' version; then the seq, the message, the
    archive key, the sealed record and the chain head. Nothing fired: no flags."""
    from django.test.utils import CaptureQueriesContext

    circle_set = make_circle()
    post_message(
        sender=circle_set.mentee,
        circle_id=circle_set.circle.pk,
        client_id="warm",
        body="first one creates the circle's key",
    )
    with CaptureQueriesContext(connection) as queries:
        post_message(
            sender=circle_set.mentee,
            circle_id=circle_set.circle.pk,
            client_id="counted",
            body="see you on thursday",
        )
    statements = [
        q["sql"].split()[0].upper()
        for q in queries.captured_queries
        if q["sql"].split()[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")
    ]
    assert statements == ["SELECT", "UPDATE", "INSERT", "SELECT", "INSERT", "UPDATE"]
    assert len(queries.captured_queries) <= 22  # with savepoints or BEGIN/COMMIT
