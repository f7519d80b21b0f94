"""The participant pages: chat, onboarding and agreement, through Django's test client.

Who may open each page (members, people in the program who are not in the circle,
other programs, anonymous visitors), what onboarding lets a person do, editing and
accepting the agreement, and the security headers of every page.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import ConductAcceptance, Role
from accounts.services import publish_conduct
from messaging.circles import close_circle, publish_agreement
from messaging.models import AgreementAcceptance, CircleRole
from tests.factories import (
    ProgramFactory,
    make_circle,
    make_member,
    participant,
    staff,
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

CIRCLE_PAGES = ["", "welcome/", "agreement/", "agreement/edit/"]


def page(client: Client, circle_id: int, suffix: str = ""):
    return client.get(f"/circles/{circle_id}/{suffix}")


def text_of(response) -> str:
    return response.content.decode()


def without_tokens(html: str) -> str:
    """The page without its per-render CSRF tokens, to compare two renderings."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# ---------- who may open the pages ----------


def test_a_cleared_member_gets_the_chat_page(client):
    circle_set = make_circle(name="Tuesday circle")
    client.force_login(circle_set.mentee)
    response = page(client, circle_set.circle.pk)
    assert response.status_code == 200
    body = text_of(response)
    assert 'role="log"' in body
    assert 'aria-live="polite"' in body
    assert '<label for="message-input">Message</label>' in body
    assert '<button type="submit" id="send">Send</button>' in body
    assert 'id="chat-settings" type="application/json"' in body
    assert "/static/frontend/chat.js" in body
    assert f'href="/circles/{circle_set.circle.pk}/agreement/"' in body


def test_the_chat_page_passes_its_settings_as_json_not_script(client):
    circle_set = make_circle()
    client.force_login(circle_set.coordinator)
    body = text_of(page(client, circle_set.circle.pk))
    found = re.search(
        r'<script id="chat-settings" type="application/json">(.*?)</script>', body
    )
    assert found is not None
    import json

    settings = json.loads(found.group(1))
    assert settings["circleId"] == circle_set.circle.pk
    assert settings["me"] == {
        "id": circle_set.coordinator.pk,
        "name": circle_set.coordinator.shown_name,
        "role": "coordinator",
    }
    assert settings["welcomeUrl"] == f"/circles/{circle_set.circle.pk}/welcome/"


@pytest.mark.parametrize(
    "missing",
    [{"training": False}, {"conduct": False}, {"screening": False}],
)
def test_a_member_who_is_not_cleared_is_sent_to_onboarding(client, missing):
    circle_set = make_circle()
    newcomer = make_member(circle_set.circle, CircleRole.MENTOR, **missing)
    client.force_login(newcomer)
    response = page(client, circle_set.circle.pk)
    assert (response.status_code, response["Location"]) == (
        302,
        f"/circles/{circle_set.circle.pk}/welcome/",
    )


def test_everyone_is_sent_to_onboarding_while_a_member_has_not_accepted(client):
    circle_set = make_circle()
    make_member(circle_set.circle, CircleRole.MENTOR, accepted=False)
    client.force_login(circle_set.mentee)
    response = page(client, circle_set.circle.pk)
    assert response.status_code == 302
    assert response["Location"].endswith("/welcome/")


@pytest.mark.parametrize("suffix", ["", "welcome/"])
def test_someone_in_the_program_but_not_in_the_circle_is_refused(client, suffix):
    circle_set = make_circle()
    outsider = participant(circle_set.program, Role.MENTEE)
    client.force_login(outsider)
    response = page(client, circle_set.circle.pk, suffix)
    assert response.status_code == 403
    assert "You are not a member of this circle." in text_of(response)


