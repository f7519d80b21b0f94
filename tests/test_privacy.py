"""Secrets and privacy: no message text, password or key in any log line, and none of
the text in Redis (at rest or on the wire) once messages are delivered.

Every message, reason and note below carries a sentinel word; a full conversation runs
(delivered, flagged, held and crisis messages, a report, an appeal, monitor reads and
decisions, follow-up notes, a failed login), then every captured log line and every
byte Redis held or carried is searched for the sentinels, the passwords typed, the
Django secret key and the archive's key material.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import re
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.test import Client

from accounts.models import Role
from tests.chat_client import ChatClient
from tests.factories import PASSWORD, make_circle, staff
from tests.faultkit import record_figures
from tests.live import Browserless, make_site, session_for, start_redis
from tests.sockets import connect

SENTINELS = {
    "plain": "Zanzibar-quokka plain words",
    "flagged": "Vermilion-okapi: can you lend me 50 dollars until friday",
    "held": "Marmalade-axolotl text me at 515 555 0142 tonight",
    "crisis": "Tangerine-narwhal honestly I want to kill myself, nothing matters",
    "report": "Periwinkle-capybara this message worried me",
    "appeal": "Saffron-pangolin it was the program office number",
    "release": "Cobalt-wombat released after checking with staff",
    "note": "Ochre-tapir called the mentor, all fine",
    "bad frame": "Cerulean-ibex",
    "wrong password": "Magenta-yak-wrong-password",
}
# The words no log or Redis byte may hold (numbers alone could match ids).
WORDS = [text.split(" ")[0].rstrip(":") for text in SENTINELS.values()]
WORDS += ["515 555 0142", "kill myself", "lend me 50 dollars"]


def key_material(key_file: Path, signing_file: Path | None = None) -> list[str]:
    """Every textual form the archive's keys could leak in: base64 and hex of each
    master key, and the signing key's PEM body."""
    found = []
    for line in key_file.read_text().splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        encoded = line.split(":", 1)[1].strip()
        raw = base64.b64decode(encoded)
        found += [encoded, raw.hex(), base64.urlsafe_b64encode(raw).decode()]
    if signing_file is not None and signing_file.exists():
        found += [
            line
            for line in signing_file.read_text().splitlines()
            if line and not line.startswith("-----")
        ]
    return found


def leaks(text: str, secrets: dict[str, list[str]]) -> dict[str, list[str]]:
    """Which secrets (by kind) appear in `text`."""
    found = {}
    for kind, values in secrets.items():
        hits = [value for value in values if value and value in text]
        if hits:
            found[kind] = hits
    return found


# In process: every logger at DEBUG ----------------------------------------------------


