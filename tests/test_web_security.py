"""Web security: CSRF on every route, the Origin check on both sockets, production
cookies, session rotation and invalidation, logout ending sockets, argon2,
and login throttling per username and address.

The CSP header is checked in test_pages.py and enforced in a real browser in
tests/browser/test_csp.py; `check --deploy` runs in test_settings.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from channels.db import database_sync_to_async
from django.contrib.auth.hashers import check_password, identify_hasher
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client

from accounts.models import Role, User
from tests.factories import PASSWORD, ProgramFactory, grant, make_circle, staff
from tests.routes import all_routes
from tests.sockets import close_code, next_of, open_socket

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGIN = "/accounts/login/"


# CSRF ---------------------------------------------------------------------------------


def csrf_refused(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code != 403:
        return False
    if response["Content-Type"].startswith("application/json"):
        return "X-CSRFToken" in json.loads(response.content)["detail"]
    return b"CSRF" in response.content


@pytest.mark.django_db
def test_every_route_refuses_a_post_without_a_csrf_token():
    """Every route in the URL conf (the admin's included), read at run time: a POST
    without the token is refused before any view runs, whoever sends it."""
    superuser = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    circle_set = make_circle()
    people = {"superuser": superuser, "mentee": circle_set.mentee, "anonymous": None}
    routes = all_routes()
    accepted = []
    for who, user in people.items():
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        for route in routes:
            path = route.path(circle_id=circle_set.circle.pk)
            response = client.post(path, {"reason": "x", "action": "dismiss"})
            if not csrf_refused(response):
                accepted.append((who, path, response.status_code))
    assert accepted == []
    assert len(routes) > 150  # the admin's routes are in there too


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/accounts/logout/", {}),
        ("/api/monitor/flags/", None),
        ("/circles/{circle}/agreement/accept/", {"version": "1"}),
    ],
)
def test_the_token_from_a_page_gets_past_the_check(path, data):
    """The other side: the same POST with the cookie's token is not refused for CSRF
    (so the test above refuses for the token, not for something else)."""
    circle_set = make_circle()
    client = Client(enforce_csrf_checks=True)
    client.force_login(circle_set.mentee)
    client.get("/")  # the page sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    path = path.format(circle=circle_set.circle.pk)
    if data is None:
        response = client.post(
            path, "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
        )
    else:
        response = client.post(path, {**data, "csrfmiddlewaretoken": token})
    assert not csrf_refused(response), (path, response.status_code)


@pytest.mark.django_db
def test_the_login_form_needs_its_token():
    circle_set = make_circle()
    client = Client(enforce_csrf_checks=True)
    data = {"username": circle_set.mentee.username, "password": PASSWORD}
    assert csrf_refused(client.post(LOGIN, data))
    assert "_auth_user_id" not in client.session
    page = client.get(LOGIN)
    token = page.context["csrf_token"]
    response = client.post(LOGIN, {**data, "csrfmiddlewaretoken": str(token)})
    assert (response.status_code, response["Location"]) == (302, "/")


# The Origin check on sockets ----------------------------------------------------------

FOREIGN_ORIGINS = [
    b"https://evil.example",
    b"http://127.0.0.1.evil.example",
    b"http://evil.example:8000",
    b"null",
    b"file://",
]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
@pytest.mark.parametrize("socket_path", ["circle", "monitor"])
async def test_both_sockets_refuse_a_foreign_origin(origin, socket_path):
    circle_set = await database_sync_to_async(make_circle)()
    monitor = await database_sync_to_async(staff)(circle_set.program, Role.MONITOR)
    path, user = {
        "circle": (f"/ws/circles/{circle_set.circle.pk}/", circle_set.mentee),
        "monitor": ("/ws/monitor/", monitor),
    }[socket_path]
    refused = await open_socket(path, user, origin=origin)
    connected, _ = await refused.connect(timeout=5)
    assert connected is False
    allowed = await open_socket(path, user)  # the site's own origin
    connected, _ = await allowed.connect(timeout=5)
    assert connected is True
    await allowed.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_socket_without_an_origin_header_is_refused():
    """Browsers always send Origin on a WebSocket; a request without one is a script
    replaying a stolen cookie, not a page of this site."""
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from tests.sockets import session_cookie

    circle_set = await database_sync_to_async(make_circle)()
    cookie = await database_sync_to_async(session_cookie)(circle_set.mentee)
    socket = WebsocketCommunicator(
        application,
        f"/ws/circles/{circle_set.circle.pk}/",
        headers=[
            (b"host", b"127.0.0.1:8000"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    connected, _ = await socket.connect(timeout=5)
    assert connected is False


# Cookies in production ----------------------------------------------------------------


def production_settings(tmp_path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "ARCHIVE_"))
    }
    env |= {
        "CIRCLES_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-value",
        "DJANGO_ALLOWED_HOSTS": "circles.example.org",
    }
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "PASSWORD_HASHERS",
        "DEBUG",
    ]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_make_cookies_secure_and_http_only(tmp_path):
    values = production_settings(tmp_path)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_the_login_response_sets_a_secure_http_only_session_cookie(settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    circle_set = make_circle()
    client = Client()
    response = client.post(
        LOGIN,
        {"username": circle_set.mentee.username, "password": PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    header = response.cookies["sessionid"].output()
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert response.cookies["csrftoken"]["secure"] is True


# Sessions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_id_planted_before_login_is_worthless_after_it():
    """Session fixation: the id a visitor had before logging in is not the one that is
    logged in, and no longer exists on the server."""
    circle_set = make_circle()
    client = Client()
    client.get(LOGIN)
    client.session.save()
    planted = client.session.session_key
    response = client.post(
        LOGIN, {"username": circle_set.mentee.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.session_key != planted
    assert Session.objects.filter(session_key=planted).exists() is False
    attacker = Client()
    attacker.cookies["sessionid"] = planted
    assert attacker.get("/").status_code == 302  # sent to log in


@pytest.mark.django_db
def test_logging_out_kills_the_session_on_the_server_not_only_the_cookie():
    circle_set = make_circle()
    client = Client()
    client.post(LOGIN, {"username": circle_set.mentee.username, "password": PASSWORD})
    stolen = client.cookies["sessionid"].value
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = stolen
    assert (replay.get("/").status_code, replay.get("/")["Location"]) == (
        302,
        "/accounts/login/?next=/",
    )


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_logging_out_closes_the_monitor_feed_and_its_cookie_opens_nothing():
    program = await database_sync_to_async(ProgramFactory)()
    monitor = await database_sync_to_async(staff)(program, Role.MONITOR)
    browser = Client()
    await database_sync_to_async(browser.force_login)(monitor)
    cookie = browser.cookies["sessionid"].value
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={cookie}".encode()),
    ]
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    feed = WebsocketCommunicator(application, "/ws/monitor/", headers=headers)
    assert (await feed.connect(timeout=5))[0] is True
    await database_sync_to_async(browser.post)("/accounts/logout/")
    assert await close_code(feed) == 4401
    # The cookie of the ended session opens neither socket again.
    circle_set = await database_sync_to_async(make_circle)(program)
    for path in ("/ws/monitor/", f"/ws/circles/{circle_set.circle.pk}/"):
        again = WebsocketCommunicator(application, path, headers=headers)
        await again.connect(timeout=5)
        assert await close_code(again) == 4401


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layers")
async def test_logging_out_in_one_tab_ends_every_socket_of_the_person():
    """A monitor who is also a member of a circle (two programs) has both kinds of
    socket open in several tabs: logging out ends all of them, and nobody else's."""
    from tests.sockets import connect

    def arrange():  # type: ignore[no-untyped-def]
        circle_set = make_circle()
        grant(circle_set.mentors[0], ProgramFactory(), Role.MONITOR)
        return circle_set

    circle_set = await database_sync_to_async(arrange)()
    mentor = circle_set.mentors[0]
    browser = Client()
    await database_sync_to_async(browser.force_login)(mentor)
    sockets = [
        await connect(f"/ws/circles/{circle_set.circle.pk}/", mentor),
        await connect(f"/ws/circles/{circle_set.circle.pk}/", mentor),
        await connect("/ws/monitor/", mentor),
    ]
    bystander = await connect(f"/ws/circles/{circle_set.circle.pk}/", circle_set.mentee)
    await database_sync_to_async(browser.post)("/accounts/logout/")
    for socket in sockets[:2]:
        assert (await next_of(socket, "error"))["code"] == "not_logged_in"
        assert await close_code(socket) == 4401
    assert await close_code(sockets[2]) == 4401
    assert await bystander.receive_nothing(timeout=0.3) is True
    await bystander.disconnect()


# Password hashing ---------------------------------------------------------------------


@pytest.mark.django_db
def test_production_hashers_store_argon2id_and_upgrade_old_hashes_on_login(settings):
    from config import settings as project_settings

    settings.PASSWORD_HASHERS = [project_settings.PASSWORD_HASHERS[1]]  # PBKDF2
    legacy = make_circle().mentee
    assert User.objects.get(pk=legacy.pk).password.startswith("pbkdf2_sha256$")
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = User.objects.create_user("newcomer", password=PASSWORD)
    stored = User.objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert identify_hasher(stored).algorithm == "argon2"
    assert PASSWORD not in stored
    # A hash made by an older hasher is replaced at the next login.
    Client().post(LOGIN, {"username": legacy.username, "password": PASSWORD})
    upgraded = User.objects.get(pk=legacy.pk).password
    assert upgraded.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, upgraded) is True


