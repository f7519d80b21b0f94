"""Shared fixtures: fast hashing, archive keys in tmp, circles, sockets, layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_circle


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
    try:
        from archive.keys import forget_keys
    except ImportError:
        return
    forget_keys()


@pytest.fixture
def circle_set(db: None):  # type: ignore[no-untyped-def]
    return make_circle()