@pytest.fixture
def every_logger_at_debug(caplog):  # type: ignore[no-untyped-def]
    """The root logger and every named one (daphne, axes, django.db.backends...)."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def api(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(data), content_type="application/json")


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_full_conversation_logs_no_text_password_or_key(
    every_logger_at_debug, settings
):
    caplog = every_logger_at_debug
    settings.DEBUG = True  # SQL statements and their parameters are logged too

    def arrange():  # type: ignore[no-untyped-def]
        circle_set = make_circle()
        monitor = staff(circle_set.program, Role.MONITOR, display_name="Morgan")
        browsers = {}
        for name, user in (("mentee", circle_set.mentee), ("monitor", monitor)):
            browser = Client()
            response = browser.post(
                "/accounts/login/", {"username": user.username, "password": PASSWORD}
            )
            assert response.status_code == 302
            browsers[name] = browser
        failed = Client().post(
            "/accounts/login/",
            {"username": monitor.username, "password": SENTINELS["wrong password"]},
        )
        assert failed.status_code == 200
        return circle_set, monitor, browsers

    circle_set, _monitor, browsers = await database_sync_to_async(arrange)()
    path = f"/ws/circles/{circle_set.circle.pk}/"
    mentee = await connect(path, circle_set.mentee)
    mentor = await connect(path, circle_set.mentors[0])
    statuses = {}
    for number, kind in enumerate(("plain", "flagged", "held", "crisis")):
        await mentee.send_json_to(
            {"type": "send", "client_id": f"c{number}", "body": SENTINELS[kind]}
        )
        statuses[kind] = await ack_of(mentee)
    assert statuses == {
        "plain": ("delivered", 1),
        "flagged": ("flagged", 2),
        "held": ("held", 3),
        "crisis": ("flagged", 4),
    }
    await mentor.send_json_to(
        {"type": "report", "seq": 1, "reason": SENTINELS["report"]}
    )
    await mentor.send_to(text_data="{" + SENTINELS["bad frame"])
    await mentor.send_json_to(
        {"type": "send", "client_id": "x", "body": SENTINELS["bad frame"] * 400}
    )

    def staff_work() -> None:
        appeal = api(
            browsers["mentee"],
            f"/api/circles/{circle_set.circle.pk}/appeals/",
            {"seq": 3, "reason": SENTINELS["appeal"]},
        )
        assert appeal.status_code == 201, appeal.content
        reader = browsers["monitor"]
        queue = reader.get("/api/monitor/flags/").json()["flags"]
        held = next(f for f in queue if f["seq"] == 3 and f["category"] != "appeal")
        for flag in queue:
            assert reader.get(f"/api/monitor/flags/{flag['id']}/").status_code == 200
        thread = reader.get(
            f"/api/monitor/circles/{circle_set.circle.pk}/thread/?around=3"
        )
        assert SENTINELS["held"] in thread.content.decode()  # the monitor may read it
        released = api(
            reader,
            f"/api/monitor/flags/{held['id']}/",
            {"action": "release", "reason": SENTINELS["release"]},
        )
        assert released.status_code == 200, released.content
        note = api(
            reader,
            f"/api/monitor/circles/{circle_set.circle.pk}/notes/",
            {"text": SENTINELS["note"]},
        )
        assert note.status_code == 201, note.content

    await database_sync_to_async(staff_work)()
    for socket_ in (mentee, mentor):
        await socket_.send_json_to({"type": "history", "limit": 10})
        history = await next_type(socket_, "history")
        assert history["messages"]  # decrypted on the way out: logs must not be
        await socket_.disconnect()

    assert len(caplog.records) > 50  # the capture really saw the run
    assert any(r.name == "django.db.backends" for r in caplog.records)
    secrets = {
        "message text": WORDS,
        "password": [PASSWORD, SENTINELS["wrong password"]],
        "secret key": [django_settings.SECRET_KEY],
        "archive keys": key_material(
            Path(settings.ARCHIVE_KEY_FILE), Path(settings.ARCHIVE_SIGNING_KEY_FILE)
        ),
    }
    captured = caplog.text + "\n".join(
        f"{r.getMessage()} {r.args!r} {r.__dict__.get('sql', '')}"
        f" {r.__dict__.get('params', '')}"
        for r in caplog.records
    )
    assert leaks(captured, secrets) == {}


async def ack_of(socket_) -> tuple[str, int | None]:  # type: ignore[no-untyped-def]
    ack = await next_type(socket_, "ack")
    return ack["status"], ack["seq"]


async def next_type(socket_, kind: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    while True:
        frame = await socket_.receive_json_from(timeout=10)
        if frame["type"] == kind:
            return frame


# Live: daphne's logs, and everything Redis holds or carries ---------------------------


class RedisMonitor:
    """Every command Redis executes, as MONITOR shows it, recorded in a thread."""

    def __init__(self, port: int) -> None:
        self.connection = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.connection.sendall(b"MONITOR\r\n")
        self.data = bytearray()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        self.connection.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                chunk = self.connection.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            self.data += chunk

    def stop(self) -> str:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.connection.close()
        # MONITOR escapes bytes as \xNN: decode those, so escaped plaintext shows too.
        text = self.data.decode("utf-8", "replace")
        return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def redis_contents(port: int) -> tuple[int, str]:
    """Every key in Redis, its type and its value (and DUMP), as one text."""
    import redis

    client = redis.Redis(port=port)
    parts = []
    keys = client.keys("*")
    readers = {
        "string": client.get,
        "list": lambda key: client.lrange(key, 0, -1),
        "zset": lambda key: client.zrange(key, 0, -1, withscores=True),
        "hash": client.hgetall,
        "set": client.smembers,
    }
    for key in keys:
        kind = client.type(key).decode()
        value = readers.get(kind, lambda key: None)(key)
        parts.append(f"{key!r} {kind} {value!r} {client.dump(key)!r}")
    client.close()
    return len(keys), "\n".join(parts)


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp_path = tmp_path_factory.mktemp("privacy")
    redis = start_redis(tmp_path)
    site = make_site(tmp_path, circles=2, redis=redis)
    site.cleanup.append(redis.stop)
    site.redis = redis  # type: ignore[attr-defined]
    yield site
    site.close()


async def conversation(
    site, server, circle: dict[str, Any], tag: str
) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Members chat (delivered, flagged, held, crisis), one reports; the monitor reads
    the queue and the thread and releases the held message."""
    people = [circle["mentee"], *circle["mentors"]]
    clients = []
    for name in people:
        session = await asyncio.to_thread(session_for, server, name, site.password)
        client = ChatClient(name, session, circle["id"])
        await client.connect(server.ws_url)
        clients.append(client)
    writer = clients[0]
    statuses = {}
    for number, kind in enumerate(("plain", "flagged", "held", "crisis")):
        ack = await writer.send(f"{tag}-{number}", SENTINELS[kind])
        statuses[kind] = ack["status"]
    await clients[1].socket.send(
        json.dumps({"type": "report", "seq": 1, "reason": SENTINELS["report"]})
    )
    # Delivery: every member has the three delivered messages.
    async with asyncio.timeout(10):
        while not all(len(c.log) >= 3 for c in clients[1:]):
            await asyncio.sleep(0.05)
    program = next(p for p in site.logins["programs"] if circle in p["circles"])
    await asyncio.to_thread(monitor_work, server, program["monitors"][0], site, circle)
    for client in clients:
        await client.close()
    return statuses