@pytest.mark.parametrize("suffix", CIRCLE_PAGES)
def test_a_circle_of_another_program_is_not_found_exactly_like_a_missing_one(
    client, suffix
):
    mine = make_circle()
    theirs = make_circle(name="Their secret circle")  # another program
    client.force_login(mine.mentee)
    other = page(client, theirs.circle.pk, suffix)
    missing = page(client, theirs.circle.pk + 1000, suffix)
    assert other.status_code == missing.status_code == 404
    assert without_tokens(text_of(other)) == without_tokens(text_of(missing))
    assert theirs.circle.name not in text_of(other)


@pytest.mark.parametrize("suffix", [*CIRCLE_PAGES])
def test_anonymous_visitors_are_asked_to_log_in(client, suffix):
    circle_set = make_circle()
    path = f"/circles/{circle_set.circle.pk}/{suffix}"
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next={path}",
    )


@pytest.mark.parametrize(
    "suffix", ["welcome/conduct/", "agreement/accept/", "agreement/edit/"]
)
def test_anonymous_posts_change_nothing(client, suffix):
    circle_set = make_circle()
    before = AgreementAcceptance.objects.count()
    response = client.post(f"/circles/{circle_set.circle.pk}/{suffix}", {"version": 1})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert AgreementAcceptance.objects.count() == before
    assert circle_set.circle.agreements.count() == 1


def test_posts_without_a_csrf_token_are_refused(client):
    circle_set = make_circle()
    make_member(circle_set.circle, CircleRole.MENTOR, accepted=False)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(circle_set.mentee)
    response = strict.post(
        f"/circles/{circle_set.circle.pk}/agreement/accept/", {"version": 1}
    )
    assert response.status_code == 403


# ---------- home ----------


def test_home_links_each_circle_to_chat_or_to_onboarding(client):
    ready = make_circle(name="Ready circle")
    waiting = make_circle(ready.program, name="Waiting circle")
    person = ready.mentors[1]
    from messaging.models import Membership

    Membership.objects.create(circle=waiting.circle, user=person, role="mentor")
    client.force_login(person)
    body = text_of(client.get("/"))
    assert f'href="/circles/{ready.circle.pk}/"' in body
    assert f'href="/circles/{waiting.circle.pk}/welcome/"' in body
    assert f'href="/circles/{waiting.circle.pk}/"' not in body


# ---------- onboarding ----------


def test_onboarding_lists_what_staff_still_have_to_record(client):
    circle_set = make_circle()
    newcomer = make_member(
        circle_set.circle, CircleRole.MENTOR, training=False, screening=False
    )
    client.force_login(newcomer)
    body = text_of(page(client, circle_set.circle.pk, "welcome/"))
    assert "Your training has not been recorded as completed yet." in body
    assert "Program staff have not yet recorded your screening" in body
    assert "Waiting for program staff" in body
    assert "You accepted the current code of conduct." in body
    assert "Go to the chat" not in body


def test_onboarding_asks_for_a_minors_parental_consent(client):
    circle_set = make_circle()
    minor = make_member(circle_set.circle, CircleRole.MENTEE, minor=True, consent=False)
    client.force_login(minor)
    body = text_of(page(client, circle_set.circle.pk, "welcome/"))
    assert "a parent or guardian&#x27;s consent" in body


def test_a_member_reads_and_accepts_the_code_of_conduct(client):
    circle_set = make_circle()
    newcomer = make_member(circle_set.circle, CircleRole.MENTOR, conduct=False)
    client.force_login(newcomer)
    body = text_of(page(client, circle_set.circle.pk, "welcome/"))
    assert "You need to read and accept the current code of conduct." in body
    assert "Be kind." in body
    assert "I have read the code of conduct and accept it" in body
    response = client.post(
        f"/circles/{circle_set.circle.pk}/welcome/conduct/", {"version": 1}, follow=True
    )
    assert response.redirect_chain[0] == (
        f"/circles/{circle_set.circle.pk}/welcome/",
        302,
    )
    assert ConductAcceptance.objects.filter(user=newcomer).count() == 1
    assert "you accepted the code of conduct (version 1)" in text_of(response)
    # Cleared now, and everyone accepted the agreement: the chat opens.
    assert page(client, circle_set.circle.pk).status_code == 200