# Login throttling ---------------------------------------------------------------------


def log_in(client, username, password, address):  # type: ignore[no-untyped-def]
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def lock(username: str, address: str, limit: int) -> None:
    for _ in range(limit):
        log_in(Client(), username, "wrong password", address)


@pytest.mark.django_db
def test_a_lockout_is_per_username_and_address(settings):
    circle_set = make_circle()
    victim, other = circle_set.mentee.username, circle_set.mentors[0].username
    lock(victim, "10.0.0.1", settings.AXES_FAILURE_LIMIT)
    # Locked: that username from that address, even with the right password.
    assert log_in(Client(), victim, PASSWORD, "10.0.0.1").status_code == 429
    # Not locked: the same person from elsewhere, or someone else from there.
    assert log_in(Client(), victim, PASSWORD, "10.0.0.2").status_code == 302
    assert log_in(Client(), other, PASSWORD, "10.0.0.1").status_code == 302


@pytest.mark.django_db
def test_one_failure_short_of_the_limit_does_not_lock(settings):
    circle_set = make_circle()
    username = circle_set.mentee.username
    lock(username, "10.0.0.1", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(Client(), username, PASSWORD, "10.0.0.1").status_code == 302


@pytest.mark.django_db
def test_a_lockout_lifts_after_the_cool_off(settings):
    circle_set = make_circle()
    username = circle_set.mentee.username
    lock(username, "10.0.0.1", settings.AXES_FAILURE_LIMIT)
    cool_off = settings.AXES_COOLOFF_TIME
    assert cool_off == timedelta(minutes=15)

    def age_attempts(minutes: int) -> None:  # travel in time: the failures get older
        AccessAttempt.objects.update(
            attempt_time=F("attempt_time") - timedelta(minutes=minutes)
        )

    age_attempts(14)
    assert log_in(Client(), username, PASSWORD, "10.0.0.1").status_code == 429
    # That attempt, made while locked, started the cool-off again.
    age_attempts(14)
    assert log_in(Client(), username, PASSWORD, "10.0.0.1").status_code == 429
    age_attempts(16)
    response = log_in(Client(), username, PASSWORD, "10.0.0.1")
    assert (response.status_code, response["Location"]) == (302, "/")