def monitor_work(server, username: str, site, circle: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    browser = Browserless(server.url)
    browser.log_in(username, site.password)
    with contextlib.suppress(RuntimeError):  # refused, as it should be
        Browserless(server.url).log_in(username, SENTINELS["wrong password"])
    status, body = browser.get("/api/monitor/flags/")
    flags = json.loads(body)["flags"]
    assert status == 200
    assert flags
    browser.get(f"/api/monitor/circles/{circle['id']}/thread/?around=3")
    held = next(f for f in flags if f["circle"] == circle["id"] and f["seq"] == 3)
    token = browser.cookie("csrftoken")
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 -- our own http:// server
        f"{server.url}/api/monitor/flags/{held['id']}/",
        data=json.dumps({"action": "release", "reason": SENTINELS["release"]}).encode(),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": token or "",
            "Referer": server.url + "/monitor/",
        },
    )
    with browser.opener.open(request, timeout=10) as response:
        assert response.status == 200


@pytest.mark.e2e
@pytest.mark.asyncio
async def test_redis_never_holds_or_carries_message_text_and_logs_hold_no_secrets(
    live_site,
):
    site = live_site
    figures: dict[str, Any] = {}
    monitor_text = ""
    circles = site.logins["programs"][0]["circles"]
    for layer, circle in zip(("core", "pubsub"), circles, strict=True):
        watch = RedisMonitor(site.redis.port)
        server = site.start_server(
            extra_env={"CHANNEL_LAYER": layer, "LOG_LEVEL": "DEBUG"}
        )
        statuses = await conversation(site, server, circle, layer)
        assert statuses == {
            "plain": "delivered",
            "flagged": "flagged",
            "held": "held",
            "crisis": "flagged",
        }
        await asyncio.sleep(0.3)  # let the last events drain
        keys, contents = await asyncio.to_thread(redis_contents, site.redis.port)
        # A control: plaintext sent through Redis by hand does show in the capture.
        await asyncio.to_thread(publish_control, site.redis.port, layer)
        server.stop()
        carried = watch.stop()
        monitor_text += carried
        assert f"control-{layer}-plaintext" in carried
        assert "PUBLISH" in carried or "ZADD" in carried  # the layer's own traffic
        figures[layer] = {
            "keys_after_delivery": keys,
            "monitor_bytes": len(carried),
            "text_in_keys": sorted(leaks(contents, {"t": WORDS}).get("t", [])),
            "text_on_the_wire": sorted(leaks(carried, {"t": WORDS}).get("t", [])),
        }

    var = site.tmp_path / "var"
    secrets = {
        "message text": WORDS,
        "password": [site.password, SENTINELS["wrong password"]],
        "secret key": [site.env["DJANGO_SECRET_KEY"]],
        "archive keys": key_material(
            var / "archive_master_keys", var / "archive_signing_key"
        ),
    }
    logs = "\n".join(server.log.read_text() for server in site.servers)
    figures["daphne_log_lines"] = len(logs.splitlines())
    figures["log_leaks"] = leaks(logs, secrets)
    figures["redis_leaks"] = leaks(monitor_text, secrets)
    record_figures("privacy", figures)
    assert figures["daphne_log_lines"] > 10
    for layer in ("core", "pubsub"):
        assert figures[layer]["text_in_keys"] == []
        assert figures[layer]["text_on_the_wire"] == []
    assert figures["log_leaks"] == {}
    assert figures["redis_leaks"] == {}


def publish_control(port: int, layer: str) -> None:
    import redis

    client = redis.Redis(port=port)
    client.publish("privacy-control", f"control-{layer}-plaintext")
    client.close()