def test_a_code_of_conduct_published_while_reading_is_not_accepted_unread(client):
    circle_set = make_circle()
    newcomer = make_member(circle_set.circle, CircleRole.MENTOR, conduct=False)
    publish_conduct(program=circle_set.program, text="Be kind. Version two.")
    client.force_login(newcomer)
    response = client.post(
        f"/circles/{circle_set.circle.pk}/welcome/conduct/", {"version": 1}, follow=True
    )
    assert ConductAcceptance.objects.filter(user=newcomer).count() == 0
    assert "Please read version 2 below." in text_of(response)


def test_onboarding_sends_a_member_to_the_agreement_they_have_not_accepted(client):
    circle_set = make_circle()
    newcomer = make_member(circle_set.circle, CircleRole.MENTOR, accepted=False)
    client.force_login(newcomer)
    body = text_of(page(client, circle_set.circle.pk, "welcome/"))
    assert "Read and accept version 1 of the circle&#x27;s agreement." in body
    assert f'href="/circles/{circle_set.circle.pk}/agreement/"' in body
    client.force_login(circle_set.mentee)
    body = text_of(page(client, circle_set.circle.pk, "welcome/"))
    assert "1 other member has not accepted this version yet" in body
    assert "Waiting for other members" in body


def test_onboarding_says_when_a_circle_is_closed(client):
    circle_set = make_circle()
    admin = staff(circle_set.program, Role.ADMIN)
    close_circle(by=admin, circle=circle_set.circle, reason="Goals met")
    client.force_login(circle_set.mentee)
    assert page(client, circle_set.circle.pk).status_code == 302
    body = text_of(page(client, circle_set.circle.pk, "welcome/"))
    assert "This circle is closed; messages can no longer be sent." in body


def test_a_cleared_member_sees_that_everything_is_in_place(client):
    circle_set = make_circle()
    client.force_login(circle_set.mentee)
    body = text_of(page(client, circle_set.circle.pk, "welcome/"))
    assert "Go to the chat" in body


# ---------- agreement ----------


def agreement_fields(**changes):
    fields = {
        "meeting_frequency": "Weekly",
        "meeting_length_minutes": "60",
        "number_of_sessions": "",
        "meeting_place": "Online, in this circle",
        "contact_between_sessions": "Only through this platform",
        "contact_frequency": "",
        "arranging_and_cancelling": "",
        "focus": "Getting settled",
        "goals_short_term": "",
        "goals_medium_term": "",
        "goals_long_term": "",
        "comfortable_topics": "",
        "not_comfortable_topics": "",
        "review_date": "",
    }
    fields.update(changes)
    return fields


def test_members_read_the_agreement_and_who_accepted_it(client):
    circle_set = make_circle()
    make_member(circle_set.circle, CircleRole.MENTOR, accepted=False)
    client.force_login(circle_set.mentee)
    response = page(client, circle_set.circle.pk, "agreement/")
    body = text_of(response)
    assert response.status_code == 200
    assert "Getting settled" in body
    assert "Who has accepted version 1" in body
    assert "Not yet" in body
    assert "You accepted version 1 of this agreement." in body
    assert "Change the agreement" not in body
    assert "I accept this agreement" not in body


def test_program_staff_may_read_the_agreement_but_not_change_it(client):
    circle_set = make_circle()
    monitor = staff(circle_set.program, Role.MONITOR)
    client.force_login(monitor)
    assert page(client, circle_set.circle.pk, "agreement/").status_code == 200
    assert page(client, circle_set.circle.pk, "agreement/edit/").status_code == 403


