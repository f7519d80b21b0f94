"""Clearance: each missing piece keeps a participant out of the chat."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import ClearanceKind, ClearanceRecord, Role, User
from accounts.selectors import Missing, get_clearance, is_cleared
from accounts.services import accept_conduct, publish_conduct, record_clearance
from config.errors import Invalid, NotAllowed, NotFound, NotLoggedIn
from messaging.access import chat_access
from tests.factories import (
    ProgramFactory,
    make_circle,
    make_member,
    participant,
    staff,
)

pytestmark = pytest.mark.django_db


def test_a_screened_trained_mentor_who_accepted_the_conduct_is_cleared():
    program = ProgramFactory()
    mentor = participant(program, Role.MENTOR)
    assert get_clearance(user=mentor, program=program, role=Role.MENTOR).missing == ()
    assert is_cleared(user=mentor, program=program, role=Role.MENTOR) is True


@pytest.mark.parametrize(
    ("role", "missing_piece", "code"),
    [
        (Role.MENTOR, "screening", Missing.SCREENING),
        (Role.MENTOR, "training", Missing.TRAINING),
        (Role.MENTOR, "conduct", Missing.CONDUCT),
        (Role.MENTEE, "training", Missing.TRAINING),
        (Role.MENTEE, "conduct", Missing.CONDUCT),
    ],
)
def test_each_missing_piece_blocks_clearance(role, missing_piece, code):
    program = ProgramFactory()
    person = participant(program, role, **{missing_piece: False})
    clearance = get_clearance(user=person, program=program, role=role)
    assert clearance.missing == (code,)
    assert clearance.is_cleared is False
    assert len(clearance.sentences()) == 1


def test_mentees_need_no_screening():
    program = ProgramFactory()
    mentee = participant(program, Role.MENTEE, screening=False)
    assert is_cleared(user=mentee, program=program, role=Role.MENTEE) is True


def test_a_minor_needs_parental_consent_and_an_adult_does_not():
    program = ProgramFactory()
    minor = participant(program, Role.MENTEE, minor=True, consent=False)
    adult = participant(program, Role.MENTEE, consent=False)
    assert minor.is_minor is True
    assert get_clearance(user=minor, program=program, role=Role.MENTEE).missing == (
        Missing.PARENTAL_CONSENT,
    )
    assert is_cleared(user=adult, program=program, role=Role.MENTEE) is True


def test_turning_eighteen_today_makes_someone_an_adult():
    program = ProgramFactory()
    today = timezone.localdate()
    person = participant(program, Role.MENTEE, consent=False)
    person.date_of_birth = today.replace(year=today.year - 18)
    assert person.is_minor is False
    person.date_of_birth = today.replace(year=today.year - 18) + dt.timedelta(days=1)
    assert person.is_minor is True


def test_a_new_code_of_conduct_version_requires_acceptance_again():
    program = ProgramFactory()
    mentor = participant(program, Role.MENTOR)
    publish_conduct(program=program, text="Be kind. Version two.")
    assert get_clearance(user=mentor, program=program, role=Role.MENTOR).missing == (
        Missing.CONDUCT,
    )
    accept_conduct(user=mentor, program=program)
    assert is_cleared(user=mentor, program=program, role=Role.MENTOR) is True


def test_a_revoked_record_no_longer_counts():
    program = ProgramFactory()
    mentor = participant(program, Role.MENTOR)
    ClearanceRecord.objects.filter(user=mentor, kind=ClearanceKind.SCREENING).update(
        revoked_at=timezone.now()
    )
    assert get_clearance(user=mentor, program=program, role=Role.MENTOR).missing == (
        Missing.SCREENING,
    )


def test_clearance_in_one_program_does_not_clear_another():
    first, second = ProgramFactory(), ProgramFactory()
    mentor = participant(first, Role.MENTOR)
    assert is_cleared(user=mentor, program=second, role=Role.MENTOR) is False


def test_staff_record_consent_with_the_guardian_and_who_recorded_it():
    program = ProgramFactory()
    monitor = staff(program)
    minor = participant(program, Role.MENTEE, minor=True, consent=False)
    record = record_clearance(
        by=monitor,
        user=minor,
        program=program,
        kind=ClearanceKind.PARENTAL_CONSENT,
        guardian_name="Rosa Diaz",
        guardian_relation="grandmother",
    )
    assert (record.recorded_by, record.guardian_relation) == (monitor, "grandmother")
    assert is_cleared(user=minor, program=program, role=Role.MENTEE) is True


def test_consent_without_a_guardian_is_refused_with_a_reason():
    program = ProgramFactory()
    monitor = staff(program)
    minor = participant(program, Role.MENTEE, minor=True, consent=False)
    with pytest.raises(Invalid, match="guardian"):
        record_clearance(
            by=monitor, user=minor, program=program, kind=ClearanceKind.PARENTAL_CONSENT
        )
    assert (
        ClearanceRecord.objects.filter(kind=ClearanceKind.PARENTAL_CONSENT).count() == 0
    )


def test_staff_of_another_program_cannot_record_clearance():
    program, other = ProgramFactory(), ProgramFactory()
    outsider = staff(other)
    mentor = participant(program, Role.MENTOR, training=False)
    with pytest.raises(NotFound):
        record_clearance(
            by=outsider, user=mentor, program=program, kind=ClearanceKind.TRAINING
        )


# The chat gate (messaging.access.chat_access) reads the same facts in one SQL
# statement: it must say exactly what get_clearance says, for every piece.


@pytest.mark.parametrize(
    ("role", "lacks"),
    [
        (Role.MENTOR, {}),
        (Role.MENTEE, {}),
        (Role.MENTOR, {"screening": False}),
        (Role.MENTOR, {"training": False}),
        (Role.MENTOR, {"conduct": False}),
        (Role.MENTEE, {"screening": False}),  # mentees need none: still cleared
        (Role.MENTEE, {"training": False, "conduct": False}),
        (Role.MENTEE, {"minor": True, "consent": False}),
        (Role.MENTEE, {"minor": True}),
        (Role.MENTOR, {"screening": False, "training": False, "conduct": False}),
    ],
)
def test_the_chat_gate_and_get_clearance_agree(role, lacks):
    circle_set = make_circle()
    person = make_member(circle_set.circle, role, **lacks)
    clearance = get_clearance(user=person, program=circle_set.program, role=role)
    if clearance.is_cleared:
        member = chat_access(user=person, circle_id=circle_set.circle.pk).member
        assert (member.user_id, member.role) == (person.pk, role)
        return
    with pytest.raises(NotAllowed) as refusal:
        chat_access(user=person, circle_id=circle_set.circle.pk)
    assert refusal.value.detail == " ".join(clearance.sentences())


def test_the_chat_gate_sees_a_revoked_record_and_a_new_conduct_version():
    circle_set = make_circle()
    mentor = circle_set.mentors[1]
    circle_id = circle_set.circle.pk
    chat_access(user=mentor, circle_id=circle_id)
    ClearanceRecord.objects.filter(user=mentor, kind=ClearanceKind.SCREENING).update(
        revoked_at=timezone.now()
    )
    with pytest.raises(NotAllowed, match="screening"):
        chat_access(user=mentor, circle_id=circle_id)
    publish_conduct(program=circle_set.program, text="Version two")
    with pytest.raises(NotAllowed, match="code of conduct"):
        chat_access(user=circle_set.mentee, circle_id=circle_id)
    accept_conduct(user=circle_set.mentee, program=circle_set.program)
    chat_access(user=circle_set.mentee, circle_id=circle_id)


def test_the_chat_gate_refuses_a_deactivated_account_and_an_unknown_circle():
    circle_set = make_circle()
    outsider = participant(ProgramFactory(), Role.MENTOR)
    with pytest.raises(NotFound):
        chat_access(user=outsider, circle_id=circle_set.circle.pk)
    with pytest.raises(NotFound):
        chat_access(user=circle_set.mentee, circle_id=circle_set.circle.pk + 1000)
    User.objects.filter(pk=circle_set.mentee.pk).update(is_active=False)
    with pytest.raises(NotLoggedIn):
        chat_access(user=circle_set.mentee, circle_id=circle_set.circle.pk)
