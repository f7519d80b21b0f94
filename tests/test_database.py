"""How the chat talks to its database: SQLite's converted statements are remembered;
on PostgreSQL, the send path's statements are prepared once per connection."""

from __future__ import annotations

import pytest
from django.db import connection

from config.sqlite3.base import _qmark
from messaging.services import post_message
from tests.factories import make_circle
from tests.test_settings import run_manage


@pytest.mark.django_db
def test_sqlite_statements_keep_their_meaning_and_are_converted_once():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's placeholders")
    _qmark.cache_clear()
    sql = "SELECT %s || '%%', %s"
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute(sql, ["100", 7])
            assert cursor.fetchone() == ("100%", 7)
    with connection.cursor() as cursor:  # named parameters: Django's own conversion
        cursor.execute("SELECT %(a)s + %(b)s", {"a": 2, "b": 3})
        assert cursor.fetchone() == (5,)
    info = _qmark.cache_info()
    assert (info.misses, info.hits) == (1, 2)


@pytest.mark.django_db
def test_postgresql_prepares_the_send_paths_statements():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    circle_set = make_circle()
    for number in range(8):
        post_message(
            sender=circle_set.mentee,
            circle_id=circle_set.circle.pk,
            client_id=f"p-{number}",
            body="Checking in about this week",
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any("FROM messaging_circle c" in text for text in prepared)  # the gate
    assert any(
        text.startswith("INSERT INTO archive_archiverecord") for text in prepared
    )


def test_prepared_statements_can_be_turned_off_for_a_pooler(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}))"
    )
    url = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}
    on = run_manage("shell", "-v", "0", "-c", code, env_extra=url, tmp_path=tmp_path)
    off = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        env_extra={**url, "DATABASE_PREPARED_STATEMENTS": "0"},
        tmp_path=tmp_path,
    )
    assert "'prepare_threshold': 5" in on.stdout, on.stderr
    assert "'server_side_binding': True" in on.stdout
    assert off.stdout.strip() == "{}", off.stderr
