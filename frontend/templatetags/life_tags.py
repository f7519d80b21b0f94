"""Template helpers for the circle-life pages, and the reminder line any circle page
can show: `{% load life_tags %}{% circle_reminders circle %}` (next session and a
progress review that is due)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.access import current_agreement
from messaging.life import next_session, review_due
from messaging.models import Circle

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as people read time: "45 min", "2 h", "1 h 30 min"."""
    minutes = int(minutes or 0)
    whole, rest = divmod(minutes, 60)
    if whole and rest:
        return _("{hours} h {minutes} min").format(hours=whole, minutes=rest)
    if whole:
        return _("{hours} h").format(hours=whole)
    return _("{minutes} min").format(minutes=rest)


@register.inclusion_tag("life/_reminders.html")
def circle_reminders(circle: Circle, show_links: bool = True) -> dict[str, Any]:
    """The circle's next session and a due progress review, for its members' pages
    (the caller has already checked who may see the circle)."""
    return {
        "circle": circle,
        "reminder": next_session(circle),
        "due": review_due(
            circle, current_agreement(circle), today=timezone.localdate()
        ),
        "show_links": show_links,
    }
