"""Site-wide error views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as html_csrf_failure


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """JSON for the APIs (their callers read `code` and `detail`), HTML for pages."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "not_allowed",
                "detail": "The request was refused: send the X-CSRFToken header with "
                "the value of the csrftoken cookie, from a page of this site.",
            },
            status=403,
        )
    return html_csrf_failure(request, reason)
