"""messaging.broadcast.collected: a socket's service call hands back what it broadcast
after its commit, for the socket to send; a rolled-back call hands back nothing."""

import pytest
from django.db import transaction

from messaging import broadcast

pytestmark = pytest.mark.django_db(transaction=True)


@transaction.atomic
def commits() -> str:
    broadcast.broadcast_on_commit("circle.1", {"type": broadcast.HIDDEN, "seq": 1})
    broadcast.broadcast_on_commit("circle.1", {"type": broadcast.HIDDEN, "seq": 2})
    return "done"


@transaction.atomic
def rolls_back() -> None:
    broadcast.broadcast_on_commit("circle.1", {"type": broadcast.HIDDEN, "seq": 3})
    raise RuntimeError("the write failed")


def test_a_committed_call_hands_back_its_events_in_order():
    result, events = broadcast.collected(commits)()
    assert result == "done"
    assert [event["seq"] for _group, event in events] == [1, 2]


def test_a_rolled_back_call_sends_nothing_and_collection_ends():
    with pytest.raises(RuntimeError):
        broadcast.collected(rolls_back)()
    # Outside a collected call, sends go straight to the layer again.
    assert getattr(broadcast._outbox, "events", None) is None
