"""Logging in, the home page, throttling and security headers."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.models import Role
from tests.factories import PASSWORD, ProgramFactory, make_circle, staff

pytestmark = pytest.mark.django_db

STRICT_CSP_PARTS = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
]


def log_in(client, username, password=PASSWORD):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.1",
    )


def test_a_person_logs_in_and_sees_their_circles(client):
    circle_set = make_circle(name="Tuesday circle")
    response = log_in(client, circle_set.mentee.username)
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Tuesday circle" in page.content.decode()
    assert f'href="/circles/{circle_set.circle.pk}/"' in page.content.decode()


def test_login_rotates_the_session_key(client):
    circle_set = make_circle()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    log_in(client, circle_set.mentee.username)
    assert client.session.session_key != before


def test_the_home_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/",
    )


def test_a_wrong_password_says_so(client):
    circle_set = make_circle()
    response = log_in(client, circle_set.mentee.username, "wrong password")
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()


def test_repeated_failures_lock_the_login_even_with_the_right_password(client):
    circle_set = make_circle()
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        log_in(client, circle_set.mentee.username, "wrong password")
    response = log_in(client, circle_set.mentee.username)
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_see_their_programs_on_the_home_page(client):
    program = ProgramFactory(name="Riverside")
    monitor = staff(program, Role.MONITOR)
    client.force_login(monitor)
    body = client.get("/").content.decode()
    assert "Riverside" in body
    assert 'href="/monitor/"' in body


def test_logout_is_a_post_and_ends_the_session(client):
    circle_set = make_circle()
    client.force_login(circle_set.mentee)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/accounts/login/", "/"])
def test_every_page_sends_a_strict_csp_and_denies_framing(client, path):
    circle_set = make_circle()
    client.force_login(circle_set.mentee)
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    for part in STRICT_CSP_PARTS:
        assert part in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_carry_no_inline_script_or_style(client):
    circle_set = make_circle()
    client.force_login(circle_set.mentee)
    body = client.get("/").content.decode()
    assert "<script>" not in body
    assert " style=" not in body
    assert " onclick=" not in body


def test_static_files_are_served_by_the_application(client):
    response = client.get("/static/frontend/circles.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)


def test_passwords_are_hashed_with_argon2():
    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_missing_csrf_token_on_the_api_answers_json_saying_what_to_send():
    circle_set = make_circle()
    monitor = staff(circle_set.program)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(monitor)
    response = browser.post(
        "/api/monitor/flags/1/",
        data='{"action": "dismiss", "reason": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert "X-CSRFToken" in response.json()["detail"]
