"""The monitor dashboard pages and the member pages for a circle's records."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from archive.models import AccessAudit
from messaging.circles import close_circle
from messaging.models import ActivityLog, ClosureProposal, FollowUpNote, Membership
from moderation.models import Appeal, Flag
from tests.test_monitor_helpers import (
    CRISIS_TEXT,
    FLAG_TEXT,
    HELD_TEXT,
    client_for,
    flag_for,
    post,
)

pytestmark = pytest.mark.django_db

STRICT_CSP_PARTS = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
]
STATIC = Path(__file__).resolve().parent.parent / "frontend" / "static" / "frontend"


def staff_pages(world) -> list[str]:  # type: ignore[no-untyped-def]
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    return [
        "/monitor/",
        f"/monitor/flags/{flag.pk}/",
        f"/monitor/circles/{world.circle.pk}/",
        "/monitor/records/",
        "/monitor/evaluation/",
    ]


def without_token(response) -> str:  # type: ignore[no-untyped-def]
    """The page without its CSRF token, which is masked afresh on every response."""
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()
    )


def assert_clean_page(response) -> None:  # type: ignore[no-untyped-def]
    csp = response["Content-Security-Policy"]
    for part in STRICT_CSP_PARTS:
        assert part in csp
    assert "unsafe-inline" not in csp
    body = response.content.decode()
    assert "<script>" not in body
    assert re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", body) is None
    assert " style=" not in body
    assert " onclick=" not in body


def test_every_staff_page_renders_with_a_strict_csp_and_no_inline_code(world):
    client = client_for(world.monitor)
    for path in staff_pages(world):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_clean_page(response)


def test_participants_are_refused_and_visitors_sent_to_log_in(world):
    for path in staff_pages(world):
        assert client_for(world.mentee).get(path).status_code == 403, path
        assert client_for(world.mentor).get(path).status_code == 403, path
        anonymous = Client().get(path)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/accounts/login/")


def test_another_programs_flag_and_circle_pages_are_404_like_missing_ones(world):
    theirs = flag_for(
        world.other_circle,
        post(world.other_set.mentee, world.other_circle, FLAG_TEXT).seq,
    )
    client = client_for(world.monitor)
    for existing, missing in [
        (f"/monitor/flags/{theirs.pk}/", f"/monitor/flags/{theirs.pk + 99}/"),
        (
            f"/monitor/circles/{world.other_circle.pk}/",
            f"/monitor/circles/{world.other_circle.pk + 99}/",
        ),
    ]:
        first, second = client.get(existing), client.get(missing)
        assert (first.status_code, second.status_code) == (404, 404)
        assert without_token(first) == without_token(second)
    assert AccessAudit.objects.count() == 0


def test_the_dashboard_puts_a_crisis_first_with_the_programs_steps(world):
    world.program.crisis_steps = "Call the participant now; 911 if in danger."
    world.program.save()
    post(world.mentee, world.circle, HELD_TEXT)
    post(world.mentee, world.circle, CRISIS_TEXT)
    body = client_for(world.monitor).get("/monitor/").content.decode()
    alert = body.index('role="alert"')
    assert alert < body.index("Waiting for review")
    assert "Call the participant now; 911 if in danger." in body
    assert "Crisis in Tuesday circle, message 2" in body
    assert 'class="row-held"' in body
    settings = re.search(
        r'<script id="monitor-settings" type="application/json">(.*?)</script>', body
    )
    assert settings is not None
    assert json.loads(settings.group(1))["flagsUrl"] == "/api/monitor/flags/"
    assert '<script src="/static/frontend/monitor.js" defer></script>' in body


def test_the_flag_page_shows_the_thread_as_text_and_audits_the_read(world):
    post(world.mentor, world.circle, "<img src=x onerror=alert(1)> see you")
    seq = post(world.mentee, world.circle, HELD_TEXT).seq
    flag = flag_for(world.circle, seq, "contact_info")
    body = client_for(world.monitor).get(f"/monitor/flags/{flag.pk}/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; see you" in body
    assert "<img src=x" not in body
    assert HELD_TEXT in body
    assert 'aria-current="true"' in body
    assert 'for="reason"' in body
    assert "Reason (required)" in body
    assert AccessAudit.objects.filter(user=world.monitor).count() == 1


def test_a_decision_without_a_reason_is_shown_back_and_changes_nothing(world):
    flag = flag_for(world.circle, post(world.mentee, world.circle, HELD_TEXT).seq)
    client = client_for(world.monitor)
    response = client.post(
        f"/monitor/flags/{flag.pk}/act/", {"action": "release", "reason": " "}
    )
    assert response.status_code == 400
    assert "a reason is required" in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == "open"
    done = client.post(
        f"/monitor/flags/{flag.pk}/act/",
        {"action": "release", "reason": "The program office line."},
    )
    assert (done.status_code, done["Location"]) == (302, "/monitor/")
    flag.refresh_from_db()
    assert flag.status == "released"


def test_a_claim_by_someone_else_is_explained_on_the_page(world):
    flag = flag_for(world.circle, post(world.mentee, world.circle, FLAG_TEXT).seq)
    client_for(world.monitor).post(
        f"/monitor/flags/{flag.pk}/act/", {"action": "claim", "reason": ""}
    )
    other = client_for(world.second)
    page = other.get(f"/monitor/flags/{flag.pk}/").content.decode()
    assert "Morgan is working on this flag until" in page
    refused = other.post(
        f"/monitor/flags/{flag.pk}/act/",
        {"action": "dismiss", "reason": "Fine."},
        follow=True,
    )
    assert "Morgan is working on this flag" in refused.content.decode()
    flag.refresh_from_db()
    assert flag.status == "open"


def test_the_circle_page_records_notes_and_closes_the_circle(world):
    client = client_for(world.monitor)
    path = f"/monitor/circles/{world.circle.pk}/"
    bad = client.post(
        path + "notes/", {"mentor": str(world.mentor.pk), "method": "phone", "text": ""}
    )
    assert bad.status_code == 400
    assert "Write what was discussed." in bad.content.decode()
    saved = client.post(
        path + "notes/",
        {"mentor": str(world.mentor.pk), "method": "phone", "text": "Doing well."},
    )
    assert saved.status_code == 302
    assert FollowUpNote.objects.get().mentor_id == world.mentor.pk
    assert "Doing well." in client.get(path).content.decode()
    closed = client.post(
        path + "close/",
        {"reason": "goals_met", "future_contact_policy": "Through staff only."},
    )
    assert closed.status_code == 302
    world.circle.refresh_from_db()
    assert (world.circle.status, world.circle.future_contact_policy) == (
        "closed",
        "Through staff only.",
    )


def test_the_records_page_lists_overdue_mentors_and_hours(world):
    Membership.objects.update(joined_at=timezone.now() - timedelta(days=45))
    body = client_for(world.monitor).get("/monitor/records/").content.decode()
    assert world.mentor.shown_name in body
    assert "never" in body
    assert "Mentors under 4 hours" in body


def test_a_mentor_logs_hours_on_their_page_and_a_mentee_cannot(world):
    path = f"/circles/{world.circle.pk}/activity/"
    client = client_for(world.mentor)
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "day": timezone.localdate().isoformat(),
            "minutes": "45",
            "kind": "session",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert ActivityLog.objects.get().minutes == 45
    assert "0.8 of about 4 hours" in client.get(path).content.decode()
    assert client_for(world.mentee).get(path).status_code == 403


def test_the_coordinator_proposes_closing_and_members_then_see_the_policy(world):
    path = f"/circles/{world.circle.pk}/closing/"
    coordinator = client_for(world.circle_set.coordinator)
    assert "Propose closing the circle" in coordinator.get(path).content.decode()
    assert "Propose closing" not in client_for(world.mentee).get(path).content.decode()
    coordinator.post(
        path, {"reason": "goals_met", "note": "", "future_contact_policy": ""}
    )
    assert ClosureProposal.objects.get().status == "pending"
    world.circle.future_contact_policy = "No contact for one year."
    world.circle.save()
    close_circle(by=None, circle=world.circle, reason="Goals met")
    body = client_for(world.mentee).get(path).content.decode()
    assert "This circle has closed" in body
    assert "No contact for one year." in body


def test_a_member_appeals_a_held_message_from_the_appeals_page(world):
    seq = post(world.mentee, world.circle, HELD_TEXT).seq
    path = f"/circles/{world.circle.pk}/appeals/"
    client = client_for(world.mentee)
    assert HELD_TEXT in client.get(path).content.decode()
    response = client.post(
        path, {"form": f"held-{seq}", "seq": str(seq), "reason": "My PO."}
    )
    assert response.status_code == 302
    assert Appeal.objects.get().message.seq == seq
    assert Flag.objects.filter(category="appeal").count() == 1
    assert "Waiting for a monitor" in client.get(path).content.decode()


def test_the_script_builds_the_page_without_html_strings():
    source = (STATIC / "monitor.js").read_text()
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert forbidden not in source
    assert "textContent" in source
