"""Pages about a program or a circle read and show times in the program's time zone.

Pages only: the JSON API speaks UTC (ISO 8601 with "Z") and costs no extra query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.selectors import known_programs
from messaging.models import Circle


def program_time_zone(request: HttpRequest, view_kwargs: dict[str, Any]) -> str | None:
    """The zone of the circle or program the URL names, else of the person's only
    program; None for anonymous visitors, unknown objects and people in several
    programs with different zones (they see the server's zone, UTC)."""
    user = request.user
    if not user.is_authenticated:
        return None
    programs = known_programs(user)  # type: ignore[arg-type]
    if "circle_id" in view_kwargs:
        zones = Circle.objects.filter(
            pk=view_kwargs["circle_id"], program__in=programs
        ).values_list("program__time_zone", flat=True)
    elif "program_id" in view_kwargs:
        zones = programs.filter(pk=view_kwargs["program_id"]).values_list(
            "time_zone", flat=True
        )
    else:
        # order_by(): Program's default ordering by name would make DISTINCT count
        # two programs in the same zone as two zones.
        zones = programs.order_by().values_list("time_zone", flat=True).distinct()
    found = list(zones[:2])
    return found[0] if len(found) == 1 else None


class ProgramTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        if request.path.startswith("/api/"):
            return
        zone = program_time_zone(request, view_kwargs)
        if zone:
            timezone.activate(ZoneInfo(zone))
