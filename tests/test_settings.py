"""Settings come from the environment; production settings pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT_BACKEND = (
    "from django.conf import settings; "
    "print(settings.CHANNEL_LAYERS['default']['BACKEND'])"
)


def run_manage(*args, env_extra, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "ARCHIVE_"))
    }
    env |= {"CIRCLES_VAR_DIR": str(tmp_path / "var"), **env_extra}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 20
            + "a-long-random-production-secret-value-9f8e7d",
            "DJANGO_ALLOWED_HOSTS": "circles.example.org",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_default_makes_its_secret_in_var_with_mode_0600(tmp_path):
    result = run_manage("check", env_extra={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    secret = tmp_path / "var" / "django_secret_key"
    assert oct(secret.stat().st_mode & 0o777) == "0o600"
    assert "Embedded setup" in result.stderr


@pytest.mark.parametrize(
    ("kind", "backend"),
    [
        ("pubsub", "channels_redis.pubsub.RedisPubSubChannelLayer"),
        ("core", "channels_redis.core.RedisChannelLayer"),
    ],
)
def test_redis_url_selects_a_redis_channel_layer(tmp_path, kind, backend):
    code = PRINT_BACKEND
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        env_extra={"REDIS_URL": "redis://127.0.0.1:6399/0", "CHANNEL_LAYER": kind},
        tmp_path=tmp_path,
    )
    assert result.stdout.strip() == backend, result.stderr


def test_without_redis_url_the_layer_is_in_process(tmp_path):
    code = PRINT_BACKEND
    result = run_manage("shell", "-v", "0", "-c", code, env_extra={}, tmp_path=tmp_path)
    assert result.stdout.strip() == "config.layers.SweepingInMemoryChannelLayer"


@pytest.mark.parametrize(
    ("env_extra", "pooled"),
    [
        ({}, "False"),  # SQLite: one writer, one database thread
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}, "True"),
        (
            {
                "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
                "CHAT_DB_THREAD_POOL": "0",
            },
            "False",
        ),
    ],
)
def test_sockets_use_a_database_thread_pool_on_postgresql_only(
    tmp_path, env_extra, pooled
):
    code = "from django.conf import settings; print(settings.CHAT_DB_THREAD_POOL)"
    result = run_manage(
        "shell", "-v", "0", "-c", code, env_extra=env_extra, tmp_path=tmp_path
    )
    assert result.stdout.strip() == pooled, result.stderr
