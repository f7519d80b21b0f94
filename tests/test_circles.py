"""Circle composition, the mentor's circle limit, agreements and chat eligibility."""

import pytest

from accounts.models import Role
from config.errors import Invalid, NotAllowed, NotFound
from messaging.access import access_circle, access_circle_for_chat
from messaging.circles import (
    accept_agreement,
    add_member,
    close_circle,
    create_circle,
    publish_agreement,
    remove_member,
)
from messaging.models import Circle, CircleRole, Membership
from messaging.selectors import list_home
from tests.factories import ProgramFactory, make_circle, make_member, participant, staff

pytestmark = pytest.mark.django_db


def test_an_administrator_forms_a_circle_of_one_mentee_and_two_mentors():
    program = ProgramFactory()
    admin = staff(program, Role.ADMIN)
    mentee = participant(program, Role.MENTEE)
    mentors = [participant(program, Role.MENTOR) for _ in range(2)]
    circle = create_circle(
        by=admin,
        program=program,
        name="Tuesday circle",
        mentee=mentee,
        mentors=mentors,
        coordinator=mentors[1],
    )
    roles = sorted(
        circle.memberships.values_list("user__username", "role", "is_coordinator")
    )
    assert roles == sorted(
        [
            (mentee.username, "mentee", False),
            (mentors[0].username, "mentor", False),
            (mentors[1].username, "mentor", True),
        ]
    )


def test_a_circle_with_too_few_mentors_is_refused_and_nothing_is_saved():
    program = ProgramFactory()
    mentee = participant(program, Role.MENTEE)
    mentor = participant(program, Role.MENTOR)
    with pytest.raises(Invalid, match="at least 2 mentors"):
        create_circle(
            by=None,
            program=program,
            name="Too small",
            mentee=mentee,
            mentors=[mentor],
            coordinator=mentor,
        )
    assert Circle.objects.count() == 0
    assert Membership.objects.count() == 0


def test_a_fifth_mentor_is_refused():
    circle_set = make_circle(mentors=4)
    extra = participant(circle_set.program, Role.MENTOR)
    with pytest.raises(Invalid, match="at most 4 mentors"):
        add_member(
            by=None, circle=circle_set.circle, user=extra, role=CircleRole.MENTOR
        )
    assert circle_set.circle.memberships.count() == 5


def test_a_second_mentee_is_refused():
    circle_set = make_circle()
    extra = participant(circle_set.program, Role.MENTEE)
    with pytest.raises(Invalid, match="at most 1 mentee"):
        add_member(
            by=None, circle=circle_set.circle, user=extra, role=CircleRole.MENTEE
        )


def test_the_program_sets_the_limits():
    program = ProgramFactory(max_mentors=2)
    circle_set = make_circle(program)
    extra = participant(program, Role.MENTOR)
    with pytest.raises(Invalid, match="at most 2 mentors"):
        add_member(
            by=None, circle=circle_set.circle, user=extra, role=CircleRole.MENTOR
        )


def test_a_mentor_may_be_in_at_most_two_open_circles():
    program = ProgramFactory()
    first, second, third = (make_circle(program, name=f"C{i}") for i in range(3))
    busy = first.mentors[1]
    add_member(by=None, circle=second.circle, user=busy, role=CircleRole.MENTOR)
    with pytest.raises(Invalid, match="already a mentor in 2 open circles"):
        add_member(by=None, circle=third.circle, user=busy, role=CircleRole.MENTOR)


def test_a_closed_circle_frees_a_place_for_its_mentors():
    program = ProgramFactory()
    first, second, third = (make_circle(program, name=f"C{i}") for i in range(3))
    busy = first.mentors[1]
    add_member(by=None, circle=second.circle, user=busy, role=CircleRole.MENTOR)
    close_circle(by=None, circle=first.circle, reason="Goals met")
    membership = add_member(
        by=None, circle=third.circle, user=busy, role=CircleRole.MENTOR
    )
    assert membership.circle == third.circle


def test_only_people_with_the_role_in_the_program_can_be_seated():
    circle_set = make_circle()
    stranger = participant(ProgramFactory(), Role.MENTOR)
    with pytest.raises(Invalid, match="is not a mentor in"):
        add_member(
            by=None, circle=circle_set.circle, user=stranger, role=CircleRole.MENTOR
        )


def test_a_second_coordinator_is_refused():
    circle_set = make_circle()
    extra = participant(circle_set.program, Role.MENTOR)
    with pytest.raises(Invalid, match="one coordinator"):
        add_member(
            by=None,
            circle=circle_set.circle,
            user=extra,
            role=CircleRole.MENTOR,
            is_coordinator=True,
        )


def test_administrators_of_another_program_cannot_add_members():
    circle_set = make_circle()
    outsider = staff(ProgramFactory(), Role.ADMIN)
    extra = participant(circle_set.program, Role.MENTOR)
    with pytest.raises(NotFound):
        add_member(
            by=outsider, circle=circle_set.circle, user=extra, role=CircleRole.MENTOR
        )


