"""The Django admin, scoped: an administrator sees and edits their program only."""

import pytest

from accounts.models import Role
from messaging.models import CircleRole, Membership
from tests.factories import ProgramFactory, make_circle, participant, staff

pytestmark = pytest.mark.django_db

DOES_NOT_EXIST = "doesn\u2019t exist"  # the admin's own wording, typographic quote


@pytest.fixture
def two_programs():
    mine, theirs = ProgramFactory(name="Mine"), ProgramFactory(name="Theirs")
    admin = staff(mine, Role.ADMIN, is_staff=True)
    return {
        "admin": admin,
        "mine": make_circle(mine, name="Circle of mine"),
        "theirs": make_circle(theirs, name="Circle of theirs"),
    }


def test_the_circle_list_shows_only_my_programs_circles(client, two_programs):
    client.force_login(two_programs["admin"])
    body = client.get("/admin/messaging/circle/").content.decode()
    assert "Circle of mine" in body
    assert "Circle of theirs" not in body


def test_another_programs_circle_is_not_found_in_the_admin(client, two_programs):
    client.force_login(two_programs["admin"])
    theirs = two_programs["theirs"].circle.pk
    response = client.get(f"/admin/messaging/circle/{theirs}/change/", follow=True)
    assert DOES_NOT_EXIST in response.content.decode()
    missing = client.get("/admin/messaging/circle/999999/change/", follow=True)
    assert DOES_NOT_EXIST in missing.content.decode()


def test_the_people_list_shows_only_my_programs_people(client, two_programs):
    client.force_login(two_programs["admin"])
    body = client.get("/admin/accounts/user/").content.decode()
    assert two_programs["mine"].mentee.username in body
    assert two_programs["theirs"].mentee.username not in body


def test_a_monitor_or_participant_cannot_use_the_admin(client, two_programs):
    client.force_login(two_programs["mine"].mentee)
    assert client.get("/admin/messaging/circle/").status_code == 302


def membership_form(circle_set, extra_users):
    circle = circle_set.circle
    rows = list(circle.memberships.all())
    data = {
        "program": circle.program_id,
        "name": circle.name,
        "status": "open",
        "closure_reason": "",
        "future_contact_policy": "",
        "memberships-TOTAL_FORMS": str(len(rows) + len(extra_users)),
        "memberships-INITIAL_FORMS": str(len(rows)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {
            f"memberships-{index}-id": row.pk,
            f"memberships-{index}-circle": circle.pk,
            f"memberships-{index}-user": row.user_id,
            f"memberships-{index}-role": row.role,
            f"memberships-{index}-is_coordinator": "on" if row.is_coordinator else "",
            f"memberships-{index}-joined_at_0": row.joined_at.strftime("%Y-%m-%d"),
            f"memberships-{index}-joined_at_1": row.joined_at.strftime("%H:%M:%S"),
        }
    for offset, user in enumerate(extra_users, start=len(rows)):
        data |= {
            f"memberships-{offset}-circle": circle.pk,
            f"memberships-{offset}-user": user.pk,
            f"memberships-{offset}-role": CircleRole.MENTOR,
            f"memberships-{offset}-joined_at_0": "2026-01-05",
            f"memberships-{offset}-joined_at_1": "10:00:00",
        }
    return data


def test_adding_mentors_past_the_limit_in_the_admin_is_refused_and_saves_nothing(
    client, two_programs
):
    circle_set = two_programs["mine"]
    extra = [participant(circle_set.program, Role.MENTOR) for _ in range(3)]
    client.force_login(two_programs["admin"])
    response = client.post(
        f"/admin/messaging/circle/{circle_set.circle.pk}/change/",
        membership_form(circle_set, extra),
    )
    assert response.status_code == 200
    assert "at most 4 mentors" in response.content.decode()
    assert Membership.objects.filter(circle=circle_set.circle).count() == 3


def test_adding_a_mentor_within_the_limit_in_the_admin_works(client, two_programs):
    circle_set = two_programs["mine"]
    extra = participant(circle_set.program, Role.MENTOR)
    client.force_login(two_programs["admin"])
    response = client.post(
        f"/admin/messaging/circle/{circle_set.circle.pk}/change/",
        membership_form(circle_set, [extra]),
    )
    assert response.status_code == 302
    assert Membership.objects.filter(circle=circle_set.circle, user=extra).exists()