def test_a_member_accepts_the_current_agreement(client):
    circle_set = make_circle()
    newcomer = make_member(circle_set.circle, CircleRole.MENTOR, accepted=False)
    client.force_login(newcomer)
    body = text_of(page(client, circle_set.circle.pk, "agreement/"))
    assert "I accept this agreement" in body
    response = client.post(
        f"/circles/{circle_set.circle.pk}/agreement/accept/", {"version": 1}
    )
    assert (response.status_code, response["Location"]) == (
        302,
        f"/circles/{circle_set.circle.pk}/",
    )
    assert AgreementAcceptance.objects.filter(user=newcomer).count() == 1
    assert page(client, circle_set.circle.pk).status_code == 200


def test_an_agreement_changed_while_reading_is_not_accepted_unread(client):
    circle_set = make_circle()
    newcomer = make_member(circle_set.circle, CircleRole.MENTOR, accepted=False)
    publish_agreement(
        by=circle_set.coordinator, circle=circle_set.circle, fields={"focus": "Work"}
    )
    client.force_login(newcomer)
    response = client.post(
        f"/circles/{circle_set.circle.pk}/agreement/accept/",
        {"version": 1},
        follow=True,
    )
    assert AgreementAcceptance.objects.filter(user=newcomer).count() == 0
    assert "Please read version 2 before accepting it." in text_of(response)


def test_the_coordinator_publishes_a_new_version_everyone_accepts_again(client):
    circle_set = make_circle()
    client.force_login(circle_set.coordinator)
    form = page(client, circle_set.circle.pk, "agreement/edit/")
    assert form.status_code == 200
    assert 'value="Getting settled"' in text_of(form) or "Getting settled" in text_of(
        form
    )
    response = client.post(
        f"/circles/{circle_set.circle.pk}/agreement/edit/",
        agreement_fields(
            focus="Work and housing",
            goals_short_term="A state ID",
            not_comfortable_topics="money\nex-partners",
            review_date="2031-05-01",
        ),
    )
    assert (response.status_code, response["Location"]) == (
        302,
        f"/circles/{circle_set.circle.pk}/agreement/",
    )
    latest = circle_set.circle.agreements.order_by("-version").first()
    assert (latest.version, latest.focus, latest.goals_short_term) == (
        2,
        "Work and housing",
        "A state ID",
    )
    assert list(
        AgreementAcceptance.objects.filter(agreement=latest).values_list(
            "user_id", flat=True
        )
    ) == [circle_set.coordinator.pk]
    body = text_of(page(client, circle_set.circle.pk, "agreement/"))
    assert "ex-partners" in body
    assert "Changed" in body
    # The others must accept version 2 before the circle talks again.
    client.force_login(circle_set.mentee)
    assert page(client, circle_set.circle.pk).status_code == 302
    assert "I accept this agreement" in text_of(
        page(client, circle_set.circle.pk, "agreement/")
    )


def test_a_program_administrator_may_change_the_agreement(client):
    circle_set = make_circle()
    admin = staff(circle_set.program, Role.ADMIN)
    client.force_login(admin)
    response = client.post(
        f"/circles/{circle_set.circle.pk}/agreement/edit/",
        agreement_fields(focus="Staying connected"),
    )
    assert response.status_code == 302
    assert circle_set.circle.agreements.count() == 2


def test_members_who_do_not_coordinate_cannot_change_the_agreement(client):
    circle_set = make_circle()
    client.force_login(circle_set.mentors[1])
    assert page(client, circle_set.circle.pk, "agreement/edit/").status_code == 403
    response = client.post(
        f"/circles/{circle_set.circle.pk}/agreement/edit/",
        agreement_fields(focus="Something else"),
    )
    assert response.status_code == 403
    assert circle_set.circle.agreements.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"meeting_length_minutes": "an hour"}, "Enter a whole number."),
        ({"meeting_length_minutes": "-5"}, "greater than or equal to 0"),
        ({"review_date": "2031-13-45"}, "Enter a valid date."),
        ({"meeting_place": "x" * 201}, "at most 200 characters"),
        ({"meeting_frequency": ""}, "This field is required."),
    ],
)
def test_an_invalid_agreement_says_what_to_fix_and_saves_nothing(
    client, changes, message
):
    circle_set = make_circle()
    client.force_login(circle_set.coordinator)
    response = client.post(
        f"/circles/{circle_set.circle.pk}/agreement/edit/",
        agreement_fields(focus="New focus", **changes),
    )
    assert response.status_code == 200
    body = text_of(response)
    assert "Nothing was saved" in body
    assert message in body
    assert 'aria-invalid="true"' in body
    assert circle_set.circle.agreements.count() == 1


