"""Shared fixtures: fast hashing, archive keys in tmp, circles, sockets, layers."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import settings as hypothesis_settings

from tests.factories import make_circle
from tests.test_monitor_helpers import Events, World, record_events

# CI explores the same examples every run (a red build is then reproducible); local runs
# explore new ones each time.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """SQLite tests use a file, as production does: in-memory shared-cache databases
    lock whole tables instead of queueing concurrent writers (WAL, busy timeout)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    # Socket tests reach the database from database_sync_to_async's worker thread:
    # close those connections after each call, so the test database can be dropped.
    database["CONN_MAX_AGE"] = 0
    if settings.ON_SQLITE:
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """Argon2 is slow on purpose; tests that are about hashing restore it."""
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher"
    ]


@pytest.fixture(autouse=True)
def archive_keys_in_tmp(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Every test makes its own keys: none are ever written into the repository."""
    settings.ARCHIVE_MASTER_KEYS = ""  # type: ignore[attr-defined]
    settings.ARCHIVE_KEY_FILE = tmp_path / "archive_master_keys"  # type: ignore[attr-defined]
    settings.ARCHIVE_SIGNING_KEY_FILE = tmp_path / "archive_signing_key"  # type: ignore[attr-defined]
    from archive.keys import clear_key_cache

    clear_key_cache()


@pytest.fixture
def circle_set(db: None):  # type: ignore[no-untyped-def]
    return make_circle()


@pytest.fixture
def world(db: None) -> World:
    """Two programs with staff, for the monitoring tests (test_monitor_helpers)."""
    return World()


@pytest.fixture
def events(monkeypatch, django_capture_on_commit_callbacks) -> Events:  # type: ignore[no-untyped-def]
    return record_events(monkeypatch, django_capture_on_commit_callbacks)


@pytest.fixture(autouse=True)
def close_worker_threads_connections() -> Iterator[None]:
    """Channels' test communicator turns close_old_connections off while a consumer
    runs, so a connection opened on a worker thread of the test's event loop (the
    PostgreSQL pool, CHAT_DB_THREAD_POOL) stayed open after the thread ended: 57 by
    the end of a run, and PostgreSQL would not drop the test database ("being accessed
    by other users"). Close them once their thread is gone."""
    from django.db.backends.signals import connection_created

    opened: list[tuple[threading.Thread, Any]] = []

    def remember(sender: object, connection: Any, **kwargs: object) -> None:
        if threading.current_thread() is not threading.main_thread():
            opened.append((threading.current_thread(), connection))

    connection_created.connect(remember, weak=False)
    yield
    connection_created.disconnect(remember)
    for thread, connection in opened:
        if not thread.is_alive() and connection.connection is not None:
            connection.inc_thread_sharing()  # its own thread has ended
            try:
                connection.close()
            finally:
                connection.dec_thread_sharing()


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    from messaging import ratelimit

    ratelimit.reset()


@pytest_asyncio.fixture(params=["memory", "redis"])
async def channel_layers(request, settings):  # type: ignore[no-untyped-def]
    """Run a socket test on the in-process layer and, with REDIS_URL set, on Redis."""
    from channels.layers import channel_layers as layers

    from config.settings import redis_layers

    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("REDIS_URL is not set: the Redis layer is tested in CI")
        config = redis_layers(url, os.environ.get("CHANNEL_LAYER", "pubsub"))
        config["default"]["CONFIG"]["prefix"] = f"test{uuid.uuid4().hex[:12]}"  # type: ignore[index]
        settings.CHANNEL_LAYERS = config
    else:
        settings.CHANNEL_LAYERS = {
            "default": {"BACKEND": "config.layers.SweepingInMemoryChannelLayer"}
        }
    layers.backends.clear()
    yield request.param
    layer = layers.backends.get("default")
    if layer is not None and hasattr(layer, "flush"):
        await layer.flush()
    layers.backends.clear()
