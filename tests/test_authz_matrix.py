"""The authorization matrix: every HTTP route (read from the URL conf at run time), both
sockets and the commands that take ids, for every role, on objects of the person's own
program and of another, open and closed, cleared and not.

Three promises are checked in every cell:
- a person gets through exactly where the table says (and no further);
- an object of another program answers exactly as a missing one (same status, same
  body once the id is masked): nobody learns that it exists;
- another program's circle names never appear in anything a person of this one sees.

A route missing from ROUTES fails test_every_route_is_in_the_table, naming it: new
routes get an entry (who may use them) before they ship. The case count goes to
test-artifacts/authz.json.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from archive.keys import clear_key_cache
from tests.authz_world import MISSING, ROLES, World, build_world
from tests.faultkit import record_figures
from tests.routes import Route, site_routes

CASES: Counter[str] = Counter()

EVERYONE = frozenset(ROLES) - {"anonymous"}
PARTICIPANTS = frozenset(
    {"mentee", "uncleared mentee", "mentor", "coordinator", "pending mentor"}
)
MENTORS = frozenset({"mentor", "coordinator", "pending mentor"})
STAFF = frozenset({"monitor", "administrator"})
ADMINS = frozenset({"administrator", "superuser"})
NOBODY: frozenset[str] = frozenset()

PASS = frozenset({"ok", "redirect", "invalid", "conflict"})
REFUSED = frozenset({"denied", "hidden"})
# Targets that are not the person's program's, and the missing one each must answer
# exactly like.
LIKE_MISSING = {
    "other open": "missing",
    "other closed": "missing",
    "another circle's": "missing",
    "another program's": "missing",
    "other": "missing outer",
}


@dataclass(frozen=True)
class Access:
    """Who gets through one method of a route, on their own program's objects.

    `roles`: the roles that pass on an open circle (or the object); `closed`: those
    that pass on a closed circle (default: the same); `public`: anonymous visitors
    pass too; `allowed`: False when the method is not allowed at all (405);
    `superuser_everywhere`: a superuser passes on other programs' objects too."""

    roles: frozenset[str] = NOBODY
    closed: frozenset[str] | None = None
    public: bool = False
    allowed: bool = True
    superuser_everywhere: bool = False
    anonymous: frozenset[str] = frozenset({"login"})
    always: frozenset[str] = NOBODY  # the one answer everyone gets, when there is one

    def passes(self, role: str, target: str) -> bool:
        if role == "anonymous":
            return self.public
        if target in LIKE_MISSING:
            return self.superuser_everywhere and role == "superuser"
        if target.startswith("missing"):
            return False
        if target == "own closed" and self.closed is not None:
            return role in self.closed
        return self.public or role in self.roles

    def expected(self, role: str, target: str) -> frozenset[str]:
        if self.always:
            return self.always
        if not self.allowed:
            # 405, unless a gate in front of the method check refuses first.
            first = self.anonymous | {"method"} if role == "anonymous" else REFUSED
            return frozenset({"method"}) | (first if role not in self.roles else NOBODY)
        if self.passes(role, target):
            return PASS
        if role == "anonymous":
            return self.anonymous
        return REFUSED


def public() -> Access:
    return Access(public=True)


def logged_in() -> Access:
    return Access(roles=EVERYONE)


def to(*groups: frozenset[str], closed: frozenset[str] | None = None) -> Access:
    return Access(roles=frozenset().union(*groups), closed=closed)


def no() -> Access:
    return Access(allowed=False)


ADMIN_ONLY = Access(roles=ADMINS, superuser_everywhere=True)


@dataclass(frozen=True)
class Spec:
    get: Access
    post: Access
    note: str = ""