def test_saving_an_unchanged_agreement_publishes_no_new_version(client):
    circle_set = make_circle()
    client.force_login(circle_set.coordinator)
    response = client.post(
        f"/circles/{circle_set.circle.pk}/agreement/edit/",
        agreement_fields(),
        follow=True,
    )
    assert "Nothing changed" in text_of(response)
    assert circle_set.circle.agreements.count() == 1


def test_a_closed_circles_agreement_can_no_longer_change(client):
    circle_set = make_circle()
    admin = staff(circle_set.program, Role.ADMIN)
    close_circle(by=admin, circle=circle_set.circle, reason="Goals met")
    client.force_login(circle_set.coordinator)
    assert page(client, circle_set.circle.pk, "agreement/edit/").status_code == 403


def test_agreement_text_is_escaped_wherever_it_is_shown(client):
    circle_set = make_circle()
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    publish_agreement(
        by=None,
        circle=circle_set.circle,
        fields={"goals_short_term": payload, "not_comfortable_topics": payload},
    )
    for person in circle_set.members:
        AgreementAcceptance.objects.get_or_create(
            agreement=circle_set.circle.agreements.order_by("-version").first(),
            user=person,
        )
    client.force_login(circle_set.mentee)
    for suffix in ("", "agreement/"):
        body = text_of(page(client, circle_set.circle.pk, suffix))
        assert "<img src=x" not in body
        assert '<script>alert("x")' not in body
        assert "&lt;script&gt;" in body


# ---------- headers and inline code ----------

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def page_paths(circle_id: int) -> dict[str, str]:
    return {
        "login": "/accounts/login/",
        "home": "/",
        "chat": f"/circles/{circle_id}/",
        "welcome": f"/circles/{circle_id}/welcome/",
        "agreement": f"/circles/{circle_id}/agreement/",
        "agreement-edit": f"/circles/{circle_id}/agreement/edit/",
        "not-found": f"/circles/{circle_id + 1000}/",
    }


@pytest.mark.parametrize("name", list(page_paths(1)))
def test_every_page_has_a_strict_csp_and_no_inline_script_or_style(client, name):
    circle_set = make_circle()
    client.force_login(circle_set.coordinator)
    response = client.get(page_paths(circle_set.circle.pk)[name])
    assert response.status_code in (200, 404)
    csp = response["Content-Security-Policy"]
    for part in STRICT_CSP_PARTS:
        assert part in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = text_of(response)
    for tag in re.findall(r"<script\b[^>]*>", body):
        # Only external files, or JSON data (json_script), which never runs.
        assert " src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in body
    assert " style=" not in body
    assert INLINE_HANDLER.search(body) is None
    assert "javascript:" not in body


def test_the_forbidden_page_also_carries_the_strict_csp(client):
    circle_set = make_circle()
    client.force_login(participant(circle_set.program, Role.MENTEE))
    response = page(client, circle_set.circle.pk)
    assert response.status_code == 403
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script" not in text_of(response)


def test_other_programs_see_none_of_a_circle(client):
    circle_set = make_circle()
    other_program = ProgramFactory()
    stranger = staff(other_program, Role.ADMIN)
    client.force_login(stranger)
    for suffix in CIRCLE_PAGES:
        assert page(client, circle_set.circle.pk, suffix).status_code == 404
    response = client.post(
        f"/circles/{circle_set.circle.pk}/agreement/edit/",
        agreement_fields(focus="Taken over"),
    )
    assert response.status_code == 404
    assert circle_set.circle.agreements.count() == 1
