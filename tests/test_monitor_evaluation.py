"""Evaluation: per program and month, counts as JSON, a page and a CSV download."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client

from messaging.circles import close_circle
from messaging.models import Circle, Message
from moderation.evaluation import csv_cell, evaluate, month_starts
from moderation.models import Flag, FlagAction
from moderation.review import act_on_flag
from tests.factories import make_circle
from tests.test_monitor_helpers import (
    FLAG_TEXT,
    HELD_TEXT,
    PLAIN_TEXT,
    client_for,
    flag_for,
    post,
)

pytestmark = pytest.mark.django_db


TODAY = date(2025, 3, 20)


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def history(world):
    """January: one circle opens, 2 messages, 1 flag reviewed in 30 minutes.
    February: a second circle opens; 1 message, 2 flags (one held, released after
    90 minutes; one never reviewed); the first circle closes (goals met).
    March: only the second circle is active; a closure for rematch."""
    Circle.objects.filter(pk=world.circle.pk).update(created_at=at(2025, 1, 5))
    second = make_circle(world.program, name="Second").circle
    Circle.objects.filter(pk=second.pk).update(created_at=at(2025, 2, 10))
    Circle.objects.filter(pk=world.other_circle.pk).update(created_at=at(2025, 1, 1))

    def message_at(circle, person, text, when):  # type: ignore[no-untyped-def]
        seq = post(person, circle, text).seq
        Message.objects.filter(circle=circle, seq=seq).update(sent_at=when)
        Flag.objects.filter(circle=circle, seq=seq).update(created_at=when)
        return seq

    message_at(world.circle, world.mentee, PLAIN_TEXT, at(2025, 1, 6))
    seq = message_at(world.circle, world.mentee, FLAG_TEXT, at(2025, 1, 7))
    act_on_flag(
        user=world.monitor,
        flag_id=flag_for(world.circle, seq).pk,
        action="dismiss",
        reason="Fine.",
        now=at(2025, 1, 7) + timedelta(minutes=30),
    )
    held = message_at(world.circle, world.mentee, HELD_TEXT, at(2025, 2, 11))
    act_on_flag(
        user=world.monitor,
        flag_id=flag_for(world.circle, held, "contact_info").pk,
        action="release",
        reason="Office line.",
        now=at(2025, 2, 11) + timedelta(minutes=90),
    )
    message_at(world.other_circle, world.other_set.mentee, FLAG_TEXT, at(2025, 2, 1))
    close_circle(by=None, circle=world.circle, reason="Goals met")
    Circle.objects.filter(pk=world.circle.pk).update(closed_at=at(2025, 2, 28))
    return second


def test_counts_per_month_for_the_monitors_programs_only(world, history):
    (program,) = evaluate(user=world.monitor, months=3, today=TODAY)
    assert program.name == "Riverside"
    january, february, march = (m.as_dict() for m in program.months)
    assert [january["month"], february["month"], march["month"]] == [
        "2025-01",
        "2025-02",
        "2025-03",
    ]
    assert [m["active_circles"] for m in (january, february, march)] == [1, 2, 1]
    assert [m["messages"] for m in (january, february, march)] == [2, 1, 0]
    assert january["flags_by_category"] == {"money_gifts": 1}
    assert january["flags_by_status"] == {"dismissed": 1}
    assert january["actions"] == {"dismiss": 1}
    assert january["median_review_minutes"] == 30.0
    assert february["flags_by_category"] == {"contact_info": 1, "off_platform": 1}
    assert february["flags_by_status"] == {"released": 2}
    assert february["actions"] == {"release": 2}  # the sibling flag is answered too
    assert february["median_review_minutes"] == 90.0
    assert february["closures_by_reason"] == {"Goals met": 1}
    assert march["median_review_minutes"] is None
    assert march["closures"] == 0


def test_the_evaluation_page_offers_json_html_and_csv(world, history, settings):
    client = client_for(world.monitor)
    page = client.get("/monitor/evaluation/?months=36")
    assert page.status_code == 200
    assert (
        'href="/monitor/evaluation/?format=csv&amp;months=36"' in page.content.decode()
    )
    data = client.get("/monitor/evaluation/?format=json&months=36").json()
    assert [p["name"] for p in data["programs"]] == ["Riverside"]
    download = client.get("/monitor/evaluation/?format=csv&months=36")
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["program_id", "program", "month", "metric", "key", "value"]
    assert [
        str(world.program.pk),
        "Riverside",
        "2025-02",
        "flags_by_category",
        "contact_info",
        "1",
    ] in rows
    assert [
        str(world.program.pk),
        "Riverside",
        "2025-01",
        "median_review_minutes",
        "",
        "30.0",
    ] in rows
    assert {row[1] for row in rows[1:]} == {"Riverside"}


def test_evaluation_is_for_staff_only(world):
    assert client_for(world.mentee).get("/monitor/evaluation/").status_code == 403
    assert (
        client_for(world.mentee).get("/monitor/evaluation/?format=csv").status_code
        == 403
    )
    anonymous = Client().get("/monitor/evaluation/?format=csv")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_csv_cells_cannot_become_formulas():
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("@SUM") == "'@SUM"
    assert csv_cell("Goals met") == "Goals met"


def test_months_run_back_from_this_one():
    assert month_starts(date(2025, 2, 14), 3) == [
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]


def test_evaluation_takes_five_queries_whatever_the_size(
    world, history, django_assert_num_queries
):
    # 1 programs, 2 circles, 3 messages per month, 4 flags with their first action,
    # 5 actions per month.
    with django_assert_num_queries(5):
        evaluate(user=world.monitor, months=12, today=TODAY)
    assert FlagAction.objects.count() == 3