# Roles that pass on a route that needs one: participant pages answer a staff member
# of the program with 403 (they know the circle), a superuser of no program with 404.
ROUTES: dict[str, Spec] = {
    "healthz": Spec(public(), Access(always=frozenset({"method"})), note="GET/HEAD"),
    "login": Spec(public(), public()),
    "logout": Spec(
        Access(always=frozenset({"method"})),
        Access(always=frozenset({"login"})),
        note="POST logs out whoever sends it (anonymous too), then shows the log-in",
    ),
    "password_change": Spec(logged_in(), logged_in()),
    "password_change_done": Spec(logged_in(), no()),
    "password_reset": Spec(public(), public()),
    "password_reset_done": Spec(public(), Access(always=frozenset({"method"}))),
    "password_reset_confirm": Spec(public(), public()),
    "password_reset_complete": Spec(public(), Access(always=frozenset({"method"}))),
    # The monitor API: program staff only; a gate before any id is looked up.
    "monitor-api:flags": Spec(to(STAFF), no()),
    "monitor-api:flag": Spec(to(STAFF), to(STAFF)),
    "monitor-api:thread": Spec(to(STAFF), no()),
    "monitor-api:notes": Spec(to(STAFF), to(STAFF)),
    "monitor-api:exit-interviews": Spec(to(STAFF), to(STAFF)),
    "monitor-api:close": Spec(no(), to(STAFF)),
    "monitor-api:activity": Spec(to(STAFF), no()),
    "monitor-api:overdue-follow-ups": Spec(to(STAFF), no()),
    "monitor-api:under-hours": Spec(to(STAFF), no()),
    "monitor-api:pending-closures": Spec(to(STAFF), no()),
    # The member API for a circle's records.
    "circle-api:appeals": Spec(to(PARTICIPANTS), to(PARTICIPANTS, closed=NOBODY)),
    "circle-api:activity": Spec(to(MENTORS), to(MENTORS)),
    "circle-api:closure": Spec(to(PARTICIPANTS, STAFF), to({"coordinator"})),
    # Monitor pages.
    "monitor-dashboard": Spec(to(STAFF), no()),
    "monitor-flag": Spec(to(STAFF), no()),
    "monitor-flag-act": Spec(no(), to(STAFF)),
    "monitor-circle": Spec(to(STAFF), no()),
    "monitor-circle-note": Spec(no(), to(STAFF)),
    "monitor-circle-interview": Spec(no(), to(STAFF)),
    "monitor-circle-close": Spec(no(), to(STAFF)),
    "monitor-records": Spec(to(STAFF), no()),
    "monitor-evaluation": Spec(to(STAFF), no()),
    # A circle's member pages.
    "circle-activity": Spec(to(MENTORS), to(MENTORS)),
    "circle-closing": Spec(to(PARTICIPANTS, STAFF), to({"coordinator"})),
    "circle-appeals": Spec(
        to(PARTICIPANTS, closed=NOBODY), to(PARTICIPANTS, closed=NOBODY)
    ),
    "circle-sessions": Spec(to(PARTICIPANTS, STAFF), to({"coordinator"})),
    "circle-session-record": Spec(to({"coordinator"}), to({"coordinator"})),
    "circle-session-cancel": Spec(no(), to({"coordinator"})),
    "circle-calendar": Spec(to(PARTICIPANTS, STAFF), no()),
    "circle-goals": Spec(to(PARTICIPANTS, STAFF), no()),
    "circle-goal-update": Spec(no(), to(PARTICIPANTS)),
    "circle-goal-review": Spec(no(), to({"coordinator", "administrator"})),
    # Matching, for program staff.
    "matching": Spec(to(STAFF), no()),
    "matching-mentee": Spec(to(STAFF), to(STAFF)),
    "matching-profile": Spec(to(STAFF), to(STAFF)),
    # Home, the administrators' pages, the key page (superusers).
    "home": Spec(logged_in(), no()),
    "staff-hub": Spec(to(ADMINS), no()),
    "staff-rules": Spec(ADMIN_ONLY, ADMIN_ONLY),
    "staff-exports": Spec(ADMIN_ONLY, ADMIN_ONLY),
    "staff-export-status": Spec(ADMIN_ONLY, no()),
    "staff-export-download": Spec(ADMIN_ONLY, no()),
    "staff-keys": Spec(to({"superuser"}), to({"superuser"})),
    # Participant pages.
    "circle-chat": Spec(
        to(PARTICIPANTS),
        no(),
        note="uncleared and pending members are sent on to the checklist",
    ),
    "circle-welcome": Spec(to(PARTICIPANTS), no()),
    "circle-accept-conduct": Spec(no(), to(PARTICIPANTS)),
    "circle-agreement": Spec(to(PARTICIPANTS, STAFF), no()),
    "circle-agreement-edit": Spec(
        to({"coordinator", "administrator"}, closed=NOBODY),
        to({"coordinator", "administrator"}, closed=NOBODY),
    ),
    "circle-agreement-accept": Spec(no(), to(PARTICIPANTS)),
}


# The world, once for the module -------------------------------------------------


