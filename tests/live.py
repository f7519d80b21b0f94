"""Real servers for end-to-end tests: daphne processes, a private redis-server, a
migrated and seeded database, and logging in over HTTP like a browser.

Each test gets its own database (a SQLite file, or a fresh PostgreSQL database when
DATABASE_URL points at PostgreSQL) and its own keys under tmp_path.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DAPHNE = Path(sys.executable).parent / "daphne"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on port {port} after {timeout} s")


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "DATABASE_", "REDIS_", "ARCHIVE_", "CHANNEL_")
        )
    }
    var = tmp_path / "var"
    var.mkdir(parents=True, exist_ok=True)
    env |= {
        "CIRCLES_VAR_DIR": str(var),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",  # loopback HTTP: no TLS to carry Secure cookies
        "DJANGO_SECRET_KEY": "e2e-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ARCHIVE_KEY_FILE": str(var / "archive_master_keys"),
        "ARCHIVE_SIGNING_KEY_FILE": str(var / "archive_signing_key"),
        "LOG_LEVEL": "INFO",
        # Test clients talk faster than people: lift the per-person send limit.
        "CHAT_SEND_BURST": "1000",
        "CHAT_SEND_PER_SECOND": "1000",
        "CHAT_FRAME_BURST": "1000",
        "CHAT_FRAME_PER_SECOND": "1000",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def create_postgres_database(url: str) -> str:
    """A fresh database on the server of `url`; returns its URL."""
    import psycopg

    name = f"circles_e2e_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres_database(url: str, database_url: str) -> None:
    import psycopg

    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}"
        )
    return result.stdout


@dataclass
class Redis:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def start_redis(tmp_path: Path, port: int | None = None) -> Redis:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    port = port or free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return Redis(process=process, port=port)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Site:
    """A database with the demo seeded, and the environment servers need for it."""

    env: dict[str, str]
    logins: dict[str, Any]
    tmp_path: Path
    servers: list[Server] = field(default_factory=list)
    cleanup: list[Any] = field(default_factory=list)

    @property
    def password(self) -> str:
        return str(self.logins["password"])

    def start_server(
        self, *, port: int | None = None, extra_env: dict[str, str] | None = None
    ) -> Server:
        port = port or free_port()
        log = self.tmp_path / f"daphne-{port}-{len(self.servers)}.log"
        env = {**self.env, **(extra_env or {})}
        process = subprocess.Popen(
            [
                str(DAPHNE),
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "config.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port)
        except TimeoutError:
            process.kill()
            raise RuntimeError(
                f"daphne did not start:\n{log.read_text()[-3000:]}"
            ) from None
        server = Server(process=process, port=port, log=log)
        self.servers.append(server)
        return server

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        for action in reversed(self.cleanup):
            action()


def make_site(
    tmp_path: Path,
    *,
    circles: int = 3,
    redis: Redis | None = None,
    database: str = "sqlite",
    layer: str = "pubsub",
) -> Site:
    env = base_env(tmp_path)
    cleanup: list[Any] = []
    if database == "postgres":
        server_url = postgres_url()
        if server_url is None:
            raise RuntimeError("DATABASE_URL does not point at PostgreSQL")
        database_url = create_postgres_database(server_url)
        cleanup.append(lambda: drop_postgres_database(server_url, database_url))
        env["DATABASE_URL"] = database_url
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'var' / 'circles.sqlite3'}"
    if redis is not None:
        env["REDIS_URL"] = redis.url
        env["CHANNEL_LAYER"] = layer
    manage(env, "migrate", "--noinput", "-v", "0")
    logins = json.loads(
        manage(
            env,
            "seed_demo",
            "--circles",
            str(circles),
            "--password",
            "e2e-password-123",
        )
    )
    return Site(env=env, logins=logins, tmp_path=tmp_path, cleanup=cleanup)


class Browserless:
    """Logs in over HTTP as a browser does: CSRF cookie, form post, session cookie."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base_url + path, timeout=10) as response:
            return response.status, response.read().decode()

    def log_in(self, username: str, password: str) -> str:
        _status, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        data = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": token.group(1),
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 -- our own http:// server
            self.base_url + "/accounts/login/",
            data=data,
            headers={"Referer": self.base_url + "/accounts/login/"},
        )
        with self.opener.open(request, timeout=10) as response:
            response.read()
        session = self.cookie("sessionid")
        if session is None:
            raise RuntimeError(f"could not log in as {username}")
        return session


def session_for(server: Server, username: str, password: str) -> str:
    return Browserless(server.url).log_in(username, password)
