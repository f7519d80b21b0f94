"""Evaluation: per program and month, what happened in its circles.

Active circles, messages, flags by category and by current status, flag actions by
kind, the median time from a flag to its first action by a person, and closures by
reason. Counts only: no text, no names of participants. Scoped to the programs the
requesting user staffs. Months are calendar months in UTC.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from messaging.models import Circle, Message
from messaging.staff import staff_programs
from moderation.models import Flag, FlagAction

MAX_MONTHS = 36


@dataclass
class MonthFigures:
    month: date
    active_circles: int = 0
    messages: int = 0
    flags_by_category: Counter[str] = field(default_factory=Counter)
    flags_by_status: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    review_minutes: list[float] = field(default_factory=list)
    closures_by_reason: Counter[str] = field(default_factory=Counter)

    @property
    def flags(self) -> int:
        return sum(self.flags_by_category.values())

    @property
    def median_review_minutes(self) -> float | None:
        if not self.review_minutes:
            return None
        return round(statistics.median(self.review_minutes), 1)

    def as_dict(self) -> dict[str, object]:
        return {
            "month": self.month.strftime("%Y-%m"),
            "active_circles": self.active_circles,
            "messages": self.messages,
            "flags": self.flags,
            "flags_by_category": dict(sorted(self.flags_by_category.items())),
            "flags_by_status": dict(sorted(self.flags_by_status.items())),
            "actions": dict(sorted(self.actions.items())),
            "reviewed_flags": len(self.review_minutes),
            "median_review_minutes": self.median_review_minutes,
            "closures": sum(self.closures_by_reason.values()),
            "closures_by_reason": dict(sorted(self.closures_by_reason.items())),
        }


@dataclass
class ProgramFigures:
    id: int
    name: str
    months: list[MonthFigures]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "months": [month.as_dict() for month in self.months],
        }


def month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        previous = starts[-1]
        year, month = (
            (previous.year, previous.month - 1)
            if previous.month > 1
            else (previous.year - 1, 12)
        )
        starts.append(date(year, month, 1))
    return list(reversed(starts))


def next_month(start: date) -> date:
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def month_of(value: datetime) -> date:
    value = value.astimezone(UTC)
    return date(value.year, value.month, 1)


def evaluate(
    *, user: User, months: int = 12, today: date | None = None
) -> list[ProgramFigures]:
    """The last `months` calendar months (this one included) for each program `user`
    staffs. Five queries, whatever the number of programs and months."""
    months = max(1, min(months, MAX_MONTHS))
    programs = list(staff_programs(user).order_by("name"))
    today = today or timezone.now().astimezone(UTC).date()
    starts = month_starts(today, months)
    begin, end = moment(starts[0]), moment(next_month(starts[-1]))
    figures = {
        program.pk: {start: MonthFigures(month=start) for start in starts}
        for program in programs
    }
    ids = list(figures)

    circles = Circle.objects.filter(program_id__in=ids, created_at__lt=end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=begin)
    )
    for program_id, created_at, closed_at, reason in circles.values_list(
        "program_id", "created_at", "closed_at", "closure_reason"
    ):
        for start in starts:
            month_begin, month_end = moment(start), moment(next_month(start))
            if created_at < month_end and (
                closed_at is None or closed_at >= month_begin
            ):
                figures[program_id][start].active_circles += 1
        if closed_at is not None and begin <= closed_at < end:
            figures[program_id][month_of(closed_at)].closures_by_reason[
                reason or "unspecified"
            ] += 1

    messages = (
        Message.objects.filter(
            circle__program_id__in=ids, sent_at__gte=begin, sent_at__lt=end
        )
        .annotate(month=TruncMonth("sent_at", tzinfo=UTC))
        .values("circle__program_id", "month")
        .annotate(count=Count("id"))
    )
    for row in messages:
        figures[row["circle__program_id"]][month_of(row["month"])].messages += row[
            "count"
        ]

    flags = (
        Flag.objects.filter(
            circle__program_id__in=ids, created_at__gte=begin, created_at__lt=end
        )
        .annotate(
            first_action=Min("actions__at", filter=Q(actions__actor__isnull=False))
        )
        .values_list(
            "circle__program_id", "created_at", "category", "status", "first_action"
        )
    )
    for program_id, created_at, category, status, first_action in flags:
        month = figures[program_id][month_of(created_at)]
        month.flags_by_category[category] += 1
        month.flags_by_status[status] += 1
        if first_action is not None:
            month.review_minutes.append(
                max(0.0, (first_action - created_at).total_seconds() / 60)
            )

    actions = (
        FlagAction.objects.filter(
            flag__circle__program_id__in=ids, at__gte=begin, at__lt=end
        )
        .annotate(month=TruncMonth("at", tzinfo=UTC))
        .values("flag__circle__program_id", "month", "action")
        .annotate(count=Count("id"))
    )
    for action_row in actions:
        program_id = action_row["flag__circle__program_id"]
        month_actions = figures[program_id][month_of(action_row["month"])].actions
        month_actions[action_row["action"]] += action_row["count"]

    return [
        ProgramFigures(
            id=program.pk,
            name=program.name,
            months=[figures[program.pk][start] for start in starts],
        )
        for program in programs
    ]


CSV_COLUMNS = ["program_id", "program", "month", "metric", "key", "value"]


def csv_cell(value: object) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: defuse them."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def month_metrics(month: MonthFigures) -> list[tuple[str, str, object]]:
    """(metric, key, value) for one month, in a stable order."""
    metrics: list[tuple[str, str, object]] = [
        ("active_circles", "", month.active_circles),
        ("messages", "", month.messages),
        ("flags", "", month.flags),
    ]
    metrics += [
        ("flags_by_category", key, n)
        for key, n in sorted(month.flags_by_category.items())
    ]
    metrics += [
        ("flags_by_status", key, n) for key, n in sorted(month.flags_by_status.items())
    ]
    metrics += [("flag_actions", key, n) for key, n in sorted(month.actions.items())]
    metrics.append(("median_review_minutes", "", month.median_review_minutes))
    metrics += [
        ("closures_by_reason", key, n)
        for key, n in sorted(month.closures_by_reason.items())
    ]
    return metrics


def evaluation_rows(figures: list[ProgramFigures]) -> list[list[str]]:
    """One row per program, month, metric and key (long format)."""
    return [
        [
            str(program.id),
            csv_cell(program.name),
            month.month.strftime("%Y-%m"),
            metric,
            csv_cell(key),
            "" if value is None else str(value),
        ]
        for program in figures
        for month in program.months
        for metric, key, value in month_metrics(month)
    ]


def evaluation_csv(figures: list[ProgramFigures]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(evaluation_rows(figures))
    return buffer.getvalue()


def totals(figures: list[ProgramFigures]) -> dict[int, dict[str, int]]:
    """Per program, sums over the months shown (for the page's summary line)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for program in figures:
        out[program.id] = {
            "messages": sum(m.messages for m in program.months),
            "flags": sum(m.flags for m in program.months),
            "closures": sum(sum(m.closures_by_reason.values()) for m in program.months),
        }
    return dict(out)