@pytest.fixture(scope="module")
def module_settings(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One key and var directory for the whole module (its objects are made once)."""
    keys = tmp_path_factory.mktemp("authz")
    with override_settings(
        ARCHIVE_MASTER_KEYS="",
        ARCHIVE_KEY_FILE=keys / "archive_master_keys",
        ARCHIVE_SIGNING_KEY_FILE=keys / "archive_signing_key",
        VAR_DIR=keys,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        clear_key_cache()
        yield keys
    clear_key_cache()


@pytest.fixture(autouse=True)
def archive_keys_in_tmp(module_settings):  # type: ignore[no-untyped-def]
    """Replaces conftest's per-test keys: this module's objects share one key."""
    return module_settings


@pytest.fixture(scope="module")
def world(module_settings, django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        built = build_world()
        exports = module_settings / "exports"
        exports.mkdir(exist_ok=True)
        from archive.models import ExportJob

        for job_id in built.ids["job"].values():
            if job_id != MISSING:
                name = f"job-{job_id}.age"
                (exports / name).write_bytes(b"age-encryption.org/v1\n")
                ExportJob.objects.filter(pk=job_id).update(
                    status=ExportJob.Status.DONE, file_name=name
                )
    yield built
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module", autouse=True)
def record_case_count():  # type: ignore[no-untyped-def]
    yield
    if CASES:
        record_figures(
            "authz",
            {"cases": sum(CASES.values()), "by_part": dict(sorted(CASES.items()))},
        )


# HTTP -------------------------------------------------------------------------------

FAMILIES = {
    ("circle_id",): "circle",
    ("flag_id",): "flag",
    ("program_id",): "program",
    ("job_id",): "job",
    ("circle_id", "session_id"): "session",
    ("program_id", "mentee_id"): "mentee",
    ("program_id", "person_id"): "person",
}


def targets(world: World, route: Route) -> dict[str, tuple[str, list[int]]]:
    """Target name -> (path, the ids in it)."""
    family = FAMILIES.get(tuple(route.parameters))
    if family is None:
        return {"-": (route.path(uidb64="MQ", token="set-password"), [])}
    found = {}
    for name, value in world.ids[family].items():
        values = value if isinstance(value, tuple) else (value,)
        path = route.path(**dict(zip(route.parameters, values, strict=True)))
        found[name] = (path, list(values))
    return found


def outcome(response) -> str:  # type: ignore[no-untyped-def]
    status = response.status_code
    if status in (301, 302):
        return "login" if "/login/" in response["Location"] else "redirect"
    return {
        200: "ok",
        201: "ok",
        400: "invalid",
        401: "login",
        403: "denied",
        404: "hidden",
        405: "method",
        409: "conflict",
    }.get(status, f"status {status}")


def body(world: World, path: str) -> tuple[object, str]:
    """A POST body that passes each view's own checks: refusals are about who asks."""
    today = timezone.localdate()
    mentee = world.users["mentee"]
    assert mentee is not None
    fields = {
        "version": "1",
        "reason": "goals_met",
        "action": "escalate",
        "text": "Checked in with everyone.",
        "notes": "A good conversation.",
        "note": "All fine.",
        "kind": "mentee",
        "participant": mentee.pk,
        "minutes": 30,
        "day": today.isoformat(),
        "held_on": today.isoformat(),
        "summary": "On track.",
        "prefix": "goal-1",
        "goal-1-key": "short",
        "goal-1-status": "in_progress",
        "time": "18:00",
        "duration_minutes": 60,
        "mode": "virtual",
        "focus": "Getting settled",
    }
    if path.startswith("/api/"):
        return json.dumps(fields), "application/json"
    fields["day"] = (today + timedelta(days=3)).isoformat()
    return fields, "multipart/form-data"


def request(world: World, role: str, method: str, path: str):  # type: ignore[no-untyped-def]
    client = Client()
    if role in world.sessions:
        client.cookies["sessionid"] = world.sessions[role]
    with transaction.atomic():  # whatever the request writes is undone
        if method == "GET":
            response = client.get(path)
        else:
            data, content_type = body(world, path)
            if content_type == "application/json":
                response = client.post(path, data, content_type=content_type)
            else:
                response = client.post(path, data)
        transaction.set_rollback(True)
    return response


def content_of(response) -> bytes:  # type: ignore[no-untyped-def]
    if response.streaming:  # a download
        return b"".join(response.streaming_content)
    return bytes(response.content)


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def masked(response, ids: list[int]) -> str:  # type: ignore[no-untyped-def]
    """The answer with the target's ids (and the per-render CSRF token) masked."""
    text = CSRF_TOKEN.sub("csrf", content_of(response).decode("utf-8", "replace"))
    location = response.get("Location", "")
    for value in ids:  # in paths only: a number in a date or a name is left alone
        path_id = re.compile(rf"/{value}(?=[/?#\"']|$)")
        text, location = path_id.sub("/<id>", text), path_id.sub("/<id>", location)
    return f"{response.status_code} {location} {text}"


FOREIGN_NAMES = ("Their open circle", "Their closed circle")

ROUTES_NOW = {route.name or route.pattern: route for route in site_routes()}


@pytest.fixture
def connections_stay_open(monkeypatch):  # type: ignore[no-untyped-def]
    """Channels closes "old" database connections around each database call (sockets,
    async views); inside this test's transaction that would close it under the test.
    Django's test client switches the same thing off for requests."""
    import channels.db

    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)