def test_a_cleared_member_of_an_accepted_agreement_can_chat():
    circle_set = make_circle()
    member = access_circle_for_chat(
        user=circle_set.mentee, circle_id=circle_set.circle.pk
    )
    assert (member.circle_id, member.role) == (circle_set.circle.pk, "mentee")


def test_a_new_agreement_version_must_be_accepted_by_every_member():
    circle_set = make_circle()
    agreement = publish_agreement(
        by=circle_set.coordinator,
        circle=circle_set.circle,
        fields={"focus": "Work and housing", "meeting_length_minutes": 45},
    )
    assert (agreement.version, agreement.focus) == (2, "Work and housing")
    with pytest.raises(NotAllowed, match="version 2"):
        access_circle_for_chat(user=circle_set.mentee, circle_id=circle_set.circle.pk)
    for person in [*circle_set.members[1:], circle_set.mentee]:
        accept_agreement(user=person, circle_id=circle_set.circle.pk)
    assert (
        access_circle_for_chat(
            user=circle_set.mentee, circle_id=circle_set.circle.pk
        ).user_id
        == circle_set.mentee.pk
    )


def test_a_new_version_keeps_what_it_does_not_change():
    circle_set = make_circle()
    publish_agreement(
        by=circle_set.coordinator,
        circle=circle_set.circle,
        fields={"goals_short_term": "Get an ID"},
    )
    agreement = publish_agreement(
        by=circle_set.coordinator, circle=circle_set.circle, fields={"focus": "Work"}
    )
    assert (agreement.goals_short_term, agreement.focus) == ("Get an ID", "Work")


def test_only_the_coordinator_edits_the_agreement():
    circle_set = make_circle()
    with pytest.raises(NotAllowed, match="coordinator"):
        publish_agreement(
            by=circle_set.mentors[1], circle=circle_set.circle, fields={"focus": "Mine"}
        )
    assert circle_set.circle.agreements.count() == 1


def test_an_agreement_with_a_bad_value_is_refused_whole():
    circle_set = make_circle()
    with pytest.raises(Exception, match="meeting_length_minutes"):
        publish_agreement(
            by=circle_set.coordinator,
            circle=circle_set.circle,
            fields={"meeting_length_minutes": -5},
        )
    assert circle_set.circle.agreements.count() == 1


def test_a_member_who_has_not_accepted_keeps_the_whole_circle_waiting():
    circle_set = make_circle()
    make_member(circle_set.circle, CircleRole.MENTOR, accepted=False)
    with pytest.raises(NotAllowed, match="Every member must accept"):
        access_circle_for_chat(user=circle_set.mentee, circle_id=circle_set.circle.pk)


@pytest.mark.parametrize("piece", ["training", "conduct", "screening"])
def test_an_uncleared_member_cannot_chat(piece):
    circle_set = make_circle()
    pending = make_member(circle_set.circle, CircleRole.MENTOR, **{piece: False})
    with pytest.raises(NotAllowed):
        access_circle_for_chat(user=pending, circle_id=circle_set.circle.pk)
    # The others still can: one member's clearance is about that member.
    assert access_circle_for_chat(
        user=circle_set.mentee, circle_id=circle_set.circle.pk
    )


def test_a_removed_member_cannot_chat():
    circle_set = make_circle()
    remove_member(by=None, circle=circle_set.circle, user=circle_set.mentors[1])
    with pytest.raises(NotAllowed, match="not a member"):
        access_circle_for_chat(
            user=circle_set.mentors[1], circle_id=circle_set.circle.pk
        )


def test_nobody_can_chat_in_a_closed_circle():
    circle_set = make_circle()
    close_circle(by=None, circle=circle_set.circle, reason="Goals met")
    with pytest.raises(NotAllowed, match="closed"):
        access_circle_for_chat(user=circle_set.mentee, circle_id=circle_set.circle.pk)


def test_a_circle_of_another_program_is_not_found_exactly_like_a_missing_one():
    circle_set = make_circle()
    outsider = participant(ProgramFactory(), Role.MENTOR)
    with pytest.raises(NotFound) as foreign:
        access_circle(user=outsider, circle_id=circle_set.circle.pk)
    with pytest.raises(NotFound) as missing:
        access_circle(user=outsider, circle_id=circle_set.circle.pk + 1000)
    assert foreign.value.as_dict() == missing.value.as_dict()


def test_home_lists_only_the_persons_own_circles_with_what_blocks_them():
    program = ProgramFactory()
    mine, other = make_circle(program, name="Mine"), make_circle(program, name="Other")
    pending = make_member(mine.circle, CircleRole.MENTOR, training=False)
    page = list_home(user=pending)
    assert [card.name for card in page.circles] == ["Mine"]
    assert page.circles[0].can_chat is False
    assert "training" in page.circles[0].blocked_because
    assert other.circle.name not in [
        card.name for card in list_home(user=mine.mentee).circles
    ]
