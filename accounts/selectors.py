"""Reads about people: clearance and the programs a person works in.

`clearance_from` is the one place that decides whether a participant is cleared to
chat; `get_clearance` reads the facts it needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import (
    ClearanceKind,
    ClearanceRecord,
    CodeOfConduct,
    ConductAcceptance,
    Program,
    ProgramRole,
    Role,
    User,
)


class Missing:
    """Codes for what a participant still needs before they can chat."""

    SCREENING = "screening"
    TRAINING = "training"
    CONDUCT = "conduct"
    PARENTAL_CONSENT = "parental_consent"


MISSING_SENTENCES = {
    Missing.SCREENING: "Program staff have not yet recorded your screening and "
    "background check.",
    Missing.TRAINING: "Your training has not been recorded as completed yet.",
    Missing.CONDUCT: "You need to read and accept the current code of conduct.",
    Missing.PARENTAL_CONSENT: "Program staff need a parent or guardian's consent "
    "before you can take part.",
}


@dataclass(frozen=True)
class Clearance:
    missing: tuple[str, ...]

    @property
    def is_cleared(self) -> bool:
        return not self.missing

    def sentences(self) -> list[str]:
        return [_(MISSING_SENTENCES[code]) for code in self.missing]


def current_conduct(program: Program) -> CodeOfConduct | None:
    return program.conduct_versions.order_by("-version").first()


def get_clearance(*, user: User, program: Program, role: str) -> Clearance:
    """What `user`, taking part in `program` as `role` (mentee/mentor), still lacks."""
    records = set(
        ClearanceRecord.objects.filter(
            user=user, program=program, revoked_at__isnull=True
        ).values_list("kind", flat=True)
    )
    # One query: has `user` accepted the newest version the program published?
    newest = CodeOfConduct.objects.filter(program=program).order_by("-version")
    accepted_newest = ConductAcceptance.objects.filter(
        user=user, conduct=Subquery(newest.values("pk")[:1])
    ).exists()
    return clearance_from(
        role=role,
        records=records,
        accepted_conduct=accepted_newest,
        is_minor=user.is_minor,
    )


def clearance_from(
    *, role: str, records: Iterable[str], accepted_conduct: bool, is_minor: bool
) -> Clearance:
    """The rule itself, on facts already read (messaging.access reads them at once).

    Mentors need screening; everyone needs training and the current code of conduct;
    a minor needs a parent or guardian's consent on record.
    """
    kinds = set(records)
    missing: list[str] = []
    if role == Role.MENTOR and ClearanceKind.SCREENING not in kinds:
        missing.append(Missing.SCREENING)
    if ClearanceKind.TRAINING not in kinds:
        missing.append(Missing.TRAINING)
    if not accepted_conduct:
        missing.append(Missing.CONDUCT)
    if is_minor and ClearanceKind.PARENTAL_CONSENT not in kinds:
        missing.append(Missing.PARENTAL_CONSENT)
    return Clearance(missing=tuple(missing))


def is_cleared(*, user: User, program: Program, role: str) -> bool:
    return get_clearance(user=user, program=program, role=role).is_cleared


def programs_with_role(user: User, roles: Iterable[str]) -> QuerySet[Program]:
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(
        roles__user=user, roles__role__in=list(roles)
    ).distinct()


def monitored_programs(user: User) -> QuerySet[Program]:
    """Programs whose flags and threads `user` may review (monitors and admins)."""
    return programs_with_role(user, (Role.MONITOR, Role.ADMIN))


def administered_programs(user: User) -> QuerySet[Program]:
    if user.is_superuser:
        return Program.objects.all()
    return programs_with_role(user, (Role.ADMIN,))


def known_programs(user: User) -> QuerySet[Program]:
    """Every program `user` has any role in: the limit of what they may learn exists."""
    return programs_with_role(user, [choice.value for choice in Role])


def has_role(user: User, program: Program | int, role: str) -> bool:
    program_id = program if isinstance(program, int) else program.pk
    return ProgramRole.objects.filter(
        user=user, program_id=program_id, role=role
    ).exists()