def test_every_route_is_in_the_table():
    """New routes must say who may use them; removed ones leave the table."""
    assert sorted(set(ROUTES_NOW) - set(ROUTES)) == []
    assert sorted(set(ROUTES) - set(ROUTES_NOW)) == []


@pytest.mark.django_db
@pytest.mark.usefixtures("connections_stay_open")
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", sorted(ROUTES_NOW))
def test_route(world, name, method):
    spec = ROUTES.get(name)
    if spec is None:
        pytest.fail(f"{name} is not in ROUTES: say who may use it")
    access = spec.get if method == "GET" else spec.post
    route = ROUTES_NOW[name]
    wrong = []
    for role in ROLES:
        answers = {}
        for target, (path, ids) in targets(world, route).items():
            response = request(world, role, method, path)
            got = outcome(response)
            answers[target] = (got, masked(response, ids))
            CASES["http"] += 1
            if got not in access.expected(role, target):
                wrong.append(f"{method} {path} as {role} ({target}): {got}")
            if role != "superuser":
                for foreign in FOREIGN_NAMES:
                    if foreign in answers[target][1]:
                        wrong.append(f"{path} as {role} shows {foreign!r}")
        if role == "anonymous":
            continue
        for target, missing in LIKE_MISSING.items():
            if target not in answers or access.passes(role, target):
                continue
            if missing not in answers:  # one id: "other" is like "missing"
                missing = "missing"
            if answers[target][1] != answers[missing][1]:
                wrong.append(
                    f"{method} {route.pattern} as {role}: {target} answers "
                    f"{answers[target][0]}, {missing} {answers[missing][0]}"
                    " (or the bodies differ)"
                )
    assert wrong == [], "\n".join(wrong)


# The Django admin: administrators see their programs' objects, nobody else's --------


ADMIN_MODELS = [
    f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    for model in admin.site._registry
]
# Installation-wide records (keys, audits, logins, rules of all programs): superusers.
SUPERUSER_ONLY_MODELS = {
    "/admin/auth/group/",
    "/admin/axes/accessattempt/",
    "/admin/axes/accesslog/",
    "/admin/axes/accessfailurelog/",
    "/admin/moderation/rule/",
    "/admin/moderation/allowedcontact/",
    "/admin/archive/accessaudit/",
    "/admin/archive/shredrecord/",
    "/admin/archive/signedchainhead/",
    "/admin/archive/circlekey/",
    "/admin/archive/legalhold/",
}


