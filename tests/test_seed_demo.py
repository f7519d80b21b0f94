"""seed_demo: two programs, cleared circles, a pending mentor, logins, idempotent."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Program, User
from config.errors import NotAllowed
from messaging.access import access_circle_for_chat
from messaging.models import Circle, Membership

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return json.loads(out.getvalue())


def test_seed_demo_prints_the_logins_and_every_login_works(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    data = seed("--password", "demo-pass-123", "--circles", "2")
    assert data["password"] == "demo-pass-123"
    assert len(data["programs"]) == 2
    for program in data["programs"]:
        assert set(program) == {
            "id",
            "name",
            "monitors",
            "admins",
            "pending",
            "circles",
        }
        assert len(program["circles"]) == 2
        for circle in program["circles"]:
            assert circle["coordinator"] in circle["mentors"]
            assert len(circle["mentors"]) == 2
        usernames = [
            *program["monitors"],
            *program["admins"],
            *program["pending"],
            *(c["mentee"] for c in program["circles"]),
            *(m for c in program["circles"] for m in c["mentors"]),
        ]
        for username in usernames:
            assert User.objects.get(username=username).check_password("demo-pass-123")


def test_seeded_members_can_chat_and_the_pending_mentor_cannot(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    data = seed("--password", "demo-pass-123")
    for program in data["programs"]:
        for circle in program["circles"]:
            for username in [circle["mentee"], *circle["mentors"]]:
                user = User.objects.get(username=username)
                assert (
                    access_circle_for_chat(user=user, circle_id=circle["id"]).user_id
                    == user.pk
                )
        pending = User.objects.get(username=program["pending"][0])
        first = program["circles"][0]["id"]
        assert Membership.objects.filter(user=pending, circle_id=first).exists()
        with pytest.raises(NotAllowed, match="training"):
            access_circle_for_chat(user=pending, circle_id=first)


def test_seed_demo_is_safe_to_run_twice(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first = seed("--password", "demo-pass-123")
    second = seed("--password", "demo-pass-123")
    assert first == second
    assert Program.objects.count() == 2
    assert Circle.objects.count() == 6


def test_without_a_password_it_remembers_the_one_it_made(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first = seed()
    assert seed("--if-empty")["password"] == first["password"]
    assert oct((tmp_path / "demo_password").stat().st_mode & 0o777) == "0o600"


def test_if_empty_leaves_a_real_database_alone(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    User.objects.create(username="real-person")
    out, err = StringIO(), StringIO()
    call_command("seed_demo", "--if-empty", stdout=out, stderr=err)
    assert out.getvalue() == ""
    assert "not seeding" in err.getvalue()
    assert Program.objects.count() == 0


def test_a_bad_circle_count_is_a_clear_error():
    with pytest.raises(CommandError, match="between 1 and"):
        call_command("seed_demo", "--circles", "0")