def admin_expected(role: str, path: str) -> frozenset[str]:
    if role == "superuser":
        return frozenset({"ok"})
    if role == "administrator":
        return frozenset({"denied" if path in SUPERUSER_ONLY_MODELS else "ok"})
    return frozenset({"login"})  # the admin sends everyone else to its log-in page


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", *ADMIN_MODELS])
def test_admin_page(world, path):
    wrong = []
    for role in ROLES:
        got = outcome(request(world, role, "GET", path))
        CASES["admin"] += 1
        if got not in admin_expected(role, path):
            wrong.append(f"{path} as {role}: {got}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["messaging/circle"])
def test_an_admin_change_page_of_another_program_is_like_a_missing_one(world, model):
    answers = {}
    for target, circle_id in world.ids["circle"].items():
        path = f"/admin/{model}/{circle_id}/change/"
        client = Client()
        client.cookies["sessionid"] = world.sessions["administrator"]
        response = client.get(path, follow=True)
        said = [str(message) for message in response.context["messages"]]
        answers[target] = (
            response.redirect_chain,
            [re.sub(rf"\b{circle_id}\b", "<id>", text) for text in said],
        )
        CASES["admin"] += 1
    assert answers["other open"] == answers["other closed"] == answers["missing"]
    assert answers["missing"][0] == [("/admin/", 302)]
    assert "doesn\u2019t exist" in answers["missing"][1][0]
    assert answers["own open"] == ([], [])


# Sockets ----------------------------------------------------------------------------

CHAT_CLEARED = {"mentee", "mentor", "coordinator"}


def socket_expected(role: str, target: str) -> str:
    """The close code (or "open") the circle socket answers with."""
    if role == "anonymous":
        return "4401"
    if target not in ("own open", "own closed") or role == "superuser":
        return "4404"
    if target == "own open" and role in CHAT_CLEARED:
        return "open"
    return "4403"  # known circle: not a member, not cleared, or closed


async def probe_open(path: str, session: str | None) -> str:
    """Connect; send `history` on a circle socket to see it is really open."""
    from config.asgi import application

    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    socket = WebsocketCommunicator(application, path, headers=headers)
    assert (await socket.connect(timeout=5))[0] is True
    await socket.send_to(text_data='{"type": "history", "limit": 1}')
    output = await socket.receive_output(timeout=5)
    if output["type"] == "websocket.close":
        return str(output.get("code", 1000))
    frame = json.loads(output["text"])
    await socket.disconnect()
    return "open" if frame["type"] in ("history", "error") else frame["type"]


@pytest.mark.django_db
@pytest.mark.usefixtures("connections_stay_open")
@pytest.mark.parametrize("role", ROLES)
def test_the_circle_socket(world, role):
    got = {}
    for target, circle_id in world.ids["circle"].items():
        got[target] = async_to_sync(probe_open)(
            f"/ws/circles/{circle_id}/", world.sessions.get(role)
        )
        CASES["sockets"] += 1
    assert got == {target: socket_expected(role, target) for target in got}


@pytest.mark.django_db
@pytest.mark.usefixtures("connections_stay_open")
@pytest.mark.parametrize("role", ROLES)
def test_the_monitor_socket(world, role):
    got = async_to_sync(probe_open)("/ws/monitor/", world.sessions.get(role))
    CASES["sockets"] += 1
    expected = {"anonymous": "4401", "monitor": "open", "administrator": "open"}
    assert got == expected.get(role, "4403")


# Commands that take ids -------------------------------------------------------------


@dataclass
class Run:
    ok: bool
    text: str = ""
    lines: list[str] = field(default_factory=list)


def run(*args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return Run(ok=False, text=str(error), lines=str(error).splitlines())
    return Run(ok=True, text=out.getvalue())


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["own open", "own closed", "other open", "missing"])
def test_verify_archive_by_circle_id(world, target):
    result = run("verify_archive", "--circle", str(world.ids["circle"][target]))
    CASES["commands"] += 1
    if target == "missing":
        assert (result.ok, result.lines) == (False, [f"No circle with id {MISSING}."])
    else:
        assert result.ok is True, result.text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["mentee", "uncleared mentee", "mentor", "monitor"])
def test_suggest_matches_takes_only_a_mentees_login(world, role):
    user = world.users[role]
    assert user is not None
    result = run("suggest_matches", "--mentee", user.username)
    CASES["commands"] += 1
    if role in ("mentee", "uncleared mentee"):
        assert json.loads(result.text)["mentee"] == user.username
    else:
        assert (result.ok, result.lines) == (
            False,
            [f"No mentee with the login {user.username}."],
        )


@pytest.mark.django_db
@pytest.mark.parametrize("by", [*ROLES[1:], None])
@pytest.mark.parametrize("target", ["own open", "other open", "missing"])
def test_export_archive_by_circle_id(world, tmp_path, target, by):
    """`--by` names who exports (it goes into the access audit): only an administrator
    of the circle's program (or a superuser) may be named."""
    from pyrage import x25519

    recipient = str(x25519.Identity.generate().to_public())
    args = ["export_archive", "--circle", str(world.ids["circle"][target])]
    args += ["--recipient", recipient, "--out", str(tmp_path / "bundle.age")]
    if by is not None:
        user = world.users[by]
        assert user is not None
        args += ["--by", user.username]
    result = run(*args, "--no-progress")
    CASES["commands"] += 1
    if target == "missing":
        assert (result.ok, result.lines) == (False, [f"No circle with id {MISSING}."])
        return
    may = by is None or by == "superuser" or (by == "administrator" and "own" in target)
    assert result.ok is may, result.text
